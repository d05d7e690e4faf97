import assert from "node:assert/strict";
import { resolveIndex, resolveSlice } from "./subtensor_kernel.ts";
import * as T from "../mod.ts";

// Every combination of these bounds and steps, in this order (start, then stop, then step).
const B = [null, -7, -5, -2, -1, 0, 1, 3, 5, 7];
const S = [null, -3, -2, -1, 1, 2, 3];
// The indices NumPy/Python select, one case per "|", made with (python3, numpy 2.4):
// for a in B: for b in B: for c in S: ".".join(map(str, range(n)[a:b:c]))
const EXPECTED: Record<number, string> = {
  5: "0.1.2.3.4|4.1|4.2.0|4.3.2.1.0|0.1.2.3.4|0.2.4|0.3||4.1|4.2.0|4.3.2.1.0|||||4.1|4.2|4.3.2.1||||0.1.2|4|4|4|0.1.2|0.2|0|0.1.2.3||||0.1.2.3|0.2|0.3||4.1|4.2|4.3.2.1||||0|4|4.2|4.3.2|0|0|0|0.1.2|4|4|4|0.1.2|0.2|0|0.1.2.3.4||||0.1.2.3.4|0.2.4|0.3|0.1.2.3.4||||0.1.2.3.4|0.2.4|0.3|0.1.2.3.4||||0.1.2.3.4|0.2.4|0.3|||||||||||||||0.1.2||||0.1.2|0.2|0|0.1.2.3||||0.1.2.3|0.2|0.3||||||||0||||0|0|0|0.1.2||||0.1.2|0.2|0|0.1.2.3.4||||0.1.2.3.4|0.2.4|0.3|0.1.2.3.4||||0.1.2.3.4|0.2.4|0.3|0.1.2.3.4|0|0|0|0.1.2.3.4|0.2.4|0.3||0|0|0|||||||||||0.1.2||||0.1.2|0.2|0|0.1.2.3||||0.1.2.3|0.2|0.3||||||||0||||0|0|0|0.1.2||||0.1.2|0.2|0|0.1.2.3.4||||0.1.2.3.4|0.2.4|0.3|0.1.2.3.4||||0.1.2.3.4|0.2.4|0.3|3.4|3.0|3.1|3.2.1.0|3.4|3|3||3.0|3.1|3.2.1.0|||||3|3.1|3.2.1|||||||||||3||||3|3|3||3|3.1|3.2.1|||||3|3|3.2|||||||||||3.4||||3.4|3|3|3.4||||3.4|3|3|4|4.1|4.2.0|4.3.2.1.0|4|4|4||4.1|4.2.0|4.3.2.1.0|||||4.1|4.2|4.3.2.1|||||4|4|4||||||||||||4.1|4.2|4.3.2.1|||||4|4.2|4.3.2|||||4|4|4||||4||||4|4|4|4||||4|4|4|0.1.2.3.4|0|0|0|0.1.2.3.4|0.2.4|0.3||0|0|0|||||||||||0.1.2||||0.1.2|0.2|0|0.1.2.3||||0.1.2.3|0.2|0.3||||||||0||||0|0|0|0.1.2||||0.1.2|0.2|0|0.1.2.3.4||||0.1.2.3.4|0.2.4|0.3|0.1.2.3.4||||0.1.2.3.4|0.2.4|0.3|1.2.3.4|1|1|1.0|1.2.3.4|1.3|1.4||1|1|1.0|||||1|1|1||||1.2||||1.2|1|1|1.2.3||||1.2.3|1.3|1||1|1|1|||||||||||1.2||||1.2|1|1|1.2.3.4||||1.2.3.4|1.3|1.4|1.2.3.4||||1.2.3.4|1.3|1.4|3.4|3.0|3.1|3.2.1.0|3.4|3|3||3.0|3.1|3.2.1.0|||||3|3.1|3.2.1|||||||||||3||||3|3|3||3|3.1|3.2.1|||||3|3|3.2|||||||||||3.4||||3.4|3|3|3.4||||3.4|3|3||4.1|4.2.0|4.3.2.1.0|||||4.1|4.2.0|4.3.2.1.0|||||4.1|4.2|4.3.2.1|||||4|4|4||||||||||||4.1|4.2|4.3.2.1|||||4|4.2|4.3.2|||||4|4|4|||||||||||||||||||4.1|4.2.0|4.3.2.1.0|||||4.1|4.2.0|4.3.2.1.0|||||4.1|4.2|4.3.2.1|||||4|4|4||||||||||||4.1|4.2|4.3.2.1|||||4|4.2|4.3.2|||||4|4|4|||||||||||||||||",
  2: "0.1|1|1|1.0|0.1|0|0||1|1|1.0|||||1|1|1.0|||||1|1|1||||0||||0|0|0||1|1|1||||0||||0|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0||||||||||||||||||||||0||||0|0|0||||||||0||||0|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0||||||||||||||||||||||0||||0|0|0||||||||0||||0|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|0.1|0|0|0|0.1|0|0||0|0|0|||||0|0|0|||||||||||0||||0|0|0||||||||0||||0|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|1|1|1|1.0|1|1|1||1|1|1.0|||||1|1|1.0|||||1|1|1||||||||||||1|1|1|||||||||||1||||1|1|1|1||||1|1|1|1||||1|1|1|0.1|0|0|0|0.1|0|0||0|0|0|||||0|0|0|||||||||||0||||0|0|0||||||||0||||0|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|0.1||||0.1|0|0|1|1|1|1.0|1|1|1||1|1|1.0|||||1|1|1.0|||||1|1|1||||||||||||1|1|1|||||||||||1||||1|1|1|1||||1|1|1|1||||1|1|1||1|1|1.0|||||1|1|1.0|||||1|1|1.0|||||1|1|1||||||||||||1|1|1|||||||||||||||||||||||||||||||||1|1|1.0|||||1|1|1.0|||||1|1|1.0|||||1|1|1||||||||||||1|1|1|||||||||||||||||||||||||||||||||1|1|1.0|||||1|1|1.0|||||1|1|1.0|||||1|1|1||||||||||||1|1|1|||||||||||||||||||||||||||||||",
};

