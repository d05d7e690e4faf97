import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { F32_GRAD } from "../tests/elemwise_ref.ts";
import { checkTable } from "./testdata/elem16_check.ts";
import { erfcinvJs, erfcJs, erfcxJs, erfinvJs } from "./erf_family.ts";
import { erfJs } from "./special.ts";

const F32 = { rtol: 1.2e-7 };
const CASES = [
  // SciPy 1.10's erfc (Cephes) flushes to 0 once x² > 709.78 (x > 26.64); erfc(27) is still a
  // subnormal 5.2e-319, which erfc() returns: the absolute tolerance admits those tail values.
  ["erfc", T.erfc, { f64: { rtol: 1e-15, atol: 1e-300 }, f32: F32 }],
  ["erfcx", T.erfcx, { f64: { rtol: 1e-15 }, f32: F32 }],
  ["erfinv", T.erfinv, { f64: { rtol: 1e-15 }, f32: F32 }],
  ["erfcinv", T.erfcinv, { f64: { rtol: 1e-15 }, f32: F32 }],
] as const;

for (const [name, fn, tol] of CASES) {
  Deno.test(`${name}() matches SciPy in float64 and float32 (tails, domain edges, NaN, ±inf)`, () => {
    checkTable(name, fn, tol);
  });
}

Deno.test("erfinv(±1) is ±inf, erfcinv(0) inf and erfcinv(2) -inf; NaN outside the domains", () => {
  assert.deepEqual([1, -1, 1.5, -2, NaN].map(erfinvJs), [Infinity, -Infinity, NaN, NaN, NaN]);
  assert.deepEqual([0, 2, -1e-300, 2.5, NaN].map(erfcinvJs), [Infinity, -Infinity, NaN, NaN, NaN]);
  assert.ok(Object.is(erfinvJs(-0), -0));
});

Deno.test("erfinv and erfcinv invert erf and erfc to a few ulps, down to subnormal erfc", () => {
  const rng = T.seededRandom(7);
  for (let i = 0; i < 3000; i++) {
    const x = (rng() - 0.5) * 11;
    const y = erfJs(x);
    if (Math.abs(y) < 1 && Math.abs(x) > 1e-3) {
      assert.ok(
        Math.abs(erfJs(erfinvJs(y)) - y) <= 2 * 2.3e-16 * Math.max(Math.abs(y), 1e-300),
        `erf(erfinv(${y}))`,
      );
    }
    const xc = rng() * 27;
    const z = erfcJs(xc);
    // erfc(x(1 + ε)) ≈ erfc(x)(1 - 2x²ε): an ulp of x moves erfc by 2x² ulps relative.
    const bound = 8e-16 * (1 + 2 * xc * xc);
    if (z > 1e-300) assert.ok(Math.abs(erfcJs(erfcinvJs(z)) / z - 1) < bound, `erfc(erfcinv(${z}))`);
  }
  // The smallest subnormal: erfc(x) = 5e-324 near x = 27.2.
  const x = erfcinvJs(5e-324);
  assert.ok(x > 27.2 && x < 27.3 && erfcJs(x) <= 1e-323);
});

Deno.test("erfc() keeps its relative accuracy in the tail where 1 - erf(x) is 0, and erfcx() is finite where e^(x²) overflows", () => {
  const x = T.dvector("x");
  const [c, cx] = T.function([x], [T.erfc(x), T.erfcx(x)])([10, 26, 30, 1e5]) as T.NDArray[];
  assert.ok(c.data[0] > 2e-45 && c.data[1] > 5e-296 && c.data[2] === 0);
  T.testing.assertAllClose(cx.data.subarray(3), [1 / (1e5 * Math.sqrt(Math.PI)) * (1 - 0.5e-10)], {
    rtol: 1e-15,
  });
  assert.ok(erfcxJs(-27) === Infinity && erfcxJs(-26) > 1e293);
});

Deno.test("erfc erfcx erfinv erfcinv gradients check numerically in float64 and float32", () => {
  T.verifyGrad(T.erfc, [[0.3, -1.2, 2.5, 0.05, 7]]);
  T.verifyGrad(T.erfcx, [[0.3, -1.2, 2.5, 0.05, 7]]);
  T.verifyGrad(T.erfinv, [[0.3, -0.7, 0.05, 0.9, -0.99]]);
  T.verifyGrad(T.erfcinv, [[0.3, 1.7, 0.05, 1.2, 1e-3]]);
  for (const fn of [T.erfc, T.erfcx]) T.verifyGrad(fn, [[0.3, -1.2, 2.5]], F32_GRAD);
  T.verifyGrad(T.erfinv, [[0.3, -0.5]], F32_GRAD);
});

Deno.test("erf family: integers give floatX, float32 stays, bool is refused", () => {
  for (const [name, fn] of CASES) {
    assert.equal(fn(T.ivector("i")).dtype, "float64", name);
    assert.equal(fn(T.fvector("x")).dtype, "float32", name);
    assert.throws(() => fn(new T.TensorType("bool", [null]).make("b")), T.HypatiaTypeError);
  }
});
