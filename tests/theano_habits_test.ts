/**
 * A Theano user's script, typed from memory, runs as typed (issue 14): JS numbers are
 * untyped, constructors take Theano's dtype argument, options are checked, the seeds'
 * examples run as printed, and arithmetic follows NumPy 2. Each habit is tested with its
 * JS form, and every refusal with its message.
 * @module
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";

/** Asserts `fn` throws an error of `kind` whose message matches every pattern. */
function refuses(fn: () => unknown, kind: new (...a: never[]) => Error, ...patterns: RegExp[]) {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${e.constructor.name}: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p);
    assert.doesNotMatch(e.message, /\[object Object\]/);
    return true;
  });
}

Deno.test("JS numbers are untyped: shared(0) is floatX, so a float update works", () => {
  const b = T.shared(0, { name: "b" });
  assert.equal(b.dtype, "float64");
  const x = T.dscalar("x");
  const step = T.function([x], b, { updates: [[b, T.sub(b, T.mul(0.1, x))]] });
  step(1);
  assert.equal(b.getValue().item(), -0.1);
  const w = T.shared([1, 1], { name: "w" });
  w.setValue([0.1, 0.1]); // refused when [1, 1] made an int64 variable
  assert.deepEqual(w.getValue().toArray(), [0.1, 0.1]);
  const named = T.shared(0.5, "bias"); // Theano's theano.shared(value, name)
  assert.equal(named.name, "bias");
  assert.equal(named.dtype, "float64");
  const zeros = T.shared(new Array(3).fill(0), { name: "zeros" });
  assert.equal(zeros.dtype, "float64");
  assert.equal(T.shared(true).dtype, "bool");
  const saved = T.config.floatX;
  try {
    T.config.floatX = "float32";
    assert.equal(T.shared(0).dtype, "float32");
    assert.equal(T.shared([[1, 2]]).dtype, "float32");
  } finally {
    T.config.floatX = saved;
  }
});

