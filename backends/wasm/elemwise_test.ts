/**
 * The WebAssembly elementwise engine through compiled functions: every group is run
 * with config.wasm on and off (the JS loop is the oracle), in float32 and float64,
 * over lengths that cross vector and chunk boundaries.
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { config } from "../../core/config.ts";
import { NDArray } from "../../core/ndarray.ts";
import { seededRandom } from "../../compile/verify_grad.ts";
import { stepsOf } from "../../ops/fused.ts";
import { BufferPool } from "../cpu/pool.ts";
import { elementwiseOptions, elementwiseStats, wasmElementwise } from "./elemwise.ts";
import type { Apply } from "../../core/graph.ts";
import type { CpuProgram } from "../kernel.ts";
import { mirrorStats } from "./staging.ts";

const rng = seededRandom(99);

function random(dtype: "float32" | "float64", shape: number[], lo = -4, hi = 4): NDArray {
  const x = new NDArray(dtype, shape);
  for (let i = 0; i < x.size; i++) x.data[i] = lo + (hi - lo) * rng();
  return x;
}

/**
 * Compile `build` twice (wasm on, then off) and return both functions. Groups of cheap
 * arithmetic only are taken too here (`cheapGroups`), to test their lowerings.
 */
function both<A extends T.Variable[]>(inputs: A, build: (...v: A) => T.Variable) {
  const saved = config.wasm, cheap = elementwiseOptions.cheapGroups;
  try {
    config.wasm = true;
    elementwiseOptions.cheapGroups = true;
    const on = T.function(inputs, build(...inputs));
    elementwiseOptions.cheapGroups = cheap;
    config.wasm = false;
    const off = T.function(inputs, build(...inputs));
    return { on, off };
  } finally {
    config.wasm = saved;
    elementwiseOptions.cheapGroups = cheap;
  }
}

/**
 * Agreement within `ulps` epsilons of max(|y|, 1) (absolute near zero, where a sum of
 * rounded terms may cancel), NaN matching NaN, infinities exact.
 */
function assertAgree(a: NDArray, b: NDArray, ulps: number, what: string) {
  assert.equal(a.dtype, b.dtype, what);
  assert.deepEqual(a.shape, b.shape, what);
  const eps = a.dtype === "float32" ? 2 ** -23 : 2 ** -52;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i], y = b.data[i];
    if (Number.isNaN(y) || !Number.isFinite(y)) {
      assert.ok(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)), `${what}[${i}]: ${x} vs ${y}`);
      continue;
    }
    if (!(Math.abs(x - y) <= ulps * eps * Math.max(Math.abs(y), 1))) {
      assert.fail(`${what}[${i}]: ${x} vs ${y}`);
    }
  }
}

const UNARY: [string, (x: T.Variable) => T.Variable, [number, number]][] = [
  ["logistic", (x) => T.div(1, T.add(1, T.exp(T.neg(x)))), [-30, 30]],
  ["tanh·2 + 1", (x) => T.add(T.mul(T.tanh(x), 2), 1), [-10, 10]],
  ["softplus - x", (x) => T.sub(T.softplus(x), x), [-20, 20]],
  // softplus(x) and softplus(-x) share one log1p(e^-|x|) per vector (lower.ts lowerSteps).
  ["softplus(x) + 3·softplus(-x)", (x) => T.add(T.softplus(x), T.mul(3, T.softplus(T.neg(x)))), [-40, 40]],
  ["log(x² + 1)", (x) => T.log(T.add(T.sqr(x), 1)), [-100, 100]],
  ["log1p(|x|) · erf(x)", (x) => T.mul(T.log1p(T.abs(x)), T.erf(x)), [-5, 5]],
  ["expm1(x) / x", (x) => T.div(T.expm1(x), x), [-3, 3]],
  ["sqrt(|x|) + floor(x) - ceil(x)", (x) => T.sub(T.add(T.sqrt(T.abs(x)), T.floor(x)), T.ceil(x)), [-9, 9]],
  ["clip and minimum/maximum", (x) => T.maximum(T.minimum(T.clip(x, -1, 2), 1.5), -0.5), [-3, 3]],
  ["sign and round", (x) => T.add(T.sign(x), T.round(x)), [-3, 3]],
  ["log2 and exp", (x) => T.add(T.log2(T.abs(x)), T.exp(x)), [-5, 5]],
];

