/**
 * The graph's nodes: Variable (symbolic), Constant, and Apply (an op applied to
 * inputs). Graphs are immutable once built; rewrites and givens clone.
 *
 * The tensor methods (`x.add(y)`, `x.sum()`, `x.T`…) are declared here so that their
 * types live with the class, and installed by ops/methods.ts, because core must not
 * import ops (imports point one way: core -> ops).
 * @module
 */
import type { DType } from "./dtype.ts";
import type { NDArray, NestedArray } from "./ndarray.ts";
import type { Dim, TensorType } from "./type.ts";
import type { Op } from "./op.ts";
import { config } from "./config.ts";
import { captureStack, userFrame } from "./errors.ts";

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
  /** Index along leading axes: `x.get(0)`, `x.get(i, j)`. */
  get(...index: (number | Variable)[]): Variable;
  /** Numpy-like basic indexing: numbers, `[start, stop, step]` ranges and null. */
  slice(...args: SliceArg[]): Variable;
  /** The symbolic shape: an int64 vector; `x.shape.get(0)` is a scalar. */
  readonly shape: Variable;
}
