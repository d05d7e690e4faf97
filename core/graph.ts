/**
 * The graph: TensorType (a dtype and a static shape whose entries are known lengths or
 * null), its nodes (Variable, symbolic; Constant; Apply, an op applied to inputs) and
 * the op contract (one object per op carrying its meaning: type inference, the
 * reference rule, gradient, rewrites, so autodiff and the compiler read it from the
 * node and nothing has to fill a global registry). These refer to one another, so they
 * are one module. Graphs are immutable once built; rewrites and givens clone. How an
 * engine runs an op lives in that engine's lowering table (backends/<engine>/table.ts).
 *
 * The tensor methods (`x.add(y)`, `x.sum()`, `x.T`…) are declared here so that their
 * types live with the class, and installed by ops/methods.ts, because core must not
 * import ops (imports point one way: core -> ops).
 * @module
 */
import { config } from "./config.ts";
import { type DType, isDType, isFloat, upcast } from "./dtype.ts";
import { captureStack, HypatiaTypeError, InputError, userFrame } from "./errors.ts";
import { type ArrayLike, asarray, NDArray, type NestedArray } from "./ndarray.ts";

// ---- Types ----

/** A static dimension: a known length, or null for any length. */
export type Dim = number | null;

/**
 * The type of a symbolic tensor. `broadcastable[i]` is `shape[i] === 1`, as in
 * PyTensor; the constructor also takes Theano's list of broadcastable flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TensorType } from "../mod.ts";
 * const row = new TensorType("float64", [true, false]);
 * assert(row.shape[0] === 1 && row.shape[1] === null);
 * const z = new TensorType("float64", [false, false, false, false, false]).make("z");
 * assert(z.ndim === 5);
 * ```
 */
export class TensorType {
  /** The element type. */
  readonly dtype: DType;
  /** Static length of each dimension, or null where unknown (length 1 = broadcastable). */
  readonly shape: readonly Dim[];

