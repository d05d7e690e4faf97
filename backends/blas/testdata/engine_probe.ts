/**
 * Run by fallback_test.ts under different permissions and settings: prints which host
 * engines a CPU function uses and the product it computes (a float64 GEMM and GEMV, each large enough for BLAS),
 * as one line of JSON (a fingerprint of each product).
 */
import * as T from "../../../mod.ts";

const a = T.dmatrix("a"), b = T.dmatrix("b"), v = T.dvector("v");
const f = T.function([a, b, v], [T.dot(a, b), T.dot(a, v)]);
const x = T.asarray(Array.from({ length: 120 * 120 }, (_, i) => (i % 13) - 6)).astype("float64").reshape([
  120,
  120,
]);
const y = T.asarray(Array.from({ length: 120 }, (_, i) => (i % 5) - 2)).astype("float64");
const [c, w] = f(x, x, y) as T.NDArray[];
// Integer data: both engines compute exact sums, so a fingerprint of the products is enough.
const print = (
  z: T.NDArray,
) => [
  z.size,
  ...Array.from(z.data.slice(0, 8)),
  Array.from(z.data as ArrayLike<number>).reduce((s, v, i) => s + v * (i % 97), 0),
];
console.log(JSON.stringify({ ...T.engineReport(), gemm: print(c), gemv: print(w) }));
