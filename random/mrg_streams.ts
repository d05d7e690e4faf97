/**
 * `MRGRandomStreams`: Theano's `MRG_RandomStreams`. A seed s becomes the base state
 * `[s,s,s,s,s,s]`; each random variable takes the stream at the base state, split into
 * `nstreams` substreams 2^72 steps apart, and the base jumps 2^134 steps ahead.
 * @module
 */
import { floatX } from "../core/config.ts";
import { type DType, isFloat, upcast } from "../core/dtype.ts";
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { anyValue, bool, checkOptions, count, dtypeKind } from "../core/options.ts";
import { NDArray } from "../core/ndarray.ts";
import { SharedVariable } from "../core/shared.ts";
import { Constant, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { badMrgState, guessNStreams, M2, MAX_STREAMS, nextStreamBase, substreamStates } from "./mrg_core.ts";
import { mrgRandomOp } from "./mrg_op.ts";
import { checkProbabilities } from "./numpy_dist.ts";
import { applyRandom, checkArgShape, parseSize, type SizeLike, splitArgs } from "./random_op.ts";
import { RandomStreamsBase, type RandomVariable } from "./streams_base.ts";

/** Options shared by the MRG draws. */
export interface MRGOptions {
  /** Output dtype (float draws: float32 or float64, default floatX or the arguments' upcast). */
  dtype?: DType;
  /** Length of a symbolic size vector whose length is not known statically. */
  ndim?: number;
  /** Number of substreams (default: Theano's guess from the size). */
  nstreams?: number;
}

const MRG_OPTIONS = { dtype: dtypeKind, ndim: count, nstreams: count };

/** Check a seed: an integer 0 < s < 2147462579, or six integers (halves not all zero). */
export function checkMrgSeed(seed: unknown): Int32Array {
  if (typeof seed === "number") {
    if (!Number.isInteger(seed) || seed <= 0 || seed >= M2) {
      throw new InputError(
        `MRGRandomStreams: the seed must be an integer with 0 < seed < ${M2}, got ${seed}`,
      );
    }
    return new Int32Array(6).fill(seed);
  }
  if (Array.isArray(seed) && seed.length === 6) {
    const bad = badMrgState(seed);
    if (bad) throw new InputError(`MRGRandomStreams: invalid seed [${seed}]: ${bad}`);
    return Int32Array.from(seed);
  }
  throw new InputError(`MRGRandomStreams: the seed must be one integer or a list of 6, got ${String(seed)}`);
}

function floatDtype(what: string, dtype: DType | undefined, args: (TensorLike | undefined)[]): DType {
  let d = dtype;
  if (d === undefined) {
    d = floatX();
    for (const a of args) if (a !== undefined && typeof a !== "number") d = upcast(d, asTensor(a).dtype);
  }
  if (!isFloat(d)) throw new HypatiaTypeError(`${what}: dtype must be float32 or float64, got ${d}`);
  return d;
}

function checkNStreams(what: string, n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 2 ** 26)) {
    throw new InputError(`${what}: nstreams must be an integer in [1, 2^26], got ${n}`);
  }
}

function pmatrixArg(what: string, name: string, p: TensorLike): Variable {
  const v = asTensor(p);
  if (v.ndim !== 2) {
    throw new HypatiaTypeError(`${what}: ${name} must be a matrix (rows × outcomes), got ${v.describe()}`);
  }
  if (v instanceof Constant) {
    const [rows, k] = v.value.shape;
    for (let r = 0; r < rows; r++) {
      checkProbabilities(
        Float64Array.from(v.value.data.subarray(r * k, (r + 1) * k) as ArrayLike<number>),
        `${what}: row ${r} of ${name}`,
        v.dtype === "float32",
      );
    }
  }
  return v;
}

