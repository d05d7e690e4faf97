import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { checkElemwise, EDGE, F32_GRAD, fitting, INT_EDGE, randomPoints } from "../tests/elemwise_ref.ts";
import { erfJs, erfOp, sigmoidOp, softplusOp } from "./special.ts";
import { ERF_GRID_512, ERF_POINTS } from "./testdata/erf_ulp_ref.ts";

// erf at 35 chosen points, from mpmath with 50 digits:
// python3 -c "import mpmath; mpmath.mp.dps = 50; print([(p, float(mpmath.erf(p))) for p in PTS])"
// with PTS = [1e-300, 1e-20, 1e-08, 0.0001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.4999, 2.5, 2.5001, 2.75, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 5.9, 5.99, 6.0, 7.0, 27.0, -0.3, -1.7, -2.6, -4.2]
const ERF_TABLE: [number, number][] = [
  [1e-300, 1.1283791670955126e-300],
  [1e-20, 1.1283791670955125e-20],
  [1e-08, 1.1283791670955126e-08],
  [0.0001, 0.00011283791633342487],
  [0.01, 0.011283415555849618],
  [0.1, 0.1124629160182849],
  [0.25, 0.27632639016823696],
  [0.5, 0.5204998778130465],
  [0.75, 0.7111556336535151],
  [0.9, 0.7969082124228322],
  [1.0, 0.8427007929497149],
  [1.25, 0.9229001282564583],
  [1.5, 0.9661051464753108],
  [1.75, 0.9866716712191824],
  [2.0, 0.9953222650189527],
  [2.25, 0.9985372834133188],
  [2.4999, 0.9995928300996666],
  [2.5, 0.999593047982555],
  [2.5001, 0.9995932657565293],
  [2.75, 0.9998993780778803],
  [3.0, 0.9999779095030014],
  [3.5, 0.9999992569016276],
  [4.0, 0.9999999845827421],
  [4.5, 0.9999999998033839],
  [5.0, 0.9999999999984626],
  [5.5, 0.9999999999999927],
  [5.9, 0.9999999999999999],
  [5.99, 1.0],
  [6.0, 1.0],
  [7.0, 1.0],
  [27.0, 1.0],
  [-0.3, -0.3286267594591274],
  [-1.7, -0.9837904585907745],
  [-2.6, -0.9997639655834707],
  [-4.2, -0.9999999971445058],
];

// erf(k / 20) for k = 1..120, from mpmath:
// python3 -c "import mpmath; mpmath.mp.dps = 50; print([float(mpmath.erf(mpmath.mpf(k)/20)) for k in range(1, 121)])"
const ERF_GRID: number[] = [
  0.05637197779701662,
  0.1124629160182849,
  0.1679959714273635,
  0.22270258921047845,
  0.27632639016823696,
  0.32862675945912745,
  0.3793820535623103,
  0.42839235504666845,
  0.47548171978692366,
  0.5204998778130465,
  0.5633233663251089,
  0.6038560908479259,
  0.6420293273556719,
  0.6778011938374184,
  0.7111556336535151,
  0.7421009647076605,
  0.7706680576083526,
  0.7969082124228322,
  0.8208908072732779,
  0.8427007929497149,
  0.8624361060900967,
  0.8802050695740817,
  0.896123842936915,
  0.9103139782296353,
  0.9229001282564583,
  0.9340079449406524,
  0.943762196122724,
  0.9522851197626488,
  0.9596950256374592,
  0.9661051464753108,
  0.9716227332620125,
  0.976348383344644,
  0.9803755850233603,
  0.9837904585907745,
  0.9866716712191824,
  0.9890905016357308,
  0.9911110300560857,
  0.9927904292352575,
  0.9941793335921891,
  0.9953222650189527,
  0.9962580960444569,
  0.997020533343667,
  0.9976386070373253,
  0.998137153702018,
  0.9985372834133188,
  0.9988568234026434,
  0.9991107329678676,
  0.999311486103355,
  0.999469419887749,
  0.999593047982555,
  0.9996893396573608,
  0.9997639655834707,
  0.999821512247976,
  0.9998656672600594,
  0.9998993780778803,
  0.9999249868053346,
  0.9999443437200386,
  0.9999589021219005,
  0.9999697969579359,
  0.9999779095030014,
  0.9999839201742399,
  0.9999883513426328,
  0.9999916017886847,
  0.9999939742388483,
  0.9999956972205363,
  0.9999969422902035,
  0.9999978375231799,
  0.9999984780066371,
  0.9999989339482065,
  0.9999992569016276,
  0.9999994845161754,
  0.999999644137007,
  0.9999997555173494,
  0.9999998328489421,
  0.9999998862727434,
  0.9999999229960725,
  0.9999999481137066,
  0.9999999652077514,
  0.9999999767832678,
  0.9999999845827421,
  0.9999999898117551,
  0.9999999932999724,
  0.9999999956153229,
  0.9999999971445058,
  0.9999999981494259,
  0.9999999988065282,
  0.9999999992340556,
  0.999999999510829,
  0.9999999996891137,
  0.9999999998033839,
  0.9999999998762595,
  0.999999999922504,
  0.999999999951703,
  0.9999999999700474,
  0.9999999999815149,
  0.9999999999886479,
  0.9999999999930624,
  0.999999999995781,
  0.9999999999974469,
  0.9999999999984626,
  0.9999999999990787,
  0.9999999999994507,
  0.999999999999674,
  0.9999999999998075,
  0.9999999999998869,
  0.9999999999999338,
  0.9999999999999615,
  0.9999999999999777,
  0.9999999999999871,
  0.9999999999999927,
  0.9999999999999958,
  0.9999999999999977,
  0.9999999999999987,
  0.9999999999999992,
  0.9999999999999996,
  0.9999999999999998,
  0.9999999999999999,
  0.9999999999999999,
  1.0,
  1.0,
];

