import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { config } from "../../core/config.ts";
import { seededRandom } from "../../compile/verify_grad.ts";
import { arena } from "./memory.ts";
import { beginRun, stagedOffset } from "./staging.ts";

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
  const top = arena().top;
  assert.throws(() => f(randomMatrix(150, 120), randomMatrix(120, 100)), T.ShapeError);
  assert.equal(arena().top, top);
});