  /** A type from a dtype and, per dimension, a static length, null, or Theano's broadcastable flag (true = length 1). */
  constructor(dtype: DType, shape: readonly (Dim | boolean)[]) {
    if (!isDType(dtype)) {
      throw new HypatiaTypeError(`TensorType: unknown dtype ${JSON.stringify(dtype)}`);
    }
    this.dtype = dtype;
    this.shape = Object.freeze(shape.map((d, i) => {
      if (typeof d === "boolean") return d ? 1 : null;
      if (d === null) return null;
      if (!Number.isInteger(d) || d < 0) {
        throw new HypatiaTypeError(`TensorType: dimension ${i} must be a length >= 0 or null, got ${d}`);
      }
      return d;
    }));
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Theano's flags: which dimensions are statically of length 1. */
  get broadcastable(): boolean[] {
    return this.shape.map((d) => d === 1);
  }

  /** A new symbolic variable of this type. */
  make(name?: string): Variable {
    return new Variable(this, null, 0, name);
  }

  /** Same dtype and same static shape. */
  equals(other: TensorType): boolean {
    return this.dtype === other.dtype && this.ndim === other.ndim &&
      this.shape.every((d, i) => d === other.shape[i]);
  }

  /** Another type with the same shape and a new dtype. */
  withDtype(dtype: DType): TensorType {
    return new TensorType(dtype, this.shape);
  }

  /** Whether a value of type `other` may be stored where this type is expected. */
  accepts(other: TensorType): boolean {
    return this.dtype === other.dtype && this.ndim === other.ndim &&
      this.shape.every((d, i) => d === null || d === other.shape[i]);
  }

  /** As Theano prints it: `TensorType(float64, (?, 1))`. */
  toString(): string {
    const dims = this.shape.map((d) => (d === null ? "?" : String(d)));
    return `TensorType(${this.dtype}, (${dims.join(", ")}${dims.length === 1 ? "," : ""}))`;
  }

  /**
   * Convert a user value into an NDArray of this type: the rank must match, static
   * lengths must match, and a dtype change must not lose information unless
   * `allowDowncast` is set. JS numbers are untyped, so plain numbers and nested arrays
   * take this type's dtype: floats are rounded to float32 for a float32 type (as Theano
   * does for Python floats), while an integer type refuses non-integers and values out
   * of its range. Typed arrays and NDArrays keep their dtype and must widen losslessly.
   * `whatFor` names the value in error messages (a function is called only when there is
   * an error: a hot caller builds no message per call).
   */
  filter(value: ArrayLike, whatFor: string | (() => string), allowDowncast = false): NDArray {
    const what = () => (typeof whatFor === "string" ? whatFor : whatFor());
    const fromJs = !(value instanceof NDArray) && !ArrayBuffer.isView(value);
    let arr: NDArray;
    try {
      arr = asarray(value, { dtype: fromJs && isFloat(this.dtype) ? this.dtype : undefined });
    } catch (e) {
      throw new InputError(`${what()}: ${(e as Error).message}`);
    }
    if (arr.ndim !== this.ndim) {
      throw new InputError(
        `${what()}: expected a ${this.ndim}-d value of ${this}, got a ${arr.ndim}-d value of shape (${
          arr.shape.join(", ")
        })`,
      );
    }
    this.shape.forEach((d, i) => {
      if (d !== null && arr.shape[i] !== d) {
        throw new InputError(
          `${what()}: dimension ${i} of ${this} must have length ${d}, got shape (${arr.shape.join(", ")})`,
        );
      }
    });
    if (arr.dtype === this.dtype) return arr;
    const lossless = upcast(arr.dtype, this.dtype) === this.dtype;
    if (lossless || allowDowncast) return arr.astype(this.dtype);
    // JS numbers are fine for an integer type when every one is a whole number in its range.
    const converted = arr.astype(this.dtype);
    const lost = arr.data.findIndex((v, i) => v !== converted.data[i]);
    if (fromJs && lost < 0) return converted;
    const example = arr.data[lost];
    if (fromJs) {
      throw new InputError(
        `${what()}: ${example} ${
          Number.isInteger(example) ? `is out of the range of ${this.dtype}` : "is not a whole number"
        }, so it cannot be stored in ${this} without losing information; pass allowInputDowncast: true to ${
          this.dtype === "bool" ? "keep its truth" : Number.isInteger(example) ? "wrap it" : "truncate it"
        }, or declare the variable with a wider dtype (e.g. { dtype: "float64" })`,
      );
    }
    throw new InputError(
      `${what()}: a ${arr.dtype} ${
        value instanceof NDArray ? "NDArray" : value.constructor.name
      } cannot be stored in ${this} without losing information; convert it first, pass allowInputDowncast: true, ` +
        `or declare the variable with dtype "${upcast(arr.dtype, this.dtype)}"`,
    );
  }
}

// ---- Nodes ----

let nextId = 1;

/** Anything that can stand where a tensor is expected: numbers are wrapped as constants. */
export type TensorLike = Variable | NDArray | NestedArray;

/** An axis argument of a reduction. */
export type Axis = number | number[] | null | undefined;

/** A reduction's axis and `keepdims` as one object, as NumPy's keywords: `sum(x, { axis: 1 })`. */
export interface AxisOptions {
  /** The axes reduced (all when omitted or null). */
  axis?: Axis;
  /** Keep each reduced axis as a dimension of length 1 (default false). */
  keepdims?: boolean;
}

/** One entry of `x.slice(...)`: an index, a `[start, stop, step]` range, or null for all. */
export type SliceArg = number | Variable | null | [
  (number | Variable | null)?,
  (number | Variable | null)?,
  (number | Variable | null)?,
];

/**
 * A symbolic tensor: an input, a constant, a shared variable or the output of an
 * Apply node. Make inputs with the constructors (`dmatrix("x")`, `fvector("v")`, ...)
 * or `TensorType.make`; everything else comes from ops.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x");
 * const y = x.mul(2).sum(); // an Apply node's output
 * assert(x.owner === null && y.owner?.op.name === "sum" && y.ndim === 0);
 * assert(x.toString() === "x" && x.describe() === '"x" (TensorType(float64, (?, ?)))');
 * ```
 */
export class Variable {
  /** Unique, increasing id: used for stable ordering and hashing. */
  readonly id: number;
  /** The node that computes this variable, or null for a graph input. */
  readonly owner: Apply | null;
  /** Position among the owner's outputs. */
  readonly index: number;
  /** The static type. */
  readonly type: TensorType;
  /** Optional name, shown by pp and in error messages. */
  name: string | undefined;