// [x, sigmoid(x), softplus(x)] from mpmath:
// python3 -c "import mpmath; mpmath.mp.dps = 50; print([(p, float(1/(1+mpmath.exp(-p))), float(mpmath.log1p(mpmath.exp(p)))) for p in PTS])"
// with PTS = [-1000, -745, -700, -40, -20, -5, -1e-10, 0, 1e-10, 5, 20, 40, 700, 1000]
const LOGISTIC_TABLE: [number, number, number][] = [
  [-1000, 0.0, 0.0],
  [-745, 5e-324, 5e-324],
  [-700, 9.85967654375977e-305, 9.85967654375977e-305],
  [-40, 4.248354255291589e-18, 4.248354255291589e-18],
  [-20, 2.0611536181902037e-09, 2.061153620314381e-09],
  [-5, 0.0066928509242848554, 0.006715348489118068],
  [-1e-10, 0.499999999975, 0.6931471805099453],
  [0, 0.5, 0.6931471805599453],
  [1e-10, 0.500000000025, 0.6931471806099453],
  [5, 0.9933071490757152, 5.006715348489118],
  [20, 0.9999999979388464, 20.000000002061153],
  [40, 1.0, 40.0],
  [700, 1.0, 700.0],
  [1000, 1.0, 1000.0],
];

const vec = (dtype: T.DType, name = "x") => new T.TensorType(dtype, [null]).make(name);
const run = (x: T.Variable, y: T.Variable, pts: number[], options?: T.CpuFunctionOptions) =>
  T.function([x], y, options)(T.asarray(pts, { dtype: x.dtype })) as T.NDArray;

Deno.test("erf() matches mpmath to 1e-14 relative in float64, on both sides of every branch", () => {
  const x = T.dvector("x");
  const pts = [...ERF_TABLE.map(([p]) => p), ...ERF_GRID.map((_, k) => (k + 1) / 20)];
  const want = [...ERF_TABLE.map(([, e]) => e), ...ERF_GRID];
  const out = run(x, T.erf(x), pts);
  for (let i = 0; i < pts.length; i++) {
    const err = Math.abs(out.data[i] - want[i]) / Math.abs(want[i]);
    assert.ok(err < 1e-14, `erf(${pts[i]}) = ${out.data[i]}, mpmath says ${want[i]} (rel. error ${err})`);
  }
});