Deno.test("wasm elementwise: fused unary groups agree with the JS loops in float32 and float64", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const [what, f, [lo, hi]] of UNARY) {
      const x = new T.TensorType(dtype, [null]).make("x");
      const { on, off } = both([x], f);
      for (const n of [64, 65, 67, 4095, 4096, 4097, 10000]) {
        const v = random(dtype, [n], lo, hi);
        const runs = elementwiseStats.runs;
        off(v);
        assert.equal(elementwiseStats.runs, runs, "config.wasm = false: the JS loop");
        on(v);
        assert.ok(elementwiseStats.runs > runs, `${what}: the group ran in WebAssembly`);
        // JS computes the whole expression in doubles and rounds once; the engine rounds per op.
        assertAgree(on(v), off(v), dtype === "float32" ? 16 : 64, `${dtype} ${what} n=${n}`);
      }
    }
  }
});

Deno.test("wasm elementwise: binary groups with scalars, matrices, edges, and a group writing over a dying input", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const [a, b] = [
      new T.TensorType(dtype, [null, null]).make("a"),
      new T.TensorType(dtype, [null, null]).make("b"),
    ];
    const s = new T.TensorType(dtype, []).make("s");
    const { on, off } = both(
      [a, b, s],
      (a, b, s) => T.add(T.mul(T.sub(a, b), s), T.div(a, T.add(T.abs(b), 0.5))),
    );
    const av = random(dtype, [37, 41]), bv = random(dtype, [37, 41]);
    av.data.set([NaN, Infinity, -Infinity, 0, -0, 1e-40, 5e-324]);
    const sv = new NDArray(dtype, [], new (dtype === "float32" ? Float32Array : Float64Array)([1.5]));
    assertAgree(on(av, bv, sv), off(av, bv, sv), 4, `${dtype} matrices`);
    // exp(x) dies into log(...): the second group may reuse the first one's buffer.
    const x = new T.TensorType(dtype, [null]).make("x");
    const chain = both([x], (x) => T.log(T.add(T.sum(T.exp(x)), T.exp(T.neg(x)))));
    const xv = random(dtype, [5000], -3, 3);
    assertAgree(chain.on(xv), chain.off(xv), dtype === "float32" ? 16 : 16, `${dtype} chain`);
  }
});

Deno.test("wasm elementwise: groups it cannot take keep the JS loop (broadcast rows, ints, mixed dtypes, short)", () => {
  const m = T.dmatrix("m"), r = T.drow("r"), i = T.ivector("i"), f = T.fvector("f"), d = T.dvector("d");
  const cases: [T.Variable[], T.Variable][] = [
    [[m, r], T.add(m, r)],
    [[i], T.mul(i, 3)],
    [[f, d], T.add(f, d)],
    [[d], T.sin(d)],
    [[d], T.pow(d, 3)],
  ];
  for (const [ins, out] of cases) {
    const node = out.owner!;
    const { steps, output } = stepsOf(node);
    assert.equal(wasmElementwise(node, steps, output, () => []), undefined, `${T.pp(out)}`);
    // And they still compute.
    const fn = T.function(ins, out);
    const shapeOf = (v: T.Variable) => (v.ndim === 1 ? [5] : v.type.shape[0] === 1 ? [1, 5] : [3, 5]);
    const vals = ins.map((v) => random("float64", shapeOf(v)).astype(v.dtype));
    assert.equal(fn(...vals).size > 0, true);
  }
  // Cheap arithmetic alone keeps the JS loop by default (memory-bound either way).
  const sum = T.mul(T.add(d, 1), d).owner!;
  const cheap = stepsOf(sum);
  assert.equal(wasmElementwise(sum, cheap.steps, cheap.output, () => []), undefined);
  // A short array runs the fallback.
  const node = T.exp(d).owner!;
  const { steps, output } = stepsOf(node);
  let used = false;
  const thunk = wasmElementwise(node, steps, output, (v) => {
    used = true;
    return [v[0]];
  })!;
  thunk([random("float64", [elementwiseOptions.minLength - 1])], new BufferPool());
  assert.ok(used);
});

Deno.test("wasm elementwise: shape errors name the node, as the JS loop's do", () => {
  const [a, b] = T.dvectors("a", "b");
  // One graph compiled both ways, so both name the same node and user line.
  const out = T.mul(T.exp(a), b);
  const { on, off } = both([a, b], (_a, _b) => out);
  const x = random("float64", [100]), y = random("float64", [99]);
  const msg = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof T.ShapeError);
      return (e as Error).message;
    }
    assert.fail("expected a ShapeError");
  };
  assert.equal(msg(() => on(x, y)), msg(() => off(x, y)));
});

Deno.test("wasm elementwise: a logistic gradient step (float32 and float64) matches with the engine on and off", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const x = new T.TensorType(dtype, [null, null]).make("x"), w = new T.TensorType(dtype, [null]).make("w");
    const cost = (x: T.Variable, w: T.Variable) => T.mean(T.softplus(T.neg(T.dot(x, w))));
    const { on, off } = both([x, w], (x, w) => T.grad(cost(x, w), w));
    const xv = random(dtype, [300, 20], -1, 1), wv = random(dtype, [20], -1, 1);
    assertAgree(on(xv, wv), off(xv, wv), dtype === "float32" ? 1e3 : 1e4, `${dtype} gradient`);
  }
});

