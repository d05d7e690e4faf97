import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { config } from "../../core/config.ts";
import { seededRandom } from "../../compile/verify_grad.ts";
import { arena } from "./memory.ts";
import { beginRun, mirrorStats, stagedOffset } from "./staging.ts";

const rng = seededRandom(8);
const randomMatrix = (r: number, c: number) =>
  new T.NDArray("float64", [r, c], Float64Array.from({ length: r * c }, () => rng() * 2 - 1));

Deno.test("staging: a root buffer is copied once per run and released when the run ends", () => {
  const a = arena(), top = a.top;
  const x = Float64Array.from({ length: 20000 }, (_, i) => i);
  const other = new Float64Array(20000);
  const scope = beginRun(new Set([x]));
  const at = stagedOffset(x, 8);
  assert.ok(at > 0);
  assert.equal(stagedOffset(x, 8), at, "the second request reuses the copy");
  assert.deepEqual([...a.f64(at, 5)], [0, 1, 2, 3, 4]);
  assert.equal(stagedOffset(other, 8), -1, "not a root of this run");
  assert.equal(stagedOffset(new Float64Array(10), 8), -1, "too small to stage");
  assert.equal(stagedOffset(x, 4), -1, "already staged at the other width");
  // A nested run (a scan body) stages its own roots and releases them.
  const inner = beginRun(new Set([other]));
  assert.ok(stagedOffset(other, 8) > at);
  inner.end();
  assert.equal(stagedOffset(x, 8), at, "the outer run's copy is still there");
  scope.end();
  assert.equal(a.top, top);
  assert.equal(stagedOffset(x, 8), -1, "no run, no staging");
});

Deno.test("staging: a data matrix read by a forward and a gradient product gives the JS results", () => {
  // 300×200 is staged whole; 700×410 (over 1 MB) is streamed by the first product and
  // kept as the run's copy for the second.
  for (const [r, c] of [[300, 200], [700, 410]]) lrCheck(r, c);
});

function lrCheck(r: number, cols: number) {
  const x = T.dmatrix("x"), w = T.dvector("w");
  const cost = T.sum(T.sigmoid(T.dot(x, w)));
  const saved = config.wasm;
  try {
    const fns = [true, false].map((on) => {
      config.wasm = on;
      return T.function([x, w], [cost, T.grad(cost, w)]);
    });
    const xv = randomMatrix(r, cols);
    const wv = new T.NDArray("float64", [cols], Float64Array.from({ length: cols }, () => rng() - 0.5));
    const top = arena().top;
    const [c1, g1] = fns[0](xv, wv) as T.NDArray[];
    const [c2, g2] = fns[1](xv, wv) as T.NDArray[];
    assert.equal(arena().top, top, "the run's staged copies are released");
    assert.ok(Math.abs(c1.item() - c2.item()) <= 1e-10 * Math.abs(c2.item()));
    for (let i = 0; i < cols; i++) {
      assert.ok(Math.abs(g1.data[i] - g2.data[i]) <= 1e-11, `${r}×${cols} at ${i}`);
    }
    // The input changes between calls: the next run sees the new values.
    xv.data.fill(0);
    const [c3] = fns[0](xv, wv) as T.NDArray[];
    assert.equal(c3.item(), r / 2); // sigmoid(0) per row
  } finally {
    config.wasm = saved;
  }
}

Deno.test("staging: a run that throws still releases its arena space", () => {
  const [a, b] = T.dmatrices("a", "b");
  const f = T.function([a, b], T.add(T.dot(a, b), T.dot(b, a)));
  assert.throws(() => f(randomMatrix(150, 120), randomMatrix(120, 100)), T.ShapeError);
  // No stack space is held (long-lived blocks, such as pooled intermediates, may remain).
  assert.equal(arena().top, arena().floor);
});

/** Compile with the BLAS engine off: the staging tested here is the wasm engine's. */
function withoutBlas<R>(compile: () => R): R {
  const saved = config.blas;
  config.blas = false;
  try {
    return compile();
  } finally {
    config.blas = saved;
  }
}