  /** A variable of `type`, output `index` of `owner` (null for an input); prefer `type.make(name)`. */
  constructor(type: TensorType, owner: Apply | null, index: number, name?: string) {
    this.id = nextId++;
    this.type = type;
    this.owner = owner;
    this.index = index;
    this.name = name;
  }

  /** The element type. */
  get dtype(): DType {
    return this.type.dtype;
  }

  /** The number of dimensions. */
  get ndim(): number {
    return this.type.ndim;
  }

  /** Theano's broadcastable flags. */
  get broadcastable(): boolean[] {
    return this.type.broadcastable;
  }

  /** The static shape: known lengths or null. */
  get staticShape(): readonly Dim[] {
    return this.type.shape;
  }

  /** A fresh variable of the same type, with no owner (used by clone). */
  cloneInput(): Variable {
    return new Variable(this.type, null, 0, this.name);
  }

  /** A label for error messages: the name, or the type. */
  describe(): string {
    return this.name !== undefined ? `"${this.name}" (${this.type})` : String(this.type);
  }

  /** The name, or `<type>` for an unnamed variable. */
  toString(): string {
    return this.name ?? `<${this.type}>`;
  }
}

/**
 * A symbolic tensor with a fixed value; `constant(value)` makes one, and the ops wrap
 * bare numbers and arrays in constants.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const c = T.constant([1, 2, 3]);
 * assert(c instanceof T.Constant && c.value.size === 3 && !c.weak);
 * ```
 */
export class Constant extends Variable {
  /** The value. Never mutated. */
  readonly value: NDArray;
  /**
   * True for a constant made from a bare JS number: like a NumPy scalar, it takes the
   * dtype of the tensor it meets instead of widening it (`float32 * 2` stays float32).
   */
  readonly weak: boolean;

  /** A constant of `type` holding `value` (not copied); `weak` for one made from a bare JS number. */
  constructor(type: TensorType, value: NDArray, name?: string, weak = false) {
    super(type, null, 0, name);
    this.value = value;
    this.weak = weak;
  }

  /** Constants are shared between clones of a graph, not copied. */
  override cloneInput(): Variable {
    return this;
  }
}

/** The origin given to nodes built inside `withOrigin` (rewrites, gradients). */
let inherited: string | Error | undefined;

/**
 * Run `build` so that every node it creates records `origin` as where it was built:
 * a rewrite's replacement, or a gradient's nodes, point at the user's line of the node
 * they come from (and no stack is captured for them, which keeps compiling fast).
 */
export function withOrigin<R>(origin: string | Error | undefined, build: () => R): R {
  const saved = inherited;
  inherited = origin;
  try {
    return build();
  } finally {
    inherited = saved;
  }
}

/**
 * Run a library call that builds several nodes (a gradient, a Jacobian) so that every
 * node it makes without an origin of its own shares one stack, captured here at the
 * call's entry: the user's line that called it. One capture instead of one per node,
 * and the user's frame stays near the top of the captured stack however deep inside
 * the library the nodes are made. Nested calls reuse the outer call's capture.
 */
export function atUserCall<R>(build: () => R): R {
  if (inherited !== undefined || !config.traceback) return build();
  return withOrigin(captureStack(), build);
}

/**
 * An op applied to input variables, producing output variables. Remembers the user's
 * line that built it, so errors can point there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const node = T.exp(x).owner!;
 * assert(node.op.name === "exp" && node.inputs[0] === x && node.outputs.length === 1);
 * ```
 */
export class Apply {
  /** The op (its rules: type inference, CPU and WGSL code, gradient). */
  readonly op: Op;
  /** The op's parameters for this node (plain comparable data, e.g. reduction axes). */
  readonly params: unknown;
  /** The input variables. */
  readonly inputs: readonly Variable[];
  /** The output variables, whose `owner` is this node. */
  readonly outputs: readonly Variable[];
  /** Where the node was built: a location string, or a stack not yet formatted. */
  #origin: string | Error | undefined;