function cases(n: number): [number | null, number | null, number | null, number[]][] {
  const want = EXPECTED[n].split("|").map((s) => (s === "" ? [] : s.split(".").map(Number)));
  const out: [number | null, number | null, number | null, number[]][] = [];
  let k = 0;
  for (const a of B) for (const b of B) for (const c of S) out.push([a, b, c, want[k++]]);
  return out;
}

Deno.test("resolveSlice() selects what Python's slicing selects, for every bound/step combination", () => {
  for (const n of [5, 2]) {
    for (const [a, b, c, want] of cases(n)) {
      const r = resolveSlice(n, a, b, c);
      const got = Array.from({ length: r.len }, (_, i) => r.start + i * r.step);
      assert.deepEqual(got, want, `range(${n})[${a}:${b}:${c}]`);
    }
  }
});

Deno.test("resolveSlice() on an empty axis selects nothing", () => {
  for (const a of B) for (const b of B) for (const c of S) assert.equal(resolveSlice(0, a, b, c).len, 0);
});

Deno.test("resolveIndex() wraps negative indices and rejects out-of-range ones", () => {
  assert.equal(resolveIndex(-1, 4), 3);
  assert.equal(resolveIndex(-4, 4), 0);
  assert.equal(resolveIndex(3, 4), 3);
  assert.equal(resolveIndex(4, 4), undefined);
  assert.equal(resolveIndex(-5, 4), undefined);
  assert.equal(resolveIndex(0, 0), undefined);
});

Deno.test("slice() with symbolic bounds agrees with Python's slicing in every case", () => {
  const x = T.lvector("x");
  const value = [10, 11, 12, 13, 14];
  // One function per pattern of which bounds are null; the others are symbolic int32 scalars.
  const fns = new Map<string, (a: number, b: number, c: number) => number[]>();
  const fnFor = (a: number | null, b: number | null, c: number | null) => {
    const key = [a, b, c].map((q) => (q === null ? "n" : "s")).join("");
    let f = fns.get(key);
    if (!f) {
      const [sa, sb, sc] = T.iscalars("a", "b", "c");
      const bound = (q: number | null, s: T.Variable) => (q === null ? null : s);
      const g = T.function(
        [x, sa, sb, sc],
        x.slice([bound(a, sa), bound(b, sb), bound(c, sc)]),
        { onUnusedInput: "ignore" },
      );
      f = (p, q, r) => Array.from(g(value, p, q, r).data);
      fns.set(key, f);
    }
    return f;
  };
  for (const [a, b, c, want] of cases(5)) {
    const got = fnFor(a, b, c)(a ?? 0, b ?? 0, c ?? 0);
    assert.deepEqual(got, want.map((i) => value[i]), `x[${a}:${b}:${c}]`);
  }
});

Deno.test("slice() with constant bounds knows the length NumPy gives, on a known length", () => {
  const x = new T.TensorType("float64", [5]).make("x");
  const u = T.dvector("u");
  for (const [a, b, c, want] of cases(5)) {
    if (c === 0) continue;
    assert.equal(x.slice([a, b, c]).staticShape[0], want.length, `x[${a}:${b}:${c}]`);
    const unknown = u.slice([a, b, c]).staticShape[0];
    assert.ok(unknown === null || (a === null && b === null && (c === null || c === 1)), `u[${a}:${b}:${c}]`);
  }
});
