/**
 * `RandomStreams`: Theano's NumPy-backed streams (`shared_randomstreams`). Each random
 * variable owns an MT19937 seeded with `RandomState(seed).randint(2**30)` draws and
 * samples with NumPy's legacy `RandomState` algorithms, so seeds give Theano's numbers.
 * CPU only, as in Theano.
 * @module
 */
import { floatX } from "../core/config.ts";
import { type DType, isInt, upcast } from "../core/dtype.ts";
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { anyValue, bool, checkOptions, count, dtypeKind, either } from "../core/options.ts";
import { permuteRowElements } from "../ops/permute_row_elements.ts";
import { shapeOf } from "../ops/shape.ts";
import { get } from "../ops/subtensor.ts";
import { NDArray } from "../core/ndarray.ts";
import { SharedVariable } from "../core/shared.ts";
import { Constant, type TensorLike, TensorType, Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { badMtState, MT19937, MT_STATE_LEN } from "./mt19937.ts";
import { numpyRandomOp } from "./numpy_op.ts";
import { applyRandom, checkArgShape, parseSize, type SizeLike, splitArgs } from "./random_op.ts";
import { RandomStreamsBase, type RandomVariable } from "./streams_base.ts";

/** Options shared by the NumPy-backed draws. */
export interface NumpyOptions {
  /** The sample's dtype (default: floatX, widened by float tensor arguments, for real distributions; int64 for integer ones). */
  dtype?: DType;
  /** Length of a symbolic size vector whose length is not known statically. */
  ndim?: number;
}

const NUMPY_OPTIONS = { dtype: dtypeKind, ndim: count };

function checkSeed(seed: unknown): number {
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new InputError(`RandomStreams: the seed must be an integer in [0, 2^32 - 1], got ${String(seed)}`);
  }
  return seed;
}

/** `RandomState(seed)`, or one seeded from the system's entropy for an undefined seed. */
function randomState(seed: number | undefined): MT19937 {
  return seed === undefined
    ? MT19937.fromSeed(crypto.getRandomValues(new Uint32Array(1))[0])
    : MT19937.fromSeed(seed);
}

/**
 * Theano's NumPy-backed random streams.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RandomStreams } from "../mod.ts";
 * const srng = new RandomStreams(234);
 * const u = srng.uniform([2, 2]);
 * assert(u.rng.getValue().shape[0] === 627);
 * ```
 */
export class RandomStreams extends RandomStreamsBase {
  /** NumPy's Mersenne Twister, as Theano's `RandomStreams`. */
  readonly generator = "MT19937" as const;
  /** The constructor's seed (undefined: seeded from system entropy). */
  readonly defaultInstanceSeed: number | undefined;
  #seedgen: MT19937;

  /** Streams seeded with a 32-bit integer, or from system entropy without one. */
  constructor(seed?: number) {
    super();
    if (seed !== undefined) checkSeed(seed);
    this.defaultInstanceSeed = seed;
    this.#seedgen = randomState(seed);
  }

  /**
   * Re-seed every variable made so far, in creation order, from
   * `RandomState(seed).randint(2**30)` draws, as Theano does. Variables made later
   * continue from the same seed generator (Theano kept the old one), so re-seeding
   * behaves like building the streams afresh with this seed.
   */
  seed(seed: number | undefined = this.defaultInstanceSeed): void {
    if (seed !== undefined) checkSeed(seed);
    const gen = randomState(seed);
    const values = this.entries.map(() => MT19937.fromSeed(gen.bounded(2 ** 30 - 1)).toVector());
    this.#seedgen = gen;
    values.forEach((v, k) =>
      this.entries[k].state.setValue(new NDArray("float64", [MT_STATE_LEN], v), { borrow: true })
    );
  }

