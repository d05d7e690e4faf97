/**
 * Matrix products: `dot` for every vector/matrix combination (and NumPy's rule for
 * higher ranks, through tensordot), `outer`, and the re-exported `batchedDot` and
 * `tensordot` (batched_dot.ts, tensordot.ts). Reference loops are in dot_kernel.ts;
 * the CPU backend's blocked kernels (backends/cpu/matmul.ts) replace them at run time
 * for float32/float64.
 * @module
 */
import { upcast } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Dim, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { add, mul } from "./arith.ts";
import { transpose } from "./dimshuffle.ts";
import { flatten } from "./reshape.ts";
import { accumulateMode, checkInner, checkStaticInner, referenceMatmul } from "./dot_kernel.ts";
import { tensordot } from "./tensordot.ts";

export { batchedDot } from "./batched_dot.ts";
export { tensordot } from "./tensordot.ts";

const sumTangents = (x: Variable | null, y: Variable | null) => (x && y ? add(x, y) : x ?? y);

/**
 * The dot op on vectors and matrices: (k)·(k) → scalar, (n,k)·(k) → (n), (k)·(k,m) →
 * (m), (n,k)·(k,m) → (n,m). Other ranks go through `dot()`, which picks mul or
 * tensordot.
 */
export const dotOp: Op<null> = defineOp<null>({
  name: "dot",
  inferType([a, b]) {
    if (a.ndim < 1 || a.ndim > 2 || b.ndim < 1 || b.ndim > 2) {
      throw new HypatiaTypeError(
        `dot: the dot op takes vectors and matrices, got ${a.describe()} and ${b.describe()}; ` +
          `use dot() or tensordot() for other ranks`,
      );
    }
    checkStaticInner("dot", a, a.ndim - 1, b, 0);
    const shape: Dim[] = [];
    if (a.ndim === 2) shape.push(a.type.shape[0]);
    if (b.ndim === 2) shape.push(b.type.shape[1]);
    return [new TensorType(upcast(a.dtype, b.dtype), shape)];
  },
  perform([a, b], _params, node) {
    checkInner("dot", node, a.shape, [a.ndim - 1], b.shape, [0]);
    const n = a.ndim === 2 ? a.shape[0] : 1, k = b.shape[0], m = b.ndim === 2 ? b.shape[1] : 1;
    const shape = [...(a.ndim === 2 ? [n] : []), ...(b.ndim === 2 ? [m] : [])];
    const dtype = node.outputs[0].dtype;
    const out = new NDArray(dtype, shape);
    referenceMatmul(a.data, b.data, out.data, 1, n, k, m, 0, 0, accumulateMode(dtype));
    return [out];
  },
  vjp(node, [gz]) {
    const [a, b] = node.inputs;
    if (a.ndim === 1 && b.ndim === 1) return [mul(gz, b), mul(gz, a)];
    if (a.ndim === 2 && b.ndim === 1) return [outer(gz, b), dotOp.apply1([gz, a], null)];
    if (a.ndim === 1) return [dotOp.apply1([b, gz], null), outer(a, gz)];
    return [dotOp.apply1([gz, transpose(b)], null), dotOp.apply1([transpose(a), gz], null)];
  },
  jvp(node, [ta, tb]) {
    const [a, b] = node.inputs;
    return [
      sumTangents(ta && dotOp.apply1([ta, b], null), tb && dotOp.apply1([a, tb], null)),
    ];
  },
  format: ([a, b]) => `dot(${a}, ${b})`,
});

/** The outer product of two vectors: out[i, j] = a[i] * b[j]. */
export const outerOp: Op<null> = defineOp<null>({
  name: "outer",
  inferType([a, b]) {
    if (a.ndim !== 1 || b.ndim !== 1) {
      throw new HypatiaTypeError(`outer: takes two vectors, got ${a.describe()} and ${b.describe()}`);
    }
    return [new TensorType(upcast(a.dtype, b.dtype), [a.type.shape[0], b.type.shape[0]])];
  },
  perform([a, b], _params, node) {
    const dtype = node.outputs[0].dtype, mode = accumulateMode(dtype);
    const n = a.size, m = b.size;
    const out = new NDArray(dtype, [n, m]);
    const x = a.data, y = b.data, z = out.data;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        z[i * m + j] = mode === "int"
          ? Math.imul(x[i], y[j])
          : mode === "bool"
          ? (x[i] && y[j] ? 1 : 0)
          : x[i] * y[j];
      }
    }
    return [out];
  },
  vjp(node, [gz]) {
    const [a, b] = node.inputs;
    return [dotOp.apply1([gz, b], null), dotOp.apply1([a, gz], null)];
  },
  jvp(node, [ta, tb]) {
    const [a, b] = node.inputs;
    return [sumTangents(ta && outerOp.apply1([ta, b], null), tb && outerOp.apply1([a, tb], null))];
  },
  format: ([a, b]) => `outer(${a}, ${b})`,
});

/**
 * The dot product, as NumPy's `dot`: vector·vector gives a scalar, matrix·vector a
 * vector, vector·matrix a vector, matrix·matrix a matrix. With a scalar it is an
 * elementwise product; for higher ranks it sums the last axis of `a` against the
 * second-to-last of `b` (the last when `b` is a vector), like `numpy.dot`. The dtype is
 * NumPy's promotion of the inputs' dtypes; integers wrap as NumPy's do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, dot, dvector } from "../mod.ts";
 * const [m, v] = [dmatrix("m"), dvector("v")];
 * assert(dot(m, v).ndim === 1 && dot(v, v).ndim === 0 && dot(m, m).ndim === 2);
 * ```
 */
export function dot(a: TensorLike, b: TensorLike): Variable {
  const x = asTensor(a), y = asTensor(b);
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  if (x.ndim <= 2 && y.ndim <= 2) return dotOp.apply1([x, y], null);
  return tensordot(x, y, [[x.ndim - 1], [y.ndim === 1 ? 0 : y.ndim - 2]]);
}

/**
 * The outer product: a matrix with `out[i, j] = a[i] * b[j]`. Inputs that are not
 * vectors are flattened first, as Theano's and NumPy's `outer` do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmatrix, fvector, outer } from "../mod.ts";
 * const o = outer(fvector("a"), [1, 2, 3]);
 * assert(o.ndim === 2 && o.dtype === "float64" && o.staticShape[1] === 3);
 * assert(outer(fmatrix("m"), fvector("v")).ndim === 2);
 * ```
 */
export function outer(a: TensorLike, b: TensorLike): Variable {
  const vec = (v: Variable) => (v.ndim === 1 ? v : flatten(v));
  return outerOp.apply1([vec(asTensor(a)), vec(asTensor(b))], null);
}
