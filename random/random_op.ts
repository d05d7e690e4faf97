/**
 * What both generators' ops share: the size argument (literal, mixed with symbolic
 * scalars, or one symbolic int vector such as `x.shape`), distribution arguments that
 * are numbers or tensors broadcast to the output, and the op factory. A random op takes
 * `[state..., size inputs..., argument inputs...]` and returns `[newState..., sample]`.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, InputError, ShapeError } from "../core/errors.ts";
import { type NDArray, sizeOf } from "../core/ndarray.ts";
import {
  type Apply,
  Constant,
  defineOp,
  type Op,
  type TensorLike,
  TensorType,
  Variable,
} from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";

/** A size: a length, a list of lengths and symbolic int scalars, or a symbolic int vector. */
export type SizeLike = number | readonly (number | Variable)[] | Variable;

/** A parsed size: static lengths (null = known at run time) and the symbolic inputs. */
export interface SizeSpec {
  dims: (number | null)[];
  /** The size is one int vector input (otherwise one int scalar input per null dim). */
  vector: boolean;
  inputs: Variable[];
}

function checkLength(d: number, what: string, min: number): number {
  if (typeof d !== "number" || !Number.isInteger(d) || d < min) {
    throw new InputError(
      `${what}: size entries must be integers >= ${min}, got ${typeof d === "number" ? d : typeof d}`,
    );
  }
  return d;
}

/**
 * Parse a size argument. `min` is the smallest literal length allowed (Theano's MRG
 * refuses 0); `ndim` supplies the length of a symbolic vector whose length is unknown.
 */
export function parseSize(size: SizeLike | undefined, what: string, min: number, ndim?: number): SizeSpec {
  if (size === undefined || size === null) return { dims: [], vector: false, inputs: [] };
  if (typeof size === "number") return { dims: [checkLength(size, what, min)], vector: false, inputs: [] };
  if (size instanceof Variable) {
    if (size instanceof Constant) return parseSize(Array.from(size.value.data, Number), what, min, ndim);
    if (!isInt(size.dtype) || size.ndim > 1) {
      throw new HypatiaTypeError(
        `${what}: a symbolic size must be an integer scalar or vector, got ${size.describe()}`,
      );
    }
    if (size.ndim === 0) return { dims: [null], vector: false, inputs: [size] };
    const n = size.type.shape[0] ?? ndim;
    if (n === undefined) {
      throw new HypatiaTypeError(
        `${what}: the length of the size vector ${size.describe()} is not known; pass { ndim }`,
      );
    }
    if (ndim !== undefined && ndim !== n) {
      throw new HypatiaTypeError(`${what}: ndim ${ndim} differs from the size vector's length ${n}`);
    }
    return { dims: new Array(n).fill(null), vector: true, inputs: [size] };
  }
  if (!Array.isArray(size)) {
    throw new InputError(`${what}: size must be a number, a list, or a symbolic integer vector`);
  }
  const dims: (number | null)[] = [];
  const inputs: Variable[] = [];
  for (const d of size) {
    if (d instanceof Constant && d.ndim === 0) dims.push(checkLength(d.value.data[0], what, min));
    else if (d instanceof Variable) {
      if (!isInt(d.dtype) || d.ndim !== 0) {
        throw new HypatiaTypeError(
          `${what}: symbolic size entries must be integer scalars, got ${d.describe()}`,
        );
      }
      dims.push(null);
      inputs.push(d);
    } else dims.push(checkLength(d as number, what, min));
  }
  return { dims, vector: false, inputs };
}

/** The run-time size from the static dims and the size inputs' values. */
export function resolveSize(
  dims: readonly (number | null)[],
  vector: boolean,
  values: NDArray[],
  what: string,
) {
  const out = vector ? Array.from(values[0].data, Number) : [];
  if (vector && out.length !== dims.length) {
    throw new ShapeError(`${what}: the size vector has ${out.length} entries, expected ${dims.length}`);
  }
  if (!vector) {
    let k = 0;
    for (const d of dims) out.push(d ?? Number(values[k++].data[0]));
  }
  for (const d of out) {
    if (!Number.isInteger(d) || d < 0) {
      throw new InputError(`${what}: size (${out.join(", ")}) has a negative entry`);
    }
  }
  return out;
}

/** A distribution argument: a number kept in params, or a tensor passed as an input. */
export type ArgLike = TensorLike;

/** Split named arguments into plain numbers (params) and tensor inputs. */
export function splitArgs(
  args: Record<string, ArgLike | undefined>,
  what: string,
): { values: Record<string, number | null>; inputs: Variable[]; names: string[] } {
  const values: Record<string, number | null> = {};
  const inputs: Variable[] = [];
  const names: string[] = [];
  for (const [name, a] of Object.entries(args)) {
    if (a === undefined) continue;
    if (typeof a === "number") {
      if (Number.isNaN(a)) throw new InputError(`${what}: ${name} is NaN`);
      values[name] = a;
      continue;
    }
    const v = asTensor(a);
    if (v instanceof Constant && v.ndim === 0) {
      values[name] = Number(v.value.data[0]);
      continue;
    }
    if (v.dtype === "bool") {
      throw new HypatiaTypeError(`${what}: ${name} must be numeric, got ${v.describe()}`);
    }
    values[name] = null;
    inputs.push(v);
    names.push(name);
  }
  return { values, inputs, names };
}