/**
 * Random streams on L'Ecuyer's MRG31k3p, giving Theano's `MRG_RandomStreams` numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MRGRandomStreams } from "../mod.ts";
 * const srng = new MRGRandomStreams(234);
 * const u = srng.uniform([2, 2]);
 * assert(u.ndim === 2 && u.rng.getValue().shape.join() === "4,6"); // 4 substreams
 * ```
 */
export class MRGRandomStreams extends RandomStreamsBase {
  /** L'Ecuyer's MRG31k3p, as Theano's `MRG_RandomStreams`. */
  readonly generator = "MRG31k3p" as const;
  /** The seed given to the constructor (used by `seed()` without argument). */
  readonly defaultInstanceSeed: number | readonly number[];
  #rstate: Int32Array;

  /** Streams seeded as Theano seeds them: an integer, or six words of MRG31k3p state. */
  constructor(seed: number | readonly number[] = 12345) {
    super();
    this.#rstate = checkMrgSeed(seed);
    this.defaultInstanceSeed = seed;
  }

  /** The base state of the next stream (6 words). Setting it checks it. */
  get rstate(): number[] {
    return Array.from(this.#rstate);
  }

  set rstate(v: readonly number[]) {
    this.#rstate = checkMrgSeed([...v]);
  }

  /**
   * Re-seed: the base becomes `[s]*6` and every variable made so far gets, in creation
   * order, the states a fresh streams object with this seed would give it.
   */
  seed(seed: number | readonly number[] = this.defaultInstanceSeed): void {
    let base = checkMrgSeed(seed);
    const values = this.entries.map((e) => {
      const v = substreamStates(base, e.nstreams);
      base = nextStreamBase(base);
      return v;
    });
    this.#rstate = base;
    values.forEach((v, k) => {
      this.entries[k].state.setValue(new NDArray("int32", [this.entries[k].nstreams, 6], v), {
        borrow: true,
      });
    });
  }

  /** The streams' own state: the six words the next substream block starts from. */
  protected baseVector(): number[] {
    return this.rstate;
  }
  /** Why `v` is not a valid MRG31k3p state (undefined when valid). */
  protected badBase(v: readonly number[]): string | undefined {
    return v.length !== 6 ? `it has ${v.length} words, not 6` : badMrgState(v);
  }
  /** Install a checked MRG31k3p state. */
  protected setBase(v: readonly number[]): void {
    this.#rstate = Int32Array.from(v);
  }
  /** Why `data` (six words per substream) is not a valid state (undefined when valid). */
  protected badState(data: readonly number[]): string | undefined {
    for (let i = 0; i < data.length; i += 6) {
      const bad = badMrgState(data, i);
      if (bad) return `substream ${i / 6}: ${bad}`;
    }
    return undefined;
  }

  /** A new state shared variable: the current stream split into `ns` substreams. */
  #newState(ns: number): SharedVariable {
    const v = new NDArray("int32", [ns, 6], substreamStates(this.#rstate, ns));
    this.#rstate = nextStreamBase(this.#rstate);
    return new SharedVariable(new TensorType("int32", [ns, 6]), v, "mrg_rstate");
  }

  /**
   * Uniform draws in (low, high), never touching the bounds for low = 0, high = 1.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const u = new T.MRGRandomStreams(1).uniform([3], { low: -1, high: 1, dtype: "float32" });
   * assert(u.dtype === "float32");
   * ```
   */
  uniform(
    size: SizeLike,
    options: MRGOptions & { low?: TensorLike; high?: TensorLike } = {},
  ): RandomVariable {
    const what = "MRGRandomStreams.uniform";
    checkOptions(what, options, { ...MRG_OPTIONS, low: anyValue, high: anyValue });
    const { low = 0, high = 1 } = options;
    const dtype = floatDtype(what, options.dtype, [low, high]);
    return this.#draw(what, "uniform", size, { low, high }, dtype, options, 1, null);
  }

  /**
   * Normal draws by Box–Muller over one uniform draw of the even-rounded size (radii from
   * the first half, angles from the second; cosines first, then sines). Like Theano, the
   * uniform draw uses 15360 substreams unless `nstreams` is given.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const n = new T.MRGRandomStreams(1).normal([2, 3], { avg: 5, std: 0.1 });
   * assert(n.staticShape.join() === "2,3");
   * ```
   */
  normal(size: SizeLike, options: MRGOptions & { avg?: TensorLike; std?: TensorLike } = {}): RandomVariable {
    const what = "MRGRandomStreams.normal";
    checkOptions(what, options, { ...MRG_OPTIONS, avg: anyValue, std: anyValue });
    const { avg = 0, std = 1 } = options;
    const dtype = floatDtype(what, options.dtype, [avg, std]);
    return this.#draw(what, "normal", size, { avg, std }, dtype, options, 1, MAX_STREAMS);
  }

  /**
   * Theano's truncated normal: normal draws cut at two standard deviations (values
   * outside are redrawn from a second stream), scaled so that `std` is the result's
   * standard deviation.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const t = new T.MRGRandomStreams(1).truncatedNormal([4]);
   * assert(t.rngs.length === 2);
   * ```
   */
  truncatedNormal(
    size: SizeLike,
    options: MRGOptions & { avg?: TensorLike; std?: TensorLike } = {},
  ): RandomVariable {
    const what = "MRGRandomStreams.truncatedNormal";
    checkOptions(what, options, { ...MRG_OPTIONS, avg: anyValue, std: anyValue });
    const { avg = 0, std = 1 } = options;
    const dtype = floatDtype(what, options.dtype, [avg, std]);
    return this.#draw(what, "truncated_normal", size, { avg, std }, dtype, options, 2, MAX_STREAMS);
  }

  /**
   * Binomial draws: the number of uniforms below p among n. For n = 1 this is Theano's
   * `binomial`; n > 1 (which Theano refused) sums n trials, trial k of element i using
   * the uniform at flat position k·N + i: these draws have no Theano counterpart.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const b = new T.MRGRandomStreams(1).binomial([5], { n: 10, p: 0.3 });
   * assert(b.dtype === "int64");
   * ```
   */
  binomial(
    size: SizeLike,
    options: Omit<MRGOptions, "dtype"> & { n?: number; p?: TensorLike; dtype?: DType } = {},
  ): RandomVariable {
    const what = "MRGRandomStreams.binomial";
    checkOptions(what, options, { ...MRG_OPTIONS, n: count, p: anyValue });
    const { n = 1, p = 0.5, dtype = "int64" } = options;
    if (!Number.isInteger(n) || n < 0) throw new InputError(`${what}: n must be an integer >= 0, got ${n}`);
    if (typeof p === "number" && !(p >= 0 && p <= 1)) {
      throw new InputError(`${what}: p must be in [0, 1], got ${p}`);
    }
    return this.#draw(what, "binomial", size, { p }, dtype, options, 1, null, {
      n,
      f32: floatX() === "float32",
    });
  }

