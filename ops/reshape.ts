/**
 * reshape and flatten: new lengths for the same buffer (a view, never a copy: values
 * are always C-contiguous). The lengths may be symbolic (shape.ts reads them).
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { asarray, NDArray, sizeOf } from "../core/ndarray.ts";
import {
  atUserCall,
  defineOp,
  type Dim,
  type Op,
  type TensorLike,
  TensorType,
  Variable,
} from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { checkIntScalar, shapeI, type ShapeIParams, shapeOp, staticInt } from "./shape.ts";
import { get } from "./subtensor.ts";

/** Params of reshape: each new length is a number (-1 = inferred) or "$" (the next scalar input). */
export interface ReshapeParams {
  shape: (number | "$")[];
}

/** Which axis of `x` a symbolic length is the length of, if it is `shape_i(x, k)`. */
function axisOf(x: Variable, s: Variable): number | undefined {
  const o = s.owner;
  return o?.op.name === "shape_i" && o.inputs[0] === x ? (o.params as ShapeIParams).i : undefined;
}

function symIter<V>(sym: readonly V[]): () => V {
  let k = 0;
  return () => sym[k++];
}

/** Static output shape of reshape, with every check that can be made at build time. */
function reshapeType(x: Variable, sym: readonly Variable[], shape: readonly (number | "$")[]): Dim[] {
  const nSym = shape.filter((e) => e === "$").length;
  if (nSym !== sym.length) {
    throw new HypatiaTypeError(`reshape: expected ${nSym} symbolic lengths, got ${sym.length}`);
  }
  sym.forEach((s) => checkIntScalar("reshape", s, "a new length"));
  for (const e of shape) {
    if (e !== "$" && (!Number.isInteger(e) || e < -1)) {
      throw new HypatiaTypeError(`reshape: invalid new length ${e} for ${x.describe()}`);
    }
  }
  if (shape.filter((e) => e === -1).length > 1) {
    throw new HypatiaTypeError(
      `reshape: only one length can be -1, got (${shape.join(", ")}) for ${x.describe()}`,
    );
  }
  const next = symIter(sym);
  const axes: (number | undefined)[] = [];
  const dims: Dim[] = shape.map((e) => {
    if (e !== "$") return axes.push(undefined), e === -1 ? null : e;
    const s = next(), a = axisOf(x, s);
    // Each axis of x cancels at most once: reshape(x, [n, n]) with n = x.shape[0] is not x.
    const fresh = a !== undefined && !axes.includes(a);
    axes.push(fresh ? a : undefined);
    return a !== undefined ? x.type.shape[a] : staticInt(s) ?? null;
  });
  const infer = shape.indexOf(-1);
  // Cancel lengths taken from x itself; what remains of x must match the other lengths.
  const rest = x.type.shape.filter((_, d) => !axes.includes(d));
  const others = dims.filter((_, i) => i !== infer && axes[i] === undefined);
  if (rest.every((d) => d !== null) && others.every((d) => d !== null)) {
    const have = sizeOf(rest as number[]), want = sizeOf(others as number[]);
    const label = `(${shape.map((e, i) => (e === "$" ? dims[i] ?? "?" : e)).join(", ")})`;
    if (infer >= 0) {
      if (want === 0 || have % want !== 0) {
        throw new HypatiaTypeError(`reshape: cannot reshape ${x.describe()} into ${label}`);
      }
      dims[infer] = have / want;
    } else if (have !== want) {
      throw new HypatiaTypeError(`reshape: cannot reshape ${x.describe()} into ${label}: the sizes differ`);
    }
  }
  return dims;
}

/** Lengths of a reshape at run time, with NumPy's checks. */
export function resolveShape(x: NDArray, dims: number[], name: string): number[] {
  const bad = (why: string) =>
    new ShapeError(
      `reshape: cannot reshape ${name} of shape (${x.shape.join(", ")}) into (${dims.join(", ")}): ${why}`,
    );
  if (dims.some((d) => !Number.isInteger(d) || d < -1)) throw bad("lengths must be integers >= -1");
  const infer = dims.indexOf(-1);
  if (infer !== dims.lastIndexOf(-1)) throw bad("only one length can be -1");
  const known = sizeOf(dims.filter((d) => d !== -1));
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw bad(`${x.size} elements do not divide into the other lengths`);
    }
    const out = [...dims];
    out[infer] = x.size / known;
    return out;
  }
  if (known !== x.size) throw bad(`${x.size} elements do not fit ${known}`);
  return dims;
}

