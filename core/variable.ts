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

/** One entry of `x.slice(...)`: an index, a `[start, stop, step]` range, or null for all. */
export type SliceArg = number | Variable | null | [
  (number | Variable | null)?,
  (number | Variable | null)?,
  (number | Variable | null)?,
];

/**
 * A symbolic tensor: an input, a constant, a shared variable or the output of an
 * Apply node.
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

  toString(): string {
    return this.name ?? `<${this.type}>`;
  }
}

/** A symbolic tensor with a fixed value. */
export class Constant extends Variable {
  /** The value. Never mutated. */
  readonly value: NDArray;
  /**
   * True for a constant made from a bare JS number: like a NumPy scalar, it takes the
   * dtype of the tensor it meets instead of widening it (`float32 * 2` stays float32).
   */
  readonly weak: boolean;

  constructor(type: TensorType, value: NDArray, name?: string, weak = false) {
    super(type, null, 0, name);
    this.value = value;
    this.weak = weak;
  }

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
 */
export class Apply {
  readonly op: Op;
  readonly params: unknown;
  readonly inputs: readonly Variable[];
  readonly outputs: readonly Variable[];
  /** Where the node was built: a location string, or a stack not yet formatted. */
  #origin: string | Error | undefined;

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

export interface Variable extends TensorMethods {}

/**
 * The methods every symbolic tensor has. Installed by ops/methods.ts; each is the free
 * function of the same name with `this` as its first argument.
 */
export interface TensorMethods {
  add(other: TensorLike): Variable;
  sub(other: TensorLike): Variable;
  rsub(other: TensorLike): Variable;
  mul(other: TensorLike): Variable;
  div(other: TensorLike): Variable;
  rdiv(other: TensorLike): Variable;
  intDiv(other: TensorLike): Variable;
  mod(other: TensorLike): Variable;
  pow(other: TensorLike): Variable;
  rpow(other: TensorLike): Variable;
  neg(): Variable;
  abs(): Variable;
  sqr(): Variable;
  sqrt(): Variable;
  exp(): Variable;
  expm1(): Variable;
  log(): Variable;
  log1p(): Variable;
  log2(): Variable;
  sin(): Variable;
  cos(): Variable;
  tan(): Variable;
  tanh(): Variable;
  sigmoid(): Variable;
  softplus(): Variable;
  erf(): Variable;
  floor(): Variable;
  ceil(): Variable;
  round(): Variable;
  sign(): Variable;
  maximum(other: TensorLike): Variable;
  minimum(other: TensorLike): Variable;
  clip(lo: TensorLike, hi: TensorLike): Variable;
  eq(other: TensorLike): Variable;
  neq(other: TensorLike): Variable;
  lt(other: TensorLike): Variable;
  le(other: TensorLike): Variable;
  gt(other: TensorLike): Variable;
  ge(other: TensorLike): Variable;
  and(other: TensorLike): Variable;
  or(other: TensorLike): Variable;
  not(): Variable;
  astype(dtype: DType): Variable;
  sum(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  mean(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  prod(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  max(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  min(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  argmax(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  argmin(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  any(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  all(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  var(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  std(axis?: Axis, options?: { keepdims?: boolean }): Variable;
  dot(other: TensorLike): Variable;
  dimshuffle(...pattern: (number | "x")[]): Variable;
  transpose(...axes: number[]): Variable;
  /** The transpose (all axes reversed). */
  readonly T: Variable;
  reshape(shape: TensorLike | (number | Variable)[]): Variable;
  flatten(ndim?: number): Variable;
  /** Index along leading axes: `x.get(0)`, `x.get(i, j)`. */
  get(...index: (number | Variable)[]): Variable;
  /** Numpy-like basic indexing: numbers, `[start, stop, step]` ranges and null. */
  slice(...args: SliceArg[]): Variable;
  /** The symbolic shape: an int64 vector; `x.shape.get(0)` is a scalar. */
  readonly shape: Variable;
}
