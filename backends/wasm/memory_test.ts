import assert from "node:assert/strict";
import { Arena, arena } from "./memory.ts";

Deno.test("Arena: aligned stack allocation, mark and release", () => {
  const a = new Arena({ initialPages: 1, maximumPages: 16 });
  const m = a.mark();
  const x = a.alloc(10), y = a.alloc(100);
  assert.equal(x % 64, 0);
  assert.equal(y % 64, 0);
  assert.ok(y >= x + 10);
  a.f64(y, 2).set([1.5, -2]);
  assert.deepEqual([...a.f64(y, 2)], [1.5, -2]);
  a.release(m);
  assert.equal(a.top, m);
  assert.equal(a.alloc(10), x, "released space is reused");
});

Deno.test("Arena: grows on demand, keeps shared views valid, and refuses past its maximum", () => {
  for (const shared of [true, false]) {
    const a = new Arena({ shared, initialPages: 1, maximumPages: 8 });
    const first = a.alloc(16);
    a.f32(first, 4).set([1, 2, 3, 4]);
    const view = a.f32(first, 4);
    const big = a.alloc(3 * 65536);
    assert.ok(big > 0 && a.buffer.byteLength >= big + 3 * 65536);
    assert.deepEqual([...a.f32(first, 4)], [1, 2, 3, 4], "contents survive growth");
    if (shared) assert.equal(view[3], 4, "a shared memory's old views stay valid");
    else assert.equal(view.length, 0, "a plain memory detaches old views (callers re-make them)");
    assert.equal(a.alloc(8 * 65536), -1, "beyond the maximum: -1, nothing thrown");
    assert.ok(a.alloc(64) > 0, "and the arena still works");
  }
});

Deno.test("arena(): one process-wide memory, shared where SharedArrayBuffer exists", () => {
  assert.equal(arena(), arena());
  assert.equal(arena().shared, typeof SharedArrayBuffer !== "undefined");
  assert.equal(arena().memory.buffer, arena().buffer);
});

Deno.test("Arena: long-lived blocks sit below the stack, are reused when freed, and the floor falls back", () => {
  const a = new Arena({ initialPages: 1, maximumPages: 16 });
  const base = a.floor;
  const p = a.persist(1000), q = a.persist(3000);
  assert.ok(p >= base && q >= p + 1000 && a.floor >= q + 3000);
  assert.equal(a.top, a.floor, "the stack starts above them");
  const m = a.mark(), s = a.alloc(10);
  assert.ok(s >= a.floor);
  assert.equal(a.persist(64), -1, "not while stack space is in use");
  a.release(m);
  a.release(0);
  assert.equal(a.top, a.floor, "a release never goes below the floor");
  a.unpersist(p, 1000);
  assert.equal(a.persist(500), p, "a freed block is reused (first fit)");
  a.unpersist(p, 500);
  a.unpersist(q, 3000);
  assert.equal(a.floor, base, "freeing the top blocks lowers the floor over the merged hole");
  assert.equal(a.top, base);
});

Deno.test("Arena write/read copy short and long spans, converting between float32 and float64", () => {
  const a = new Arena({ initialPages: 1, maximumPages: 8 });
  for (const n of [3, 96, 97, 1000]) {
    const mark = a.mark(), at = a.alloc(n * 8);
    const src = Float32Array.from({ length: n + 2 }, (_, i) => i + 0.5);
    a.write(src, 1, n, at, 8); // float32 in, float64 stored
    assert.deepEqual([...a.f64(at, n)], [...src.subarray(1, n + 1)]);
    const back = new Float64Array(n + 1);
    a.read(at, n, 8, back, 1);
    assert.deepEqual([...back.subarray(1)], [...src.subarray(1, n + 1)]);
    const f32 = new Float32Array(n);
    a.write(Float64Array.from({ length: n }, (_, i) => 1 / 3 + i), 0, n, at, 4); // rounded to float32
    a.read(at, n, 4, f32, 0);
    assert.equal(f32[n - 1], Math.fround(1 / 3 + n - 1));
    a.release(mark);
  }
});