  /** The streams' own state: the seed generator's Mersenne Twister state. */
  protected baseVector(): number[] {
    return Array.from(this.#seedgen.toVector());
  }
  /** Why `v` is not a valid Mersenne Twister state (undefined when valid). */
  protected badBase(v: readonly number[]): string | undefined {
    return badMtState(v);
  }
  /** Install a checked Mersenne Twister state as the seed generator. */
  protected setBase(v: readonly number[]): void {
    this.#seedgen = MT19937.fromVector(v);
  }
  /** Why `data` is not a valid Mersenne Twister state (undefined when valid). */
  protected badState(data: readonly number[]): string | undefined {
    return badMtState(data);
  }

  /**
   * Uniform draws in [low, high): `low + (high - low) * random_sample()`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const u = new T.RandomStreams(234).uniform([2, 2], { low: -1, high: 1 });
   * assert(u.staticShape.join() === "2,2" && u.dtype === "float64");
   * ```
   */
  uniform(
    size?: SizeLike,
    options: NumpyOptions & { low?: TensorLike; high?: TensorLike } = {},
  ): RandomVariable {
    checkOptions("RandomStreams.uniform", options, { ...NUMPY_OPTIONS, low: anyValue, high: anyValue });
    const { low = 0, high = 1 } = options;
    return this.#gen("uniform", size, { low, high }, this.#float(options.dtype, [low, high]), options);
  }

  /**
   * Normal draws `avg + std * gauss()` (NumPy's legacy polar method).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const n = new T.RandomStreams(234).normal([3], { avg: 10, std: 2, dtype: "float32" });
   * assert(n.dtype === "float32");
   * ```
   */
  normal(
    size?: SizeLike,
    options: NumpyOptions & { avg?: TensorLike; std?: TensorLike } = {},
  ): RandomVariable {
    checkOptions("RandomStreams.normal", options, { ...NUMPY_OPTIONS, avg: anyValue, std: anyValue });
    const { avg = 0, std = 1 } = options;
    return this.#gen("normal", size, { avg, std }, this.#float(options.dtype, [avg, std]), options);
  }

  /**
   * Normal draws cut at ±2 (rejection on the legacy gauss), scaled like
   * `MRGRandomStreams.truncatedNormal` so that `std` is the result's standard deviation.
   * Theano's RandomStreams had no truncated normal: no Theano counterpart.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const t = new T.RandomStreams(1).truncatedNormal([100], { std: 0.1 });
   * assert(t.ndim === 1);
   * ```
   */
  truncatedNormal(
    size?: SizeLike,
    options: NumpyOptions & { avg?: TensorLike; std?: TensorLike } = {},
  ): RandomVariable {
    checkOptions("RandomStreams.truncatedNormal", options, {
      ...NUMPY_OPTIONS,
      avg: anyValue,
      std: anyValue,
    });
    const { avg = 0, std = 1 } = options;
    return this.#gen("truncated_normal", size, { avg, std }, this.#float(options.dtype, [avg, std]), options);
  }

  /**
   * Binomial draws (NumPy's legacy inversion / BTPE), dtype int64 by default.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const b = new T.RandomStreams(1).binomial([4], { n: 100, p: 0.3 });
   * assert(b.dtype === "int64");
   * ```
   */
  binomial(size?: SizeLike, options: NumpyOptions & { n?: TensorLike; p?: TensorLike } = {}): RandomVariable {
    checkOptions("RandomStreams.binomial", options, { ...NUMPY_OPTIONS, n: anyValue, p: anyValue });
    const { n = 1, p = 0.5 } = options;
    return this.#gen("binomial", size, { n, p }, options.dtype ?? "int64", options);
  }

  /**
   * Theano's `random_integers`: integers in [low, high], both included.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const d = new T.RandomStreams(1).randomIntegers([10], { low: 1, high: 6 });
   * assert(d.staticShape[0] === 10);
   * ```
   */
  randomIntegers(
    size?: SizeLike,
    options: NumpyOptions & { low?: TensorLike; high?: TensorLike } = {},
  ): RandomVariable {
    checkOptions("RandomStreams.randomIntegers", options, {
      ...NUMPY_OPTIONS,
      low: anyValue,
      high: anyValue,
    });
    const { low = 0, high = 1 } = options;
    return this.#gen("integers", size, { low, high }, options.dtype ?? "int64", options, { inclusive: true });
  }

  /**
   * NumPy's `randint(low, high)`: integers in [low, high), high excluded.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const k = new T.RandomStreams(1).integers([5], { high: 10 });
   * assert(k.dtype === "int64");
   * ```
   */
  integers(
    size: SizeLike | undefined,
    options: NumpyOptions & { low?: TensorLike; high: TensorLike },
  ): RandomVariable {
    checkOptions("RandomStreams.integers", options, { ...NUMPY_OPTIONS, low: anyValue, high: anyValue });
    if (options?.high === undefined) throw new InputError("RandomStreams.integers: high is required");
    return this.#gen(
      "integers",
      size,
      { low: options.low ?? 0, high: options.high },
      options.dtype ?? "int64",
      options,
      {
        inclusive: false,
      },
    );
  }

