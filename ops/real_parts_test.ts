import assert from "node:assert/strict";
import * as T from "../mod.ts";

Deno.test("real() is the tensor, imag() zeros of its dtype and shape", () => {
  const x = T.imatrix("x");
  assert.equal(T.real(x), x);
  const z = T.function([x], T.imag(x))([[1, -2], [3, 4]]);
  assert.equal(z.dtype, "int32");
  assert.deepEqual(z.shape, [2, 2]);
  assert.deepEqual(Array.from(z.data), [0, 0, 0, 0]);
});

Deno.test("angle() is NumPy's angle of a real number: 0, π for negatives and -0, NaN kept", () => {
  // np.angle([2., -3., 0., -0., inf, -inf, nan]) = [0, π, 0, π, 0, π, nan] (NumPy 2.4).
  const x = T.dvector("x");
  const out = T.function([x], T.angle(x))([2, -3, 0, -0, Infinity, -Infinity, NaN]);
  assert.deepEqual(Array.from(out.data), [0, Math.PI, 0, Math.PI, 0, Math.PI, NaN]);
  assert.equal(T.angle(T.ivector("i")).dtype, "float64");
  assert.equal(T.angle(T.fvector("f")).dtype, "float32");
});

Deno.test("angle(), imag() have zero gradients; real() passes it through", () => {
  const x = T.dvector("x");
  const g = T.function([x], [
    T.grad(T.sum(T.angle(x)), x),
    T.grad(T.sum(T.mul(T.real(x), 3)), x),
  ])([1.5, -2]) as T.NDArray[];
  assert.deepEqual(Array.from(g[0].data).map(Math.abs), [0, 0]);
  assert.deepEqual(Array.from(g[1].data), [3, 3]);
});

Deno.test("real() imag() angle() refuse bool, naming the function", () => {
  const b = new T.TensorType("bool", [null]).make("b");
  for (const [name, fn] of [["real", T.real], ["imag", T.imag], ["angle", T.angle]] as const) {
    assert.throws(() => fn(b), (e: Error) => e instanceof T.HypatiaTypeError && e.message.startsWith(name));
  }
});

Deno.test("x.real and x.imag are Theano's properties", () => {
  const x = T.dvector("x");
  assert.equal(x.real, x);
  assert.deepEqual(Array.from(T.function([x], x.imag)([5, 6]).data), [0, 0]);
});