Deno.test("wasm elementwise: a shared input kept in the engine's memory is read in place, over chunks, and setValue is seen", () => {
  const chunk = elementwiseOptions.chunk;
  elementwiseOptions.chunk = 4096; // several chunks over the mirror
  try {
    for (const dtype of ["float32", "float64"] as const) {
      const n = 20011;
      const build = (wasm: boolean, x: T.SharedVariable) => {
        const saved = config.wasm;
        config.wasm = wasm;
        try {
          return T.function([], T.mul(T.sigmoid(x), T.exp(T.neg(T.sqr(x)))));
        } finally {
          config.wasm = saved;
        }
      };
      const data = random(dtype, [n]);
      const xs = T.shared(data, { name: "x" }), xr = T.shared(data, { name: "x" });
      const fast = build(true, xs), ref = build(false, xr);
      const made = mirrorStats.made;
      const check = (what: string) => {
        const [a, b] = [(fast() as NDArray).data, (ref() as NDArray).data];
        const tol = dtype === "float32" ? 1e-6 : 1e-14;
        for (let i = 0; i < n; i++) {
          assert.ok(Math.abs(a[i] - b[i]) <= tol, `${dtype} ${what} [${i}]: ${a[i]} vs ${b[i]}`);
        }
      };
      for (let i = 0; i < 3; i++) check(`call ${i}`);
      assert.equal(mirrorStats.made, made + 1, "the shared input is mirrored");
      const next = random(dtype, [n], -30, 30);
      xs.setValue(next);
      xr.setValue(next);
      for (let i = 0; i < 3; i++) check(`after setValue, call ${i}`);
    }
  } finally {
    elementwiseOptions.chunk = chunk;
  }
});

Deno.test("wasm elementwise bindTo: the thunk's bits into the arrays bound; short groups are the JS loop's, long ones the thunk's", () => {
  const saved = elementwiseOptions.cheapGroups;
  elementwiseOptions.cheapGroups = true; // so that a group of one add (with a scalar) is the engine's
  try {
    for (const dtype of ["float32", "float64"] as const) {
      const a = new T.TensorType(dtype, [null]).make("a"), b = new T.TensorType(dtype, [null]).make("b");
      const s = new T.TensorType(dtype, []).make("s");
      const f = T.function([a, b], T.tanh(T.add(a, b)));
      const fused = (f as unknown as { maker: { program: CpuProgram } }).maker.program.steps[0].node;
      assert.equal(fused.op.name, "fused");
      const cases: [Apply, number[][]][] = [
        [fused, [[64], [64]]],
        [T.exp(a).owner!, [[1000]]],
        [T.add(a, s).owner!, [[300], []]],
      ];
      for (const [node, shapes] of cases) {
        const ins = shapes.map((sh) => random(dtype, sh));
        const { steps, output } = stepsOf(node);
        const thunk = wasmElementwise(node, steps, output, () => assert.fail("the thunk ran its fallback"))!;
        const out = new NDArray(dtype, ins[0].shape);
        let looped = 0;
        const bound = thunk.bindTo!(ins, [out], () => void looped++);
        assert.equal(typeof bound, "function", `${dtype} ${node.op.name}`);
        for (let call = 0; call < 2; call++) {
          (bound as () => void)();
          const want = Array.from(thunk(ins, new BufferPool())[0].data);
          assert.deepEqual(Array.from(out.data), want, `${dtype} ${node.op.name} call ${call}`);
          ins[0].data[0] += 0.5; // read again at the next call
        }
        assert.equal(looped, 0);
      }
    }
    const a = T.dvector("a"), node = T.exp(a).owner!, { steps, output } = stepsOf(node);
    const thunk = wasmElementwise(node, steps, output, () => [])!;
    const short = [random("float64", [elementwiseOptions.minLength - 1])];
    assert.equal(thunk.bindTo!(short, [short[0].copy()], () => {}), undefined);
    // Longer than a chunk: run as the thunk runs it (chunks, or threads), whatever config.threads says.
    const long = [random("float64", [elementwiseOptions.chunk + 1])];
    const threads = config.threads;
    try {
      for (const t of [1, 2]) {
        config.threads = t;
        assert.equal(thunk.bindTo!(long, [long[0].copy()], () => {}), "generic");
      }
    } finally {
      config.threads = threads;
    }
    const chunk = [random("float64", [elementwiseOptions.chunk])];
    assert.equal(typeof thunk.bindTo!(chunk, [chunk[0].copy()], () => {}), "function");
  } finally {
    elementwiseOptions.cheapGroups = saved;
  }
});