  /** A node applying `op` to `inputs`, with one output per type; ops build these through `op.make`. */
  constructor(
    op: Op,
    params: unknown,
    inputs: readonly Variable[],
    outputTypes: TensorType[],
    origin?: string | Error,
  ) {
    this.op = op;
    this.params = params;
    this.inputs = inputs;
    this.outputs = outputTypes.map((t, i) => new Variable(t, this, i));
    this.#origin = origin ?? inherited ?? (config.traceback ? captureStack() : undefined);
  }

  /** The raw origin, passed on when a rewrite rebuilds the node (no formatting). */
  get origin(): string | Error | undefined {
    return this.#origin;
  }

  /** The user's source location that built this node, when tracing is on. */
  get trace(): string | undefined {
    if (this.#origin instanceof Error) this.#origin = userFrame(this.#origin);
    return this.#origin;
  }

  /** "op (built at file:line)" for error messages. */
  where(): string {
    return this.trace ? `${this.op.name} (built at ${this.trace})` : this.op.name;
  }
}

/** Every variable has the tensor methods ({@link TensorMethods}): `x.add(y).exp().sum()`. */
export interface Variable extends TensorMethods {}

/**
 * The methods every symbolic tensor has. Installed by ops/methods.ts; each is the free
 * function of the same name with `this` as its first argument.
 */
export interface TensorMethods {
  /** `this + other`, elementwise with broadcasting (`add`). */
  add(other: TensorLike): Variable;
  /** `this - other` (`sub`). */
  sub(other: TensorLike): Variable;
  /** `other - this` (reversed `sub`). */
  rsub(other: TensorLike): Variable;
  /** `this * other` (`mul`). */
  mul(other: TensorLike): Variable;
  /** `this / other` (`div`; true division, ints give floats). */
  div(other: TensorLike): Variable;
  /** `other / this` (reversed `div`): `x.neg().exp().add(1).rdiv(1)` is the logistic. */
  rdiv(other: TensorLike): Variable;
  /** `this // other`, floor division (`intDiv`). */
  intDiv(other: TensorLike): Variable;
  /** `this % other` with the sign of `other`, as NumPy (`mod`). */
  mod(other: TensorLike): Variable;
  /** `this ** other` (`pow`). */
  pow(other: TensorLike): Variable;
  /** `other ** this` (reversed `pow`). */
  rpow(other: TensorLike): Variable;
  /** `-this` (`neg`). */
  neg(): Variable;
  /** `|this|` (`abs`). */
  abs(): Variable;
  /** `this * this` (`sqr`). */
  sqr(): Variable;
  /** Square root (`sqrt`). */
  sqrt(): Variable;
  /** `e ** this` (`exp`). */
  exp(): Variable;
  /** `exp(this) - 1`, accurate near 0 (`expm1`). */
  expm1(): Variable;
  /** Natural logarithm (`log`). */
  log(): Variable;
  /** `log(1 + this)`, accurate near 0 (`log1p`). */
  log1p(): Variable;
  /** Base-2 logarithm (`log2`). */
  log2(): Variable;
  /** Sine (`sin`). */
  sin(): Variable;
  /** Cosine (`cos`). */
  cos(): Variable;
  /** Tangent (`tan`). */
  tan(): Variable;
  /** Hyperbolic tangent (`tanh`). */
  tanh(): Variable;
  /** The logistic `1 / (1 + exp(-this))` (`sigmoid`). */
  sigmoid(): Variable;
  /** `log(1 + exp(this))`, without overflow (`softplus`). */
  softplus(): Variable;
  /** The error function (`erf`). */
  erf(): Variable;
  /** Round down (`floor`). */
  floor(): Variable;
  /** Round up (`ceil`). */
  ceil(): Variable;
  /** Round half to even, as NumPy (`round`). */
  round(): Variable;
  /** -1, 0 or 1 (`sign`). */
  sign(): Variable;
  /** Elementwise larger of `this` and `other` (`maximum`). */
  maximum(other: TensorLike): Variable;
  /** Elementwise smaller of `this` and `other` (`minimum`). */
  minimum(other: TensorLike): Variable;
  /** `this` limited to `[lo, hi]` (`clip`). */
  clip(lo: TensorLike, hi: TensorLike): Variable;
  /** `this == other`, a bool tensor (`eq`). */
  eq(other: TensorLike): Variable;
  /** `this != other` (`neq`). */
  neq(other: TensorLike): Variable;
  /** `this < other` (`lt`). */
  lt(other: TensorLike): Variable;
  /** `this <= other` (`le`). */
  le(other: TensorLike): Variable;
  /** `this > other` (`gt`). */
  gt(other: TensorLike): Variable;
  /** `this >= other` (`ge`). */
  ge(other: TensorLike): Variable;
  /** Logical and of bool tensors (`and`). */
  and(other: TensorLike): Variable;
  /** Logical or of bool tensors (`or`). */
  or(other: TensorLike): Variable;
  /** Logical not of a bool tensor (`not`). */
  not(): Variable;
  /** This tensor cast to `dtype` (`cast`). */
  astype(dtype: DType): Variable;
  /** Sum over `axis` (all axes by default) (`sum`). */
  sum(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Mean over `axis` (`mean`). */
  mean(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Product over `axis` (`prod`). */
  prod(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Maximum over `axis` (`max`). */
  max(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Minimum over `axis` (`min`). */
  min(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Index of the maximum along `axis` (`argmax`). */
  argmax(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Index of the minimum along `axis` (`argmin`). */
  argmin(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Whether any element along `axis` is true (`any`). */
  any(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Whether every element along `axis` is true (`all`). */
  all(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Variance over `axis` (`var`). */
  var(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Standard deviation over `axis` (`std`). */
  std(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** Matrix/vector product with `other` (`dot`). */
  dot(other: TensorLike): Variable;
  /** Reorder axes and insert broadcastable ones (`'x'`), as Theano's `dimshuffle`. */
  dimshuffle(...pattern: (number | "x")[]): Variable;
  /** Permute the axes (reverse them when none are given) (`transpose`). */
  transpose(...axes: number[]): Variable;
  /** The transpose (all axes reversed). */
  readonly T: Variable;
  /** The same elements in a new shape (`reshape`). */
  reshape(shape: TensorLike | (number | Variable)[]): Variable;
  /** Collapse into `ndim` dimensions (default 1) (`flatten`). */
  flatten(ndim?: number): Variable;
  /** Index along leading axes: `x.get(0)`, `x.get(i, j)`, or by index arrays and masks: `x.get(idx)`. */
  get(...index: (number | Variable | NDArray | NestedArray[])[]): Variable;
  /** NumPy-like indexing: numbers, `[start, stop, step]` ranges, null, index arrays and masks. */
  slice(...args: (SliceArg | NDArray)[]): Variable;
  /** The symbolic shape: an int64 vector; `x.shape.get(0)` is a scalar. */
  readonly shape: Variable;
  // Issue 16, extra_ops (h-index).
  /** Cumulative sum along `axis` (flattened when null, the default) (`cumsum`). */
  cumsum(axis?: number | null): Variable;
  /** Cumulative product along `axis` (flattened when null, the default) (`cumprod`). */
  cumprod(axis?: number | null): Variable;
  /** Without the axes of length 1, or the given ones (`squeeze`). */
  squeeze(axis?: number | number[] | null): Variable;
  /** The slices along `axis` (flattened when null) where `condition` is true, as NumPy's `x.compress` (`compress`). */
  compress(condition: TensorLike, axis?: number | null): Variable;
  /** Where the values `v` would go in this sorted vector (`searchsorted`). */
  searchsorted(v: TensorLike, options?: { side?: "left" | "right"; sorter?: TensorLike }): Variable;
  /** The real part: the tensor itself (Hypatia has no complex dtypes) (`real`). */
  readonly real: Variable;
  /** The imaginary part: zeros of the tensor's dtype and shape (`imag`). */
  readonly imag: Variable;
  // Issue 16, shape and array ops (h-array): installed by ops/methods.ts, typed loosely
  // here (core cannot import the ops' option types); each is the free function of the name.
  /** Elements at integer `indices` along an axis (`take`; flattened without an axis). */
  take(
    indices: TensorLike,
    axis?: number | null | { axis?: number | null; mode?: "raise" | "wrap" | "clip" },
  ): Variable;
  /** Sorted along `axis` (default -1; null flattens), stable, NaN last (`sort`). */
  sort(axis?: number | null | { axis?: number | null; kind?: SortKind }): Variable;
  /** The positions that sort along `axis` (`argsort`). */
  argsort(axis?: number | null | { axis?: number | null; kind?: SortKind }): Variable;
  /** Each element repeated along `axis` (flattened by default) (`repeat`). */
  repeat(repeats: TensorLike, axis?: number | null): Variable;
  /** The elements as a vector, in C order (`ravel`). */
  ravel(): Variable;
  /** The diagonal `offset` of the planes of `axis1`, `axis2` (default 0, 0, 1) (`diagonal`). */
  diagonal(offset?: number, axis1?: number, axis2?: number): Variable;
  /** The sum of that diagonal (`trace`). */
  trace(offset?: number, axis1?: number, axis2?: number): Variable;
  /** The range `max - min` along `axis` (`ptp`). */
  ptp(axis?: Axis | AxisOptions, options?: { keepdims?: boolean }): Variable;
  /** A copy in a node of its own (`copy`, Theano's `tensor_copy`). */
  copy(): Variable;
  /** Zeros of this shape, in this dtype or `dtype` (`zerosLike`). */
  zerosLike(dtype?: DType | { dtype?: DType }): Variable;
  /** Each element from the choice this index names (`choose`). */
  choose(choices: TensorLike[], options?: { mode?: "raise" | "wrap" | "clip" }): Variable;
  /** Positions of the nonzero elements: a vector per axis, or one matrix with `returnMatrix` (`nonzero`). */
  nonzero(options?: { returnMatrix?: false }): Variable[];
  /** Positions of the nonzero elements as one matrix, a row per axis. */
  nonzero(options: { returnMatrix: true }): Variable;
  /** The nonzero elements, flattened (`nonzeroValues`). */
  nonzeroValues(): Variable;
  /**
   * Theano's `x.norm(L, axis)`: `(Σ |x|^L)^(1/L)` over `axis` (all elements by default), elementwise
   * over the entries whatever the rank (so `L = 2` on a matrix is the Frobenius norm). `T.norm` is
   * NumPy's `linalg.norm`, where `ord = 2` on a matrix is the spectral norm.
   */
  norm(L: number, axis?: Axis): Variable;
}

/** NumPy's sort algorithm names (every one gives the stable order in Hypatia). */
export type SortKind = "quicksort" | "mergesort" | "heapsort" | "stable";

// ---- Ops ----

/**
 * Rules of an elementwise op, inlined by the CPU and WGSL code generators. The code
 * generators convert every argument to the node's promoted input dtype first (unless
 * `rawInputs`), so a rule sees one input dtype.
 */
export interface ScalarRule {
  /** Number of inputs. */
  arity: number;
  /**
   * JS expression computing one element from the argument expressions. The result is
   * stored into the output's typed array, which rounds floats; integer results must
   * wrap themselves (see `wrapInt`). Helpers are referenced as `H.name`.
   */
  js(args: string[], input: DType, out: DType): string;
  /**
   * WGSL expression for one element, or undefined when the op has no lowering for
   * these dtypes (it then runs on the CPU inside a WebGPU function). It sits beside the
   * JS rule because fusion stitches both the same way; the WebGPU table says which ops
   * its code generator takes.
   */
  wgsl?(args: string[], input: DType, out: DType): string | undefined;
  /** JS functions the expression calls as `H.name` (names unique across ops). */
  helpers?: Record<string, (...args: number[]) => number>;
  /** WGSL function definitions the expression calls (names unique across ops). */
  wgslHelpers?: string;
  /** Arguments keep their own dtypes (switch's condition, cast); `input` is then the output dtype. */
  rawInputs?: boolean;
  /** Infix form for pp, e.g. ["+", 3] for `(a + b)`. */
  infix?: [string, number];
}

/** A rewrite rooted at an op: returns replacement outputs, or null to leave the node. */
export interface Rewrite {
  /** Name shown in debug output and error messages. */
  name: string;
  /** Pipeline stage that runs it. */
  stage: "canonicalize" | "stabilize" | "specialize";
  /** Replacement outputs for `node`, or null to leave it as it is. */
  apply(node: Apply): readonly Variable[] | null;
}

/** The gradient rule: one gradient (or null when disconnected) per input. */
export type VJP = (node: Apply, outputGrads: Variable[]) => (Variable | null)[];

/** Forward rule: the tangent of each output from the inputs' tangents (null = zero). */
export type JVP = (node: Apply, tangents: (Variable | null)[]) => (Variable | null)[];

/** Everything an op says about itself. `P` is its params type (plain data). */
export interface OpSpec<P = unknown> {
  /** The op's name: used by pp, errors, rewrites that match it, and the op checks. */
  name: string;
  /** Output types from the inputs; throws HypatiaTypeError with a clear message. */
  inferType(inputs: readonly Variable[], params: P): TensorType[];
  /** Elementwise ops: the scalar rule fused loops are built from. */
  scalar?: ScalarRule;
  /** Other ops: compute outputs from input values. Must not mutate its inputs. */
  perform?(inputs: NDArray[], params: P, node: Apply): NDArray[];
  /** Reverse-mode rule, built from graph ops so gradients can be differentiated again. */
  vjp?: VJP;
  /** Forward-mode rule where it is cheaper than the double-Lop trick. */
  jvp?: JVP;
  /** Why the op has no gradient (its grad is then zero, as Theano does for e.g. argmax). */
  notDifferentiable?: string;
  /** Rewrites whose root is this op. */
  rewrites?: Rewrite[];
  /** How pp prints the node, from its inputs' strings. */
  format?(args: string[], params: P, node: Apply): string;
  /** Why constant folding must leave the node alone (a loop would run at compile time, say). */
  notFoldable?: string;
  /**
   * What running the node does besides computing its outputs (Print writes to the
   * console): a node with an effect is run exactly once per evaluation, never again to
   * redo work (a scan body with one is not run over fixed arrays, whose abandoned steps
   * are redone).
   */
  effect?: string;
  /** Whether outputs may be computed without reading inputs' values (e.g. Shape). */
  constantFoldable?: boolean;
}

/** An op: its spec plus a way to apply it. */
export interface Op<P = unknown> extends OpSpec<P> {
  /** Apply to inputs and return the node (`origin` keeps a rebuilt node's origin). */
  make(inputs: readonly Variable[], params: P, origin?: string | Error): Apply;
  /** Apply and return the single output (throws if the op has several). */
  apply1(inputs: readonly Variable[], params: P): Variable;
}

/**
 * Define an op from its spec.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defineOp, TensorType } from "./graph.ts";
 * const ident = defineOp<null>({
 *   name: "ident",
 *   inferType: (xs) => [xs[0].type],
 *   perform: ([x]) => [x],
 *   vjp: (_node, [g]) => [g],
 * });
 * const x = new TensorType("float64", []).make("x");
 * assert(ident.apply1([x], null).type.equals(x.type));
 * ```
 */
export function defineOp<P>(spec: OpSpec<P>): Op<P> {
  const op: Op<P> = {
    ...spec,
    make(inputs, params, origin) {
      const types = spec.inferType(inputs, params);
      return new Apply(op as Op, params, inputs, types, origin);
    },
    apply1(inputs, params) {
      const node = op.make(inputs, params);
      if (node.outputs.length !== 1) throw new Error(`${spec.name} has ${node.outputs.length} outputs`);
      return node.outputs[0];
    },
  };
  return op;
}

/** A stable string for params, used to merge equal nodes and key caches. */
export function paramsKey(params: unknown): string {
  return params === undefined ? "" : JSON.stringify(params);
}