  /**
   * NumPy's `choice(a, size, replace, p)`: `a` is a population size or a vector of
   * values, `p` optional probabilities.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const c = new T.RandomStreams(1).choice([3], { a: [10, 20, 30, 40], replace: false });
   * assert(c.staticShape[0] === 3);
   * ```
   */
  choice(
    size?: SizeLike,
    options: NumpyOptions & { a?: TensorLike; replace?: boolean; p?: TensorLike } = {},
  ): RandomVariable {
    checkOptions("RandomStreams.choice", options, {
      ...NUMPY_OPTIONS,
      a: anyValue,
      replace: bool,
      p: anyValue,
    });
    const what = "RandomStreams.choice";
    const { a = 2, replace = true, p } = options;
    if (typeof a === "number" && (!Number.isInteger(a) || a < 0)) {
      throw new InputError(`${what}: a must be an integer >= 0`);
    }
    const av = typeof a === "number" ? a : asTensor(a);
    const pop = typeof av === "number" ? av : av.ndim === 1 ? av.type.shape[0] : null;
    if (typeof av !== "number" && av.ndim !== 1) {
      throw new HypatiaTypeError(`${what}: a must be an integer or a vector`);
    }
    const count = Array.isArray(size) && size.every((d) => typeof d === "number")
      ? (size as number[]).reduce((x, y) => x * y, 1)
      : typeof size === "number"
      ? size
      : size === undefined
      ? 1
      : null;
    if (!replace && pop !== null && count !== null && count > pop) {
      throw new InputError(
        `${what}: cannot take ${count} samples without replacement from a population of ${pop}`,
      );
    }
    const args: Record<string, TensorLike> = { a: av };
    if (p !== undefined) args.p = asTensor(p);
    return this.#gen("choice", size, args, options.dtype ?? "int64", options, { replace }, undefined, true);
  }