Deno.test("erf() is odd, ±1 at ±infinity, NaN at NaN, keeps -0, and float32 is within 2e-6 of mpmath", () => {
  const pts = [...EDGE, ...randomPoints(300, 8, 7)];
  checkElemwise(T.erf, (v) => -erfJs(-v), ["float64"], [pts], { outDtype: "float64", signedZero: true });
  const x = T.dvector("x");
  const out = run(x, T.erf(x), [Infinity, -Infinity, NaN, -0, 0]);
  assert.deepEqual(Array.from(out.data.slice(0, 2)), [1, -1]);
  assert.ok(Number.isNaN(out.data[2]) && Object.is(out.data[3], -0) && Object.is(out.data[4], 0));
  const xf = vec("float32");
  const f32 = run(xf, T.erf(xf), ERF_TABLE.map(([p]) => p));
  assert.equal(f32.dtype, "float32");
  ERF_TABLE.forEach(([p, e], i) => {
    if (Math.abs(p) < 1e-30) return; // not a (normal) float32 number
    assert.ok(Math.abs(f32.data[i] - e) <= 2e-6 * Math.abs(e), `float32 erf(${p}) = ${f32.data[i]}`);
  });
});

/** The spacing of float64 numbers at |y| (its ulp), from the exponent bits. */
function ulp64(y: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, Math.abs(y));
  return 2 ** (Math.max(v.getUint16(0) >> 4, 1) - 1075);
}

Deno.test("erfJs is within 2 ulp of mpmath at 5,900 points of [0, 6], and exactly odd", () => {
  // A dense grid, random points (many in [1.5, 3]), tiny and subnormal x, and the 25 doubles
  // on each side of every branch boundary (1, 2, …, 6) and more within 1e-3 of them.
  const pairs: [number, number][] = [
    ...ERF_GRID_512.map((y, k): [number, number] => [k / 512, y]),
    ...ERF_POINTS,
    ...ERF_TABLE.filter(([p]) => p > 0),
  ];
  assert.ok(pairs.length > 5000);
  let worst = 0, at = NaN;
  for (const [x, want] of pairs) {
    const got = erfJs(x);
    assert.ok(Object.is(erfJs(-x), -got), `erf(-${x}) is not -erf(${x})`);
    if (want === 0) assert.ok(Object.is(got, want), `erf(${x}) = ${got}`);
    const err = Math.abs(got - want) / ulp64(want);
    if (err > worst) [worst, at] = [err, x];
  }
  assert.ok(worst <= 2, `erfJs: ${worst} ulp at x = ${at}`);
});

Deno.test("erfJs: subnormal x give 2x/√π, ±0 keep their sign, and it is monotone across its branches", () => {
  for (const m of [1, 2, 3, 7, 12345, 2 ** 30 + 1, 2 ** 52 - 1]) {
    const x = m * 2 ** -1074, want = 1.1283791670955126 * x;
    assert.ok(Math.abs(erfJs(x) - want) <= 2 ** -1074 && erfJs(-x) === -erfJs(x), `erf(${x}) = ${erfJs(x)}`);
  }
  assert.ok(Object.is(erfJs(0), 0) && Object.is(erfJs(-0), -0));
  // A sweep of [-6.5, 6.5] in steps of 1e-5, then the 20,000 doubles on each side of each boundary.
  let prev = -1;
  for (let i = 0; i <= 1_300_000; i++) {
    const x = -6.5 + i * 1e-5, y = erfJs(x);
    if (y < prev) assert.fail(`erf is not monotone at ${x}`);
    prev = y;
  }
  const bits = new BigInt64Array(1), f = new Float64Array(bits.buffer);
  for (const b of [1, 2, 3, 4, 5, 6]) {
    f[0] = b;
    bits[0] -= 20_000n;
    prev = erfJs(f[0]);
    for (let i = 0; i < 40_000; i++) {
      bits[0]++;
      const y = erfJs(f[0]);
      if (y < prev) assert.fail(`erf is not monotone at ${f[0]}`);
      prev = y;
    }
  }
});

Deno.test("sigmoid() and softplus() match mpmath at extreme inputs, without overflow", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const x = vec(dtype);
    const pts = LOGISTIC_TABLE.map(([p]) => p);
    const [s, sp] = T.function([x], [T.sigmoid(x), T.softplus(x)])(T.asarray(pts, { dtype })) as T.NDArray[];
    const tol = dtype === "float64" ? 1e-15 : 1e-6;
    LOGISTIC_TABLE.forEach(([p, es, esp], i) => {
      const xs = Math.fround(p) === p || dtype === "float64";
      if (!xs) return; // ±1e-10 are not float32 numbers: skip those in float32
      const want = dtype === "float32" ? [Math.fround(es), Math.fround(esp)] : [es, esp];
      assert.ok(Math.abs(s.data[i] - want[0]) <= tol * want[0], `${dtype} sigmoid(${p}) = ${s.data[i]}`);
      assert.ok(Math.abs(sp.data[i] - want[1]) <= tol * want[1], `${dtype} softplus(${p}) = ${sp.data[i]}`);
    });
  }
});