/** Check statically that an argument broadcasts to the output without enlarging it. */
export function checkArgShape(arg: Variable, out: readonly (number | null)[], name: string, what: string) {
  const s = arg.type.shape;
  const bad = s.length > out.length || s.some((d, i) => {
    const o = out[out.length - s.length + i];
    return d !== null && d !== 1 && o !== null && d !== o;
  });
  if (bad) {
    throw new HypatiaTypeError(
      `${what}: ${name} ${arg.describe()} does not broadcast to the output shape (${
        out.map((d) => d ?? "?").join(", ")
      }); give a size that covers it`,
    );
  }
}

/**
 * An argument's values for each output element (C order): a number when it is the same
 * everywhere, else a Float64Array of the output's size.
 */
export function expandArg(
  a: NDArray,
  shape: readonly number[],
  name: string,
  what: string,
): number | Float64Array {
  if (a.size === 1) return Number(a.data[0]);
  const nd = shape.length, k = a.ndim;
  const ok = k <= nd && a.shape.every((d, i) => d === 1 || d === shape[nd - k + i]);
  if (!ok) {
    throw new ShapeError(
      `${what}: ${name} of shape (${a.shape.join(", ")}) does not broadcast to the output shape (${
        shape.join(", ")
      })`,
    );
  }
  const n = sizeOf(shape), out = new Float64Array(n);
  const strides = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let i = k - 1; i >= 0; i--) {
    strides[nd - k + i] = a.shape[i] === 1 ? 0 : acc;
    acc *= a.shape[i];
  }
  const idx = new Array<number>(nd).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    out[i] = a.data[src];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      src += strides[d];
      if (idx[d] < shape[d]) break;
      src -= strides[d] * idx[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Element i of an expanded argument. */
export const at = (a: number | Float64Array, i: number): number => (typeof a === "number" ? a : a[i]);

/** Params of a random op: plain data, compared when equal nodes are merged. */
export interface RandomParams {
  dist: string;
  dtype: DType;
  nStates: number;
  /** The size argument's static dims (null = from an input). */
  size: (number | null)[];
  sizeVector: boolean;
  nSizeInputs: number;
  /** Numeric arguments; null = the tensor input named in `argInputs`. */
  args: Record<string, number | boolean | null>;
  argInputs: string[];
  /** Static shape of the sample. */
  outShape: (number | null)[];
}

/** What a distribution's run receives: copies of the states, the size, and the arguments. */
export interface RunContext {
  states: NDArray[];
  size: number[];
  args: Record<string, number | boolean | NDArray | null>;
  params: RandomParams;
  what: string;
}

/** A distribution's sampler: new states and the sample from a run context. */
export type RandomRun = (ctx: RunContext) => { states: NDArray[]; sample: NDArray };

/**
 * The outputs `[newStates..., sample]` of a random node from its input values, by `run`:
 * the op's `perform`, and the same for an engine that brings a faster `run`.
 */
export function performRandom(run: RandomRun, inputs: NDArray[], p: RandomParams, node: Apply): NDArray[] {
  const what = `${p.dist} (${node.where()})`;
  const sizeVals = inputs.slice(p.nStates, p.nStates + p.nSizeInputs);
  const size = resolveSize(p.size, p.sizeVector, sizeVals, what);
  const args: RunContext["args"] = { ...p.args };
  p.argInputs.forEach((a, k) => (args[a] = inputs[p.nStates + p.nSizeInputs + k]));
  const { states, sample } = run({
    states: inputs.slice(0, p.nStates).map((s) => s.copy()),
    size,
    args,
    params: p,
    what,
  });
  return [...states, sample];
}

/** Define a random op whose `perform` dispatches to `run` (which must not touch its inputs). */
export function defineRandomOp(name: string, run: RandomRun): Op<RandomParams> {
  return defineOp<RandomParams>({
    name,
    inferType(inputs, p) {
      if (inputs.length !== p.nStates + p.nSizeInputs + p.argInputs.length) {
        throw new HypatiaTypeError(
          `${name}: expected ${p.nStates + p.nSizeInputs + p.argInputs.length} inputs`,
        );
      }
      return [...inputs.slice(0, p.nStates).map((s) => s.type), new TensorType(p.dtype, p.outShape)];
    },
    perform: (inputs, p, node) => performRandom(run, inputs, p, node),
    notDifferentiable: "random sampling has no gradient (as in Theano)",
    format: (args, p) => `${p.dist}(${args.slice(p.nStates).join(", ")})`,
  });
}

/** Build the node: inputs in the op's order, then name the sample after the distribution. */
export function applyRandom(
  op: Op<RandomParams>,
  states: Variable[],
  size: SizeSpec,
  args: { values: Record<string, number | boolean | null>; inputs: Variable[]; names: string[] },
  params: Omit<RandomParams, "nStates" | "size" | "sizeVector" | "nSizeInputs" | "args" | "argInputs">,
) {
  const p: RandomParams = {
    ...params,
    nStates: states.length,
    size: size.dims,
    sizeVector: size.vector,
    nSizeInputs: size.inputs.length,
    args: args.values,
    argInputs: args.names,
  };
  return op.make([...states, ...size.inputs, ...args.inputs], p);
}