  /**
   * `size` permutations of 0..n-1 (NumPy's legacy shuffle): output shape `[...size, n]`.
   * `n` may be a symbolic integer scalar (the last length is then known at run time).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const p = new T.RandomStreams(1).permutation([2], { n: 5 });
   * assert(p.staticShape.join() === "2,5");
   * ```
   */
  permutation(size: SizeLike | undefined, options: NumpyOptions & { n: number | Variable }): RandomVariable {
    checkOptions("RandomStreams.permutation", options, {
      ...NUMPY_OPTIONS,
      n: either(count, { test: (v) => v instanceof Variable, expected: "a symbolic integer scalar" }),
    });
    const what = "RandomStreams.permutation";
    let n: number | Variable | undefined = options?.n;
    if (n instanceof Constant && n.ndim === 0) n = Number(n.value.data[0]);
    if (n instanceof Variable) {
      if (n.ndim !== 0 || !isInt(n.dtype)) {
        throw new HypatiaTypeError(`${what}: n must be an integer scalar, got ${n.describe()}`);
      }
      return this.#gen("permutation", size, { n }, options.dtype ?? "int64", options, {}, [null], true);
    }
    if (!Number.isInteger(n) || (n as number) < 0) throw new InputError(`${what}: n must be an integer >= 0`);
    return this.#gen("permutation", size, {}, options.dtype ?? "int64", options, { n: n as number }, [
      n as number,
    ]);
  }

  /**
   * Poisson draws (NumPy's legacy `poisson`: multiplication of uniforms below lam = 10,
   * Hörmann's PTRS from 10 on), dtype int64 by default; `lam` (default 1) is a number or
   * a tensor broadcast to the size. A negative or NaN `lam` is an InputError when the
   * function runs (or when the graph is built, for a number); the state is then unchanged.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const k = new T.RandomStreams(77).poisson([8], { lam: 3.5 });
   * assert.deepEqual(T.function([], k)().toArray(), [2, 6, 7, 5, 1, 9, 4, 2]); // np.random.RandomState(...).poisson(3.5, 8)
   * ```
   */
  poisson(size?: SizeLike, options: NumpyOptions & { lam?: TensorLike } = {}): RandomVariable {
    checkOptions("RandomStreams.poisson", options, { ...NUMPY_OPTIONS, lam: anyValue });
    const { lam = 1 } = options;
    if (typeof lam === "number" && !(lam >= 0)) {
      throw new InputError(`RandomStreams.poisson: lam must be >= 0, got ${lam}`);
    }
    return this.#gen("poisson", size, { lam }, options.dtype ?? "int64", options);
  }

  /**
   * `input` with the elements of every row (last axis) shuffled, each row by its own
   * permutation (Theano's `shuffle_row_elements`): a `permutation` draw of the input's
   * leading shape, applied by `permuteRowElements`. The draw is the result's
   * `permutation` (its `rng` is the state to seed or copy).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const x = T.dmatrix("x");
   * const s = new T.RandomStreams(1).shuffleRowElements(x);
   * const [rows, perm] = T.function([x], [s, s.permutation])([[1, 2, 3], [4, 5, 6]]);
   * assert.deepEqual(rows.shape, [2, 3]);
   * assert.deepEqual((rows.toArray() as number[][])[0].toSorted(), [1, 2, 3]);
   * ```
   */
  shuffleRowElements(input: TensorLike): Variable & { permutation: RandomVariable } {
    const x = asTensor(input);
    if (x.ndim < 1) {
      throw new HypatiaTypeError(`RandomStreams.shuffleRowElements: ${x.describe()} has no rows to shuffle`);
    }
    const length = (d: number) => x.type.shape[d] ?? get(shapeOf(x), d);
    const lead = Array.from({ length: x.ndim - 1 }, (_, d) => length(d));
    const permutation = this.permutation(lead, { n: length(x.ndim - 1) });
    return Object.assign(permuteRowElements(x, permutation), { permutation });
  }

  /**
   * Multinomial counts (NumPy's legacy multinomial with Theano's adjustment of rows that
   * round above 1): one count vector per row of `pvals` broadcast to `size`; output shape
   * `[...size, outcomes]`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const m = new T.RandomStreams(1).multinomial({ pvals: [0.2, 0.8], n: 10, size: [3] });
   * assert(m.staticShape.join() === "3,2");
   * ```
   */
  multinomial(options: NumpyOptions & { pvals?: TensorLike; n?: number; size?: SizeLike }): RandomVariable {
    checkOptions("RandomStreams.multinomial", options, {
      ...NUMPY_OPTIONS,
      pvals: anyValue,
      n: count,
      size: anyValue,
    });
    const what = "RandomStreams.multinomial";
    const { n = 1 } = options;
    const pvals = asTensor(options.pvals ?? [0.5, 0.5]);
    if (pvals.ndim < 1) throw new HypatiaTypeError(`${what}: pvals must have at least one dimension`);
    if (!Number.isInteger(n) || n < 0) throw new InputError(`${what}: n must be an integer >= 0`);
    const k = pvals.type.shape[pvals.ndim - 1];
    if (k === null) {
      throw new HypatiaTypeError(`${what}: the number of outcomes of ${pvals.describe()} must be known`);
    }
    let size = options.size;
    if (size === undefined) {
      const rows = pvals.type.shape.slice(0, -1);
      if (rows.some((d) => d === null)) {
        throw new HypatiaTypeError(`${what}: give a size for ${pvals.describe()}`);
      }
      size = rows as number[];
    }
    return this.#gen("multinomial", size, { pvals }, options.dtype ?? "int64", options, { n }, [k], true);
  }

  #float(dtype: DType | undefined, args: TensorLike[]): DType {
    if (dtype !== undefined) return dtype;
    let d = floatX();
    for (const a of args) if (typeof a !== "number") d = upcast(d, asTensor(a).dtype);
    return d;
  }

  /** Theano's `gen`: a new MT19937 seeded from the seed generator, and the node drawing from it. */
  #gen(
    dist: string,
    size: SizeLike | undefined,
    args: Record<string, TensorLike>,
    dtype: DType,
    options: NumpyOptions,
    extra: Record<string, number | boolean> = {},
    trailing: (number | null)[] = [],
    keepArgs = false,
  ): RandomVariable {
    const what = `RandomStreams.${dist}`;
    const split = splitArgs(args, what);
    let sz = size;
    if (sz === undefined) {
      // No size: the arguments' broadcast shape, as NumPy does.
      const shapes = keepArgs ? [] : split.inputs.map((v) => v.type.shape);
      const nd = Math.max(0, ...shapes.map((s) => s.length));
      const dims: number[] = [];
      for (let i = 0; i < nd; i++) {
        let d = 1;
        for (const s of shapes) {
          const e = s[s.length - nd + i] ?? 1;
          if (e === null) {
            throw new HypatiaTypeError(`${what}: give a size (an argument's shape is not known)`);
          }
          if (e !== 1) d = e;
        }
        dims.push(d);
      }
      sz = dims;
    }
    const spec = parseSize(sz, what, 0, options.ndim);
    if (!keepArgs) split.inputs.forEach((v, k) => checkArgShape(v, spec.dims, split.names[k], what));
    Object.assign(split.values, extra);
    const seed = this.#seedgen.bounded(2 ** 30 - 1);
    const state = new SharedVariable(
      new TensorType("float64", [MT_STATE_LEN]),
      new NDArray("float64", [MT_STATE_LEN], MT19937.fromSeed(seed).toVector()),
      "numpy_rstate",
    );
    const node = applyRandom(numpyRandomOp, [state], spec, split, {
      dist,
      dtype,
      outShape: [...spec.dims, ...trailing],
    });
    return this.register(node, [1]);
  }
}