Deno.test("sigmoid() and softplus() match their definitions over many points, float64 and float32", () => {
  const pts = [...EDGE.filter((p) => Math.abs(p) <= 30), ...randomPoints(300, 30, 8)];
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const sp = (v: number) => Math.log1p(Math.exp(v));
  for (const dtype of ["float64", "float32"] as const) {
    checkElemwise(T.sigmoid, sig, [dtype], [pts], { rtol: 1e-14, outDtype: dtype });
    checkElemwise(T.softplus, sp, [dtype], [pts], { rtol: 1e-14, outDtype: dtype });
  }
  // Their limits and NaN.
  const inf = [Infinity, -Infinity, NaN];
  checkElemwise(T.sigmoid, (v) => (v > 0 ? 1 : v < 0 ? 0 : NaN), ["float64"], [inf]);
  checkElemwise(T.softplus, (v) => (v > 0 ? Infinity : v < 0 ? 0 : NaN), ["float64"], [inf]);
});

Deno.test("sigmoid() and softplus() satisfy s(x) + s(-x) = 1 and sp(x) - sp(-x) = x", () => {
  const x = T.dvector("x");
  const pts = randomPoints(200, 40, 9);
  const [a, b] = T.function([x], [
    T.add(T.sigmoid(x), T.sigmoid(T.neg(x))),
    T.sub(T.softplus(x), T.softplus(T.neg(x))),
  ])(pts) as T.NDArray[];
  T.testing.assertAllClose(a, pts.map(() => 1), { rtol: 1e-15 });
  T.testing.assertAllClose(b, pts, { rtol: 1e-13, atol: 1e-13 });
});

Deno.test("sigmoid() softplus() erf() of integers give float64; of float32 stay float32; bool is refused", () => {
  for (const fn of [T.sigmoid, T.softplus, T.erf]) {
    for (const d of ["int32", "int8", "uint8", "int64"] as const) {
      const ref = fn === T.sigmoid
        ? (v: number) => 1 / (1 + Math.exp(-v))
        : fn === T.softplus
        ? (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))
        : (v: number) => (v === 0 ? 0 : v > 5 ? 1 : v < -5 ? -1 : NaN);
      const pts = fitting(INT_EDGE, d).filter((v) => fn !== T.erf || v === 0 || Math.abs(v) > 5);
      checkElemwise(fn, ref, [d], [pts], { outDtype: "float64", rtol: 1e-15 });
    }
    assert.equal(fn(T.fvector("x")).dtype, "float32");
    assert.throws(() => fn(vec("bool")), T.HypatiaTypeError);
  }
});

Deno.test("sigmoid() softplus() erf() gradients check numerically in float64 and float32", () => {
  const pts = [[0.3, -1.2, 0.9, 2.1, -0.05, 3.5]];
  for (const fn of [T.sigmoid, T.softplus, T.erf]) {
    T.verifyGrad(fn, pts);
    T.verifyGrad(fn, pts, F32_GRAD);
  }
});

Deno.test("sigmoid() gradient is s(1 - s), softplus() gradient is sigmoid, erf() gradient is 2/√π e^-x²", () => {
  const x = T.dvector("x");
  const pts = [...randomPoints(30, 6, 10), 40, -40];
  const g = (f: (v: T.Variable) => T.Variable) => T.grad(T.sum(f(x)), x);
  const [gs, gsp, ge] = T.function([x], [g(T.sigmoid), g(T.softplus), g(T.erf)])(pts) as T.NDArray[];
  const s = (v: number) => 1 / (1 + Math.exp(-v));
  T.testing.assertAllClose(gs, pts.map((p) => s(p) * (1 - s(p))), { rtol: 1e-12, atol: 1e-300 });
  T.testing.assertAllClose(gsp, pts.map(s), { rtol: 1e-14, atol: 1e-300 });
  T.testing.assertAllClose(ge, pts.map((p) => (2 / Math.sqrt(Math.PI)) * Math.exp(-p * p)), { rtol: 1e-14 });
});