/** The reshape op: a view of the same data with new lengths. */
export const reshapeOp: Op<ReshapeParams> = defineOp<ReshapeParams>({
  name: "reshape",
  inferType([x, ...sym], { shape }) {
    return [new TensorType(x.dtype, reshapeType(x, sym, shape))];
  },
  perform([x, ...sym], { shape }, node) {
    const next = symIter(sym);
    const dims = shape.map((e) => (e === "$" ? next().data[0] : e));
    return [new NDArray(x.dtype, resolveShape(x, dims, node.inputs[0].describe()), x.data)];
  },
  vjp(node, [gz]) {
    const [x, ...sym] = node.inputs;
    return [reshape(gz, shapeOp.apply1([x], null)), ...sym.map(() => null)];
  },
  jvp: (
    node,
    [t],
  ) => [t ? reshapeOp.apply1([t, ...node.inputs.slice(1)], node.params as ReshapeParams) : null],
  format([x, ...sym], { shape }) {
    const next = symIter(sym);
    return `reshape(${x}, [${shape.map((e) => (e === "$" ? next() : e)).join(", ")}])`;
  },
  rewrites: [{
    name: "reshape_identity",
    stage: "canonicalize",
    apply(node) {
      const [x, ...sym] = node.inputs, { shape } = node.params as ReshapeParams;
      if (shape.length !== x.ndim) return null;
      const next = symIter(sym);
      const same = shape.every((e, d) => (e === "$" ? axisOf(x, next()) === d : e === x.type.shape[d]));
      return same ? [x] : null;
    },
  }, {
    name: "reshape_reshape",
    stage: "canonicalize",
    apply(node) {
      const inner = node.inputs[0].owner;
      if (inner?.op.name !== "reshape") return null;
      return [reshapeOp.apply1([inner.inputs[0], ...node.inputs.slice(1)], node.params as ReshapeParams)];
    },
  }, {
    name: "reshape_inline_constants",
    stage: "canonicalize",
    apply(node) {
      const [x, ...sym] = node.inputs;
      if (!sym.some((s) => staticInt(s) !== undefined)) return null;
      const rest: Variable[] = [];
      const next = symIter(sym);
      const shape = (node.params as ReshapeParams).shape.map((e) => {
        if (e !== "$") return e;
        const s = next(), v = staticInt(s);
        if (v === undefined) rest.push(s);
        return v ?? "$";
      });
      try {
        return [reshapeOp.apply1([x, ...rest], { shape })];
      } catch {
        return null;
      }
    },
  }],
});

/** Split a user shape argument into numbers and symbolic integer scalars. */
export function shapeEntries(op: string, shape: TensorLike | (number | Variable)[]): (number | Variable)[] {
  if (shape instanceof Variable) {
    if (shape.ndim === 0) return [shape];
    if (shape.ndim !== 1 || !isInt(shape.dtype)) {
      throw new HypatiaTypeError(`${op}: a shape must be an integer vector, got ${shape.describe()}`);
    }
    const o = shape.owner;
    if (o?.op.name === "shape") {
      return atUserCall(() => o.inputs[0].type.shape.map((_, d) => shapeI(o.inputs[0], d)));
    }
    const n = shape.type.shape[0];
    if (n === null) {
      throw new HypatiaTypeError(
        `${op}: the length of the shape vector ${shape.describe()} must be known; pass a list of lengths instead`,
      );
    }
    return atUserCall(() => [...Array(n).keys()].map((k) => get(shape, k)));
  }
  if (Array.isArray(shape) && shape.some((e) => e instanceof Variable)) return shape as (number | Variable)[];
  const arr = asarray(shape as never);
  if (arr.ndim > 1 || !Array.from(arr.data).every(Number.isInteger)) {
    throw new HypatiaTypeError(
      `${op}: a shape must be a list of integers, got ${JSON.stringify(arr.toArray())}`,
    );
  }
  return Array.from(arr.data);
}

/** Numbers and symbolic lengths to params entries ("$") and inputs, folding lengths known statically. */
export function shapeParams(
  op: string,
  entries: (number | Variable)[],
): { shape: (number | "$")[]; sym: Variable[] } {
  const sym: Variable[] = [];
  const shape = entries.map((e) => {
    if (typeof e === "number") {
      if (!Number.isInteger(e)) throw new HypatiaTypeError(`${op}: lengths must be integers, got ${e}`);
      return e;
    }
    if (!(e instanceof Variable)) {
      throw new HypatiaTypeError(`${op}: a length must be a number or a variable, got ${e}`);
    }
    checkIntScalar(op, e, "a length");
    const s = staticInt(e);
    if (s !== undefined) return s;
    sym.push(e);
    return "$" as const;
  });
  return { shape, sym };
}

/**
 * Give `x` new lengths with the same number of elements, in C order (NumPy's
 * `reshape`). `shape` is a list of numbers and symbolic integer scalars (one may be
 * -1, inferred from the others), or an integer vector such as `y.shape`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reshape, TensorType } from "../mod.ts";
 * const x = new TensorType("float64", [2, 6]).make("x");
 * assert(reshape(x, [3, -1]).staticShape.join() === "3,4");
 * ```
 */
export function reshape(x: TensorLike, shape: TensorLike | (number | Variable)[]): Variable {
  const v = asTensor(x);
  const { shape: s, sym } = shapeParams("reshape", shapeEntries("reshape", shape));
  return reshapeOp.apply1([v, ...sym], { shape: s });
}

/**
 * Collapse the trailing axes (Theano's `flatten`): the result has `ndim` dimensions,
 * the first `ndim - 1` of `x` kept and the rest joined into the last. Default 1: a vector.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatten, TensorType } from "../mod.ts";
 * const x = new TensorType("float64", [null, 3, 4]).make("x");
 * assert(flatten(x).ndim === 1 && flatten(x, 2).staticShape[1] === 12);
 * ```
 */
export function flatten(x: TensorLike, ndim = 1): Variable {
  const v = asTensor(x);
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > Math.max(v.ndim, 1)) {
    throw new HypatiaTypeError(
      `flatten: ndim must be between 1 and ${Math.max(v.ndim, 1)} for ${v.describe()}, got ${ndim}`,
    );
  }
  const keep = [...Array(ndim - 1).keys()].map((d) => shapeI(v, d));
  return reshape(v, [...keep, -1]);
}
