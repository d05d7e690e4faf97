/**
 * batchedDot: one dot product per entry of a leading batch axis, as Theano's
 * `batched_dot`.
 * @module
 */
import { upcast } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Dim, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { add, mul } from "./arith.ts";
import { dimshuffle } from "./dimshuffle.ts";
import { accumulateMode, checkInner, checkStaticInner, referenceMatmul } from "./dot_kernel.ts";

/**
 * The batched_dot op. For each batch entry b: (B,n,k)·(B,k,m) → (B,n,m),
 * (B,n,k)·(B,k) → (B,n), (B,k)·(B,k,m) → (B,m), (B,k)·(B,k) → (B,).
 */
export const batchedDotOp: Op<null> = defineOp<null>({
  name: "batched_dot",
  inferType([a, b]) {
    if (a.ndim < 2 || a.ndim > 3 || b.ndim < 2 || b.ndim > 3) {
      throw new HypatiaTypeError(
        `batched_dot: takes tensors of 2 or 3 dimensions (a batch axis first), got ${a.describe()} and ${b.describe()}`,
      );
    }
    checkStaticInner("batched_dot", a, 0, b, 0);
    checkStaticInner("batched_dot", a, a.ndim - 1, b, 1);
    const shape: Dim[] = [a.type.shape[0] ?? b.type.shape[0]];
    if (a.ndim === 3) shape.push(a.type.shape[1]);
    if (b.ndim === 3) shape.push(b.type.shape[2]);
    return [new TensorType(upcast(a.dtype, b.dtype), shape)];
  },
  perform([a, b], _params, node) {
    checkInner("batched_dot", node, a.shape, [0, a.ndim - 1], b.shape, [0, 1]);
    const batch = a.shape[0], k = b.shape[1];
    const n = a.ndim === 3 ? a.shape[1] : 1, m = b.ndim === 3 ? b.shape[2] : 1;
    const shape = [batch, ...(a.ndim === 3 ? [n] : []), ...(b.ndim === 3 ? [m] : [])];
    const dtype = node.outputs[0].dtype;
    const out = new NDArray(dtype, shape);
    referenceMatmul(a.data, b.data, out.data, batch, n, k, m, n * k, k * m, accumulateMode(dtype));
    return [out];
  },
  vjp(node, [gz]) {
    const [a, b] = node.inputs;
    const bd = (x: Variable, y: Variable) => batchedDotOp.apply1([x, y], null);
    if (a.ndim === 2 && b.ndim === 2) {
      const g = dimshuffle(gz, 0, "x");
      return [mul(g, b), mul(g, a)];
    }
    if (a.ndim === 3 && b.ndim === 2) {
      // z[B,n] = sum_k a[B,n,k] b[B,k]
      return [mul(dimshuffle(gz, 0, 1, "x"), dimshuffle(b, 0, "x", 1)), bd(gz, a)];
    }
    if (a.ndim === 2) {
      // z[B,m] = sum_k a[B,k] b[B,k,m]
      return [bd(b, gz), mul(dimshuffle(a, 0, 1, "x"), dimshuffle(gz, 0, "x", 1))];
    }
    return [bd(gz, dimshuffle(b, 0, 2, 1)), bd(dimshuffle(a, 0, 2, 1), gz)];
  },
  jvp(node, [ta, tb]) {
    const [a, b] = node.inputs;
    const x = ta && batchedDotOp.apply1([ta, b], null), y = tb && batchedDotOp.apply1([a, tb], null);
    return [x && y ? add(x, y) : x ?? y];
  },
  format: ([a, b]) => `batchedDot(${a}, ${b})`,
});

/**
 * A dot product per entry of the leading (batch) axis, as Theano's `batched_dot`:
 * (B,n,k)·(B,k,m) gives (B,n,m), (B,n)·(B,n) gives (B,), and a matrix-vector product
 * per entry for the mixed ranks. Both inputs need the same batch length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchedDot, dtensor3 } from "../mod.ts";
 * const z = batchedDot(dtensor3("a"), dtensor3("b"));
 * assert(z.ndim === 3);
 * ```
 */
export function batchedDot(a: TensorLike, b: TensorLike): Variable {
  return batchedDotOp.apply1([asTensor(a), asTensor(b)], null);
}