for (const dtype of ["float64", "float32"] as const) {
  Deno.test(`log(1 + exp(x)) compiles to softplus(x) in ${dtype}: log(1 + exp(1000)) is 1000`, () => {
    const x = vec(dtype);
    for (const y of [T.log(T.add(1, T.exp(x))), T.log(T.add(T.exp(x), 1)), T.log1p(T.exp(x))]) {
      const f = T.function([x], y);
      assert.match(T.pp(f), /softplus/);
      const out = f(T.asarray([1000, -1000, 0, 30, -30], { dtype })) as T.NDArray;
      assert.equal(out.dtype, dtype);
      const want = [1000, 0, Math.LN2, 30 + Math.exp(-30), Math.log1p(Math.exp(-30))];
      T.testing.assertAllClose(out, T.asarray(want, { dtype }), { rtol: dtype === "float64" ? 1e-15 : 1e-7 });
    }
    // Without the rewrite the same graph overflows: the rewrite is what makes it finite.
    const raw = run(x, T.log(T.add(1, T.exp(x))), [1000], { mode: "FAST_COMPILE" });
    assert.equal(raw.data[0], Infinity);
  });

  Deno.test(`log(sigmoid(x)) compiles to -softplus(-x) in ${dtype}: finite (-1000) at x = -1000`, () => {
    const x = vec(dtype);
    const f = T.function([x], T.log(T.sigmoid(x)));
    assert.match(T.pp(f), /softplus/);
    const out = f(T.asarray([-1000, 1000, 0, -30, 30], { dtype })) as T.NDArray;
    const want = [-1000, -0, -Math.LN2, -30 - Math.log1p(Math.exp(-30)), -Math.log1p(Math.exp(-30))];
    T.testing.assertAllClose(out, T.asarray(want, { dtype }), { rtol: dtype === "float64" ? 1e-15 : 1e-7 });
    assert.equal(run(x, T.log(T.sigmoid(x)), [-1000], { mode: "FAST_COMPILE" }).data[0], -Infinity);
  });

  Deno.test(`log(1 - sigmoid(x)) compiles to -softplus(x) in ${dtype}: finite (-1000) at x = 1000`, () => {
    const x = vec(dtype);
    const f = T.function([x], T.log(T.sub(1, T.sigmoid(x))));
    assert.match(T.pp(f), /softplus/);
    const out = f(T.asarray([1000, -1000, 0, 30, -30], { dtype })) as T.NDArray;
    const want = [-1000, -0, -Math.LN2, -30 - Math.log1p(Math.exp(-30)), -Math.log1p(Math.exp(-30))];
    T.testing.assertAllClose(out, T.asarray(want, { dtype }), { rtol: dtype === "float64" ? 1e-15 : 1e-7 });
    assert.equal(run(x, T.log(T.sub(1, T.sigmoid(x))), [1000], { mode: "FAST_COMPILE" }).data[0], -Infinity);
  });
}

Deno.test("log1p(-sigmoid(x)) also compiles to -softplus(x); the stable forms keep their gradients", () => {
  const x = T.dvector("x");
  const f = T.function([x], T.log1p(T.neg(T.sigmoid(x))));
  assert.match(T.pp(f), /softplus/);
  assert.equal((f([1000]) as T.NDArray).data[0], -1000);
  T.verifyGrad((v) => T.log(T.sigmoid(v)), [[0.5, -2, 3]]);
  T.verifyGrad((v) => T.log(T.add(1, T.exp(v))), [[0.5, -2, 3]]);
});

Deno.test("x.sigmoid() x.softplus() x.erf() methods equal the functions", () => {
  const x = T.dvector("x");
  const pts = randomPoints(10, 4, 11);
  const a = T.function([x], [x.sigmoid(), x.softplus(), x.erf()])(pts) as T.NDArray[];
  const b = T.function([x], [T.sigmoid(x), T.softplus(x), T.erf(x)])(pts) as T.NDArray[];
  a.forEach((v, i) => assert.deepEqual(Array.from(v.data), Array.from(b[i].data)));
});

Deno.test("sigmoid() softplus() erf() lower to WGSL for float32 only, through helpers", () => {
  for (
    const [op, helper] of [[sigmoidOp, "H_sigmoid_f32"], [softplusOp, "H_softplus_f32"], [
      erfOp,
      "H_erf_f32",
    ]] as const
  ) {
    assert.equal(op.scalar!.wgsl!(["a"], "float32", "float32"), `${helper}(a)`);
    assert.equal(op.scalar!.wgsl!(["a"], "float64", "float64"), undefined);
    assert.match(op.scalar!.wgslHelpers!, new RegExp(`fn ${helper}\\(`));
  }
});