/**
 * The logistic-regression step on a data matrix in a shared variable; JS path when `wasm`
 * is false. The BLAS engine is off: staging is the wasm engine's (BLAS reads in place).
 */
function sharedStep(wasm: boolean, data: T.NDArray) {
  const saved = config.wasm, savedBlas = config.blas;
  config.wasm = wasm;
  config.blas = false;
  try {
    const x = T.shared(data, { name: "x" });
    const w = T.shared(new Float64Array(data.shape[1]).fill(0.01), { name: "w" });
    const p = T.sigmoid(T.dot(x, w));
    const cost = T.mean(T.sqr(p));
    const [gw] = T.grad(cost, [w]);
    const f = T.function([], [cost, T.dot(x, gw)], { updates: [[w, T.sub(w, T.mul(0.5, gw))]] });
    return { x, w, f };
  } finally {
    config.wasm = saved;
    config.blas = savedBlas;
  }
}

Deno.test("staging: a shared data matrix is kept in the arena between calls; setValue, borrow and updates keep the JS results", () => {
  const data = randomMatrix(300, 200);
  const fast = sharedStep(true, data), ref = sharedStep(false, data);
  const made = mirrorStats.made;
  const close = (got: T.NDArray, want: T.NDArray, what: string) => {
    const r = want.data as Float64Array;
    (got.data as Float64Array).forEach((e, j) =>
      assert.ok(Math.abs(e - r[j]) <= 1e-12 * (1 + Math.abs(r[j])), `${what}[${j}]: ${e} vs ${r[j]}`)
    );
  };
  const both = () => {
    const [a, b] = [fast.f() as T.NDArray[], ref.f() as T.NDArray[]];
    a.forEach((v, i) => close(v, b[i], `output ${i}`));
    close(fast.w.getValue(), ref.w.getValue(), "w");
  };
  for (let i = 0; i < 3; i++) both();
  assert.equal(mirrorStats.made, made + 1, "the data matrix (not the updated w) is mirrored");
  assert.ok(fast.x.storage.resident?.hostCurrent, "the mirror is a read-only copy of the host value");
  assert.deepEqual(fast.x.getValue().data, data.data, "getValue() returns the value");
  assert.ok(fast.x.storage.resident, "and keeps the mirror");
  // setValue replaces the value: the mirror goes, the next calls see the new data.
  const next = randomMatrix(300, 200);
  const dropped = mirrorStats.dropped;
  fast.x.setValue(next);
  ref.x.setValue(next);
  assert.equal(mirrorStats.dropped, dropped + 1);
  for (let i = 0; i < 3; i++) both();
  assert.equal(mirrorStats.made, made + 2, "the new value is mirrored in turn");
  // A borrowed value may be changed in place: the change is seen, and it is never mirrored again.
  const mine = fast.x.getValue({ borrow: true }), theirs = ref.x.getValue({ borrow: true });
  assert.equal(fast.x.storage.resident, undefined);
  mine.data[7] = theirs.data[7] = 3;
  for (let i = 0; i < 3; i++) both();
  assert.equal(mirrorStats.made, made + 2);
});

Deno.test("staging: a call that fails leaves a mirrored shared variable and its value unchanged", () => {
  const data = randomMatrix(300, 200);
  const x = T.shared(data, { name: "x" });
  const v = T.dvector("v");
  const f = withoutBlas(() => T.function([v], T.sum(T.dot(x, v))));
  const ok = new Float64Array(200).fill(1);
  for (let i = 0; i < 3; i++) f(ok);
  assert.ok(x.storage.resident);
  assert.throws(() => f(new Float64Array(7)), T.ShapeError);
  assert.ok(x.storage.resident);
  assert.deepEqual(x.getValue().data, data.data);
  const want = (data.data as Float64Array).reduce((s, e) => s + e, 0);
  assert.ok(Math.abs((f(ok) as T.NDArray).item() - want) < 1e-9);
});