Deno.test("shared: integer dtypes come from { dtype }, integer typed arrays and NDArrays", () => {
  assert.equal(T.shared(0, { dtype: "int64" }).dtype, "int64");
  assert.equal(T.shared(new Int32Array([1, 2])).dtype, "int32");
  assert.equal(T.shared(new BigInt64Array([1n, 2n])).dtype, "int64");
  assert.equal(T.shared(T.asarray([1, 2], { dtype: "int16" })).dtype, "int16");
  assert.equal(T.shared(new Float32Array(2)).dtype, "float32");
  const counter = T.shared(0, { name: "counter", dtype: "int64" });
  refuses(
    () => T.function([T.dscalar("x")], [], { updates: [[counter, T.add(counter, T.dscalar("x"))]] }),
    T.HypatiaTypeError,
    /"counter"/,
    /shared\(value, \{ dtype: "float64" \}\)/,
  );
  refuses(() => counter.setValue(0.5), T.InputError, /0\.5 is not a whole number/, /\{ dtype: "float64" \}/);
  refuses(
    () => T.shared(0, { dtpye: "int64" } as never),
    T.InputError,
    /unknown option "dtpye"; did you mean "dtype"\?/,
  );
  refuses(
    () => T.shared(0, { dtype: "int" as never }),
    T.InputError,
    /option "dtype" must be a dtype \(float64/,
  );
  refuses(() => T.shared(0, { strict: true } as never), T.InputError, /unknown option "strict"/);
  refuses(() => T.shared(T.dscalar("x") as never), T.InputError, /symbolic/);
});

Deno.test("plain numbers take an input's declared dtype: floats round to float32", () => {
  const q = T.fvector("q");
  const f = T.function([q], q);
  const out = f([0.1, 0.2]); // refused before: JS has no float32 literals
  assert.equal(out.dtype, "float32");
  assert.deepEqual(Array.from(out.data), [Math.fround(0.1), Math.fround(0.2)]);
  const s = T.shared(new Float32Array(2), { name: "s" });
  s.setValue([0.3, 1e-50]);
  assert.deepEqual(Array.from(s.getValue().data), [Math.fround(0.3), 0]);
  // Integer inputs still refuse what they cannot hold, saying how to get it.
  const k = T.iscalar("k");
  const g = T.function([k], k);
  refuses(() => g(0.5), T.InputError, /argument 0 \("k"/, /0\.5 is not a whole number/, /allowInputDowncast/);
  refuses(() => g(2 ** 40), T.InputError, /is out of the range of int32/);
  assert.equal(T.function([k], k, { allowInputDowncast: true })(2.7).item(), 2);
  const b = T.bvector("b");
  refuses(() => T.function([b], b)([1, 300]), T.InputError, /300 is out of the range of int8/);
  // Typed arrays and NDArrays of a wider dtype still need allowInputDowncast.
  refuses(
    () => f(new Float64Array([0.1])),
    T.InputError,
    /float64 Float64Array cannot be stored/,
    /allowInputDowncast/,
  );
  refuses(
    () => f(T.asarray([0.1], { dtype: "float64" })),
    T.InputError,
    /float64 NDArray/,
    /dtype "float64"/,
  );
  assert.equal(
    T.function([q], q, { allowInputDowncast: true })(new Float64Array([0.1])).data[0],
    Math.fround(0.1),
  );
});

Deno.test("variable constructors take Theano's dtype argument, positional or as { dtype }", () => {
  const state = T.shared(0, { name: "state" });
  assert.equal(T.scalar("foo", state.dtype).dtype, "float64");
  assert.equal(T.scalar("foo", "int64").dtype, "int64");
  assert.equal(T.matrix("m", { dtype: "int32" }).dtype, "int32");
  for (const make of [T.vector, T.row, T.col, T.tensor3, T.tensor4]) {
    assert.equal(make("v", "int8").dtype, "int8");
  }
  assert.equal(T.dmatrix("d", "float64").dtype, "float64");
  const [a, b] = T.matrices("a", "b", { dtype: "float32" });
  assert.equal(a.dtype, "float32");
  assert.equal(b.name, "b");
  assert.deepEqual(T.dscalars(["p", "q"]).map((v) => v.name), ["p", "q"]);
  refuses(
    () => T.iscalar("i", "int64"),
    T.InputError,
    /iscalar makes int32 variables, not int64; use scalar\(name, "int64"\)/,
  );
  refuses(() => T.scalar("x", "float16" as never), T.HypatiaTypeError, /scalar: unknown dtype "float16"/);
  refuses(() => T.scalar("x", { dtpye: "int32" } as never), T.InputError, /did you mean "dtype"/);
  refuses(() => T.dvectors("a", 3 as never), T.InputError, /dvectors: names must be strings, got 3/);
  refuses(() => T.scalar(3 as never), T.InputError, /name must be a string/);
  // T.tensor in Theano's positional and keyword forms, and PyTensor's.
  assert.equal(T.tensor("float32", [false, true], "t").broadcastable[1], true);
  assert.equal(T.tensor({ dtype: "int16", broadcastable: [false], name: "u" }).dtype, "int16");
  assert.deepEqual(T.tensor("x", { shape: [null, 3] }).type.shape, [null, 3]);
  refuses(() => T.tensor({ dtype: "float64" }), T.InputError, /give the rank/);
  refuses(() => T.tensor({ broadcastable: [false], shape: [2] }), T.InputError, /not both/);
  refuses(
    () => T.tensor({ dtype: "float64", broadcastable: [false], ndim: 2 } as never),
    T.InputError,
    /unknown option "ndim"/,
  );
});

Deno.test("reductions take NumPy's { axis, keepdims } as well as the positional axis", () => {
  const m = T.dmatrix("m");
  const f = T.function([m], [
    T.sum(m, { axis: 1 }),
    T.mean(m, { axis: 0, keepdims: true }),
    m.max({ axis: -1 }),
  ]);
  const [s, mean, max] = f([[1, 2], [3, 4]]);
  assert.deepEqual(s.toArray(), [3, 7]);
  assert.deepEqual(mean.toArray(), [[2, 3]]);
  assert.deepEqual(max.toArray(), [2, 4]);
  assert.equal(T.sum(m, 0, { keepdims: true }).ndim, 2);
  refuses(
    () => T.sum(m, { axes: 1 } as never),
    T.InputError,
    /sum: unknown option "axes"; did you mean "axis"\?/,
  );
  refuses(() => T.prod(m, 1, { keep_dims: true } as never), T.InputError, /did you mean "keepdims"/);
  refuses(
    () => T.max(m, { axis: 0, keepdims: true }, { keepdims: true }),
    T.InputError,
    /keepdims is given twice/,
  );
  refuses(() => T.std(m, 0, { ddof: 1 } as never), T.InputError, /unknown option "ddof"/);
});

Deno.test("misspelt, misplaced and snake_case options are refused, naming the key and the fix", () => {
  const x = T.dvector("x"), c = T.sum(T.sqr(x));
  const cases: [string, () => unknown, RegExp][] = [
    [
      "function update",
      () => T.function([x], x, { update: [] } as never),
      /function: unknown option "update"; did you mean "updates"\?/,
    ],
    [
      "function snake_case",
      () => T.function([x], x, { no_default_updates: true } as never),
      /did you mean "noDefaultUpdates"\?/,
    ],
    [
      "function bad value",
      () => T.function([x], x, { onUnusedInput: "quiet" } as never),
      /must be one of "raise", "warn", "ignore", got "quiet"/,
    ],
    [
      "function mode",
      () => T.function([x], x, { mode: "FAST" } as never),
      /option "mode" must be one of "FAST_RUN", "FAST_COMPILE"/,
    ],
    [
      "copy",
      () => T.function([x], x).copy({ delete_updates: true } as never),
      /copy: unknown option "delete_updates"; did you mean "deleteUpdates"\?/,
    ],
    [
      "grad",
      () => T.grad(c, x, { consider_constant: [x] } as never),
      /grad: unknown option "consider_constant"; did you mean "considerConstant"\?/,
    ],
    [
      "Rop",
      () => T.Rop(x, x, x, { disconnected_outputs: "ignore" } as never),
      /Rop: unknown option "disconnected_outputs"/,
    ],
    ["Lop", () => T.Lop(c, x, 1, { known_grads: [] } as never), /Lop: unknown option "known_grads"/],
    [
      "jacobian",
      () => T.jacobian(x, x, { stabilize: false } as never),
      /jacobian: unknown option "stabilize"/,
    ],
    [
      "hessian",
      () => T.hessian(c, x, { disconnected_inputs: "ignore" } as never),
      /did you mean "disconnectedInputs"/,
    ],
    [
      "scan",
      () => T.scan({ fn: (a: T.Variable) => a, outputs_info: x, nSteps: 2 } as never),
      /scan: unknown option "outputs_info"; did you mean "outputsInfo"\?/,
    ],
    [
      "scan sequence",
      () => T.scan({ fn: (a: T.Variable) => a, sequences: [{ input: x, tap: [0] }] } as never),
      /scan: sequence 0: unknown option "tap"; did you mean "taps"/,
    ],
    [
      "scan output",
      () => T.scan({ fn: (a: T.Variable) => a, outputsInfo: [{ init: x }], nSteps: 1 } as never),
      /scan: outputsInfo 0: unknown option "init"; did you mean "initial"/,
    ],
    ["In", () => new T.In(x, { mutable: true } as never), /In: unknown option "mutable"/],
    [
      "MRG uniform",
      () => new T.MRGRandomStreams(1).uniform([2], { lo: 0 } as never),
      /MRGRandomStreams.uniform: unknown option "lo"/,
    ],
    [
      "MRG normal",
      () => new T.MRGRandomStreams(1).normal([2], { mean: 0 } as never),
      /MRGRandomStreams.normal: unknown option "mean"/,
    ],
    [
      "RandomStreams",
      () => new T.RandomStreams(1).normal([2], { loc: 0 } as never),
      /RandomStreams.normal: unknown option "loc"/,
    ],
    [
      "RandomStreams dtype",
      () => new T.RandomStreams(1).uniform([2], { dtype: "f32" } as never),
      /option "dtype" must be a dtype/,
    ],
    [
      "asarray",
      () => T.asarray([1], { dtyp: "float32" } as never),
      /asarray: unknown option "dtyp"; did you mean "dtype"\?/,
    ],
    [
      "constant",
      () => T.constant(1, { dtype: "float64", broadcastable: [] } as never),
      /constant: unknown option "broadcastable"/,
    ],
    [
      "verifyGrad",
      () => T.verifyGrad(T.exp, [[1]], { abs_tol: 1 } as never),
      /verifyGrad: unknown option "abs_tol"/,
    ],
    ["assertAllClose", () => T.testing.assertAllClose([1], [1], { rtl: 1 } as never), /did you mean "rtol"/],
    [
      "getValue",
      () => T.shared(1).getValue({ borow: true } as never),
      /getValue: unknown option "borow"; did you mean "borrow"/,
    ],
    [
      "config",
      () => ((T.config as unknown as Record<string, unknown>).floatx = "float32"),
      /config: unknown setting "floatx"; did you mean "floatX"/,
    ],
    [
      "options not an object",
      () => T.grad(c, x, "ignore" as never),
      /grad: options must be an object like \{/,
    ],
  ];
  for (const [label, fn, message] of cases) {
    assert.throws(fn, (e: Error) => {
      assert.ok(e instanceof T.InputError, `${label}: ${e.constructor.name}: ${e.message}`);
      assert.match(e.message, message, label);
      return true;
    });
  }
});

Deno.test("grad's third positional argument is Theano's consider_constant", () => {
  const [w, b] = T.dscalars("w", "b");
  const cost = T.mul(T.mul(w, b), b); // w b²
  const keyword = T.function([w, b], T.grad(cost, w, { considerConstant: [b] }))(3, 2);
  assert.equal(keyword.item(), 4);
  assert.equal(T.function([w, b], T.grad(cost, w, [b]))(3, 2).item(), 4);
  refuses(() => T.grad(cost, w, [3] as never), T.GradError, /considerConstant must list variables, got 3/);
  refuses(() => T.grad(cost, w, { knownGrads: 5 } as never), T.GradError, /knownGrads must be/);
});

Deno.test("the seeds' examples run as printed: derivatives count wrt as used", () => {
  // Theano's R-operator example, exactly as printed: J·V does not read W, and W is an input.
  const W = T.dmatrix("W"), V = T.dmatrix("V"), x = T.dvector("x");
  const y = T.dot(x, W);
  const JV = T.Rop(y, W, V);
  const f = T.function([W, V, x], JV);
  assert.equal(f([[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1]).toString(), "[2. 2.]");
  // The L-operator example, and the others that can drop wrt after simplification.
  const v = T.dvector("v");
  const VJ = T.Lop(y, W, v);
  assert.equal(T.function([v, x, W], VJ)([2, 2], [0, 1], [[1, 1], [1, 1]]).toString(), "[[0. 0.]\n [2. 2.]]");
  const a = T.dvector("a");
  assert.equal(T.function([a, x], T.grad(T.sum(T.mul(a, x)), a))([1, 2], [3, 4]).toString(), "[3. 4.]");
  assert.equal(
    T.function([a, x], T.jacobian(T.mul(a, x), a))([1, 2], [3, 4]).toString(),
    "[[3. 0.]\n [0. 4.]]",
  );
  assert.equal(
    T.function([a, x], T.hessian(T.sum(T.mul(a, x)), a))([1, 2], [3, 4]).toString(),
    "[[0. 0.]\n [0. 0.]]",
  );
  // Inputs that no derivative names are still unused.
  refuses(() => T.function([W, V, x, a], JV), T.InputError, /input "a" .* is not used/);
});

Deno.test("the optimised gradient of sum(x ** 3) is 3 * sqr(x), in vector graphs as in scalar ones", () => {
  const x = T.dvector("x"), s = T.dscalar("s");
  const gv = T.function([x], T.grad(T.sum(T.pow(x, 3)), x));
  assert.equal(T.pp(gv), "Composite{(3.0 * sqr(x))}"); // one fused kernel, as Theano's Elemwise{Composite}
  assert.deepEqual(gv([1, 2]).toArray(), [3, 12]);
  assert.equal(T.pp(T.function([s], T.grad(T.pow(s, 3), s))), "Composite{(3.0 * sqr(s))}");
  const m = T.dmatrix("m");
  assert.doesNotMatch(T.pp(T.function([m], T.grad(T.sum(T.exp(m)), m))), /fill/);
});

Deno.test("bare numbers follow NumPy 2's weak scalars", () => {
  const sum = T.function([], T.add(100, 100))();
  assert.equal(sum.dtype, "int64");
  assert.equal(sum.item(), 200); // was int8 -56
  assert.equal(T.function([], T.mul(2.5, 2))().dtype, "float64");
  const i8 = T.bvector("i8"), f32 = T.fvector("f32");
  assert.equal(T.add(i8, 1).dtype, "int8");
  assert.equal(T.mul(f32, 2).dtype, "float32");
  assert.equal(T.mul(f32, T.sub(2, 1)).dtype, "float32"); // arithmetic on bare numbers stays bare
  assert.equal(T.add(T.ivector("i"), 1.5).dtype, "float64");
  // A literal out of the other operand's range widens the result, never wraps silently.
  const wide = T.add(i8, 1000);
  assert.equal(wide.dtype, "int16");
  assert.deepEqual(T.function([i8], wide)([1, -1]).toArray(), [1001, 999]);
  assert.equal(T.add(T.vector("u", "uint8"), -1).dtype, "int16");
  assert.equal(T.add(T.ivector("i"), 2 ** 40).dtype, "int64");
});

Deno.test("the gradient with respect to an integer variable is zero, in floatX", () => {
  const k = T.iscalar("k"), x = T.dscalar("x");
  const cost = T.mul(T.cast(k, "float64"), x);
  const gk = T.grad(cost, k);
  assert.equal(gk.dtype, "float64");
  assert.equal(T.function([k], gk)(3).item(), 0);
  refuses(() => T.grad(x, k), T.GradError, /does not depend on "k"/);
  refuses(() => T.grad(T.mul(k, 2), k), T.GradError, /an integer cost has no gradient/);
});

Deno.test("a zero-size array prints [] whatever its shape, as NumPy does", () => {
  assert.equal(T.asarray([]).toString(), "[]");
  assert.equal(new T.NDArray("float64", [2, 0]).toString(), "[]");
  assert.equal(new T.NDArray("int32", [0, 3]).toString(), "[]");
  const x = T.dvector("x");
  assert.equal(T.function([x], T.exp(x))([]).toString(), "[]");
});

Deno.test("array constructors take the dtype as Theano's string or as { dtype }", () => {
  const x = T.dvector("x");
  assert.equal(T.zeros([2], "int32").dtype, "int32");
  assert.equal(T.zeros([2], { dtype: "float32" }).dtype, "float32");
  assert.equal(T.ones([2, 2], { dtype: "int8" }).dtype, "int8");
  assert.equal(T.zerosLike(x, { dtype: "float32" }).dtype, "float32");
  assert.equal(T.onesLike(x, "int64").dtype, "int64");
  assert.equal(T.eye(3, 3, 0, { dtype: "int16" }).dtype, "int16");
  assert.equal(T.arange(0, 5, 1, { dtype: "float32" }).dtype, "float32");
  assert.deepEqual(T.function([], T.ones([2], { dtype: "int32" }))().toArray(), [1, 1]);
  refuses(
    () => T.zeros([2], { dtpye: "int32" } as never),
    T.InputError,
    /zeros: unknown option "dtpye"; did you mean "dtype"/,
  );
  refuses(
    () => T.ones([2], "float16" as never),
    T.HypatiaTypeError,
    /ones: unknown dtype "float16" \(dtypes: float64/,
  );
  refuses(() => T.arange(0, 5, 1, "int" as never), T.HypatiaTypeError, /arange: unknown dtype "int"/);
});

Deno.test("x.norm(L, axis) is Theano's entrywise p-norm (T.norm is NumPy's linalg.norm)", () => {
  const m = T.dmatrix("m");
  const a = [[3, -4], [1, 2]];
  const flat = a.flat();
  const f = T.function([m], [m.norm(2), m.norm(1), m.norm(3, 0), m.norm(Infinity, 1), T.norm(m, 2)]);
  const [two, one, threeCols, infRows, spectral] = f(a);
  assert(Math.abs(two.item() - Math.sqrt(flat.reduce((s, v) => s + v * v, 0))) < 1e-12);
  assert.equal(one.item(), 10);
  const col = (j: number) => Math.cbrt(Math.abs(a[0][j]) ** 3 + Math.abs(a[1][j]) ** 3);
  T.testing.assertAllClose(threeCols, T.asarray([col(0), col(1)]));
  assert.deepEqual(infRows.toArray(), [4, 2]);
  assert(spectral.item() < two.item()); // the spectral norm of a rank-2 matrix is below its Frobenius norm
  T.verifyGrad((x) => x.norm(3), [T.asarray([[0.5, -1.5], [2, 0.25]])]);
  assert.throws(
    () => m.norm(0),
    (e: Error) => e instanceof T.InputError && /L must be a positive number/.test(e.message),
  );
});