  /**
   * Theano's multinomial: one count vector per row of `pvals` (rows × outcomes), from
   * n draws each; draw c of row r uses uniform c·rows + r.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const m = new T.MRGRandomStreams(1).multinomial({ pvals: [[0.2, 0.8], [0.5, 0.5]], n: 3 });
   * assert(m.staticShape.join() === "2,2");
   * ```
   */
  multinomial(options: { pvals: TensorLike; n?: number; dtype?: DType; nstreams?: number }): RandomVariable {
    const what = "MRGRandomStreams.multinomial";
    checkOptions(what, options, { ...MRG_OPTIONS, pvals: anyValue, n: count });
    const { n = 1, dtype = "int64" } = options;
    if (options?.pvals === undefined) throw new InputError(`${what}: pvals is required`);
    if (!Number.isInteger(n) || n < 0) throw new InputError(`${what}: n must be an integer >= 0, got ${n}`);
    const pvals = pmatrixArg(what, "pvals", options.pvals);
    return this.#draw(what, "multinomial", [], { pvals }, dtype, options, 1, MAX_STREAMS, {
      n,
      f32: floatX() === "float32",
    }, [...pvals.type.shape]);
  }

  /**
   * Theano's choice: `size` outcome indices per row of `p` (rows × outcomes), sample c of
   * row r from uniform c·rows + r; output (rows, size). Without replacement (the default,
   * Theano's only case) a chosen outcome is removed and the row renormalised. With
   * `replace: true` (which Theano refused) rows are not changed: no Theano counterpart.
   * `a` (an integer) stands for equal probabilities over `a` outcomes when `p` is absent.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import * as T from "../mod.ts";
   * const c = new T.MRGRandomStreams(1).choice(2, { p: [[0.1, 0.2, 0.7]] });
   * assert(c.staticShape.join() === "1,2");
   * ```
   */
  choice(
    size: number | Variable = 1,
    options: { p?: TensorLike; a?: number; replace?: boolean; dtype?: DType; nstreams?: number } = {},
  ): RandomVariable {
    const what = "MRGRandomStreams.choice";
    checkOptions(what, options, { ...MRG_OPTIONS, p: anyValue, a: count, replace: bool });
    const { replace = false, dtype = "int64", a } = options;
    if (a !== undefined && (!Number.isInteger(a) || a < 1)) {
      throw new InputError(`${what}: a must be an integer >= 1`);
    }
    if (options.p === undefined && a === undefined) {
      throw new InputError(`${what}: give p (rows × outcomes) or a`);
    }
    const p = pmatrixArg(what, "p", options.p ?? [new Array(a).fill(1 / a!)]);
    const k = p.type.shape[1];
    if (a !== undefined && k !== null && k !== a) {
      throw new InputError(`${what}: a = ${a} but p has ${k} outcomes`);
    }
    if (!replace && typeof size === "number" && k !== null && size > k) {
      throw new InputError(`${what}: cannot take ${size} samples without replacement from ${k} outcomes`);
    }
    const spec = parseSize([size], what, 1);
    return this.#draw(what, "choice", spec, { p }, dtype, options, 1, MAX_STREAMS, {
      replace,
      f32: floatX() === "float32",
    }, [p.type.shape[0], spec.dims[0]]);
  }

  /** Build one random node: check everything, then take the stream(s). */
  #draw(
    what: string,
    dist: string,
    size: SizeLike | ReturnType<typeof parseSize>,
    args: Record<string, TensorLike | undefined>,
    dtype: DType,
    options: { ndim?: number; nstreams?: number },
    nStates: number,
    defaultStreams: number | null,
    extra: Record<string, number | boolean> = {},
    outShape?: (number | null)[],
  ): RandomVariable {
    checkNStreams(what, options.nstreams);
    const spec = typeof size === "object" && size !== null && "dims" in size
      ? size
      : parseSize(size, what, 1, options.ndim);
    const literal = !spec.inputs.length && (typeof size === "number" || Array.isArray(size));
    const shape = outShape ?? spec.dims;
    const split = splitArgs(args, what);
    split.inputs.forEach((v, k) => {
      if (dist !== "multinomial" && dist !== "choice") checkArgShape(v, shape, split.names[k], what);
    });
    Object.assign(split.values, extra);
    const ns = options.nstreams ?? defaultStreams ?? guessNStreams(literal ? spec.dims : null);
    const streams = new Array(nStates).fill(0).map((
      _,
      k,
    ) => (k === 0 ? ns : options.nstreams ?? MAX_STREAMS));
    const states = streams.map((s) => this.#newState(s));
    const node = applyRandom(mrgRandomOp, states, spec, split, { dist, dtype, outShape: shape });
    return this.register(node, streams);
  }
}
