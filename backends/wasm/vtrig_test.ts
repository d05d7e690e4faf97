import assert from "node:assert/strict";
import { seededRandom } from "../../compile/verify_grad.ts";
import { probe } from "./vmath.ts";
import { vsincos } from "./vtrig.ts";

const sin = probe("f64", (w, x) => void w.get(vsincos(w, x).sin));
const cos = probe("f64", (w, x) => void w.get(vsincos(w, x).cos));

/** Distance in float64 units in the last place (values of one sign, or both tiny). */
function ulps(a: number, b: number): number {
  const v = new Float64Array([a, b]), i = new BigInt64Array(v.buffer);
  return Math.abs(Number(i[0] - i[1]));
}

Deno.test("vsincos: within 1 ulp of Math.sin / Math.cos over (0, 2π] and beyond, quadrant signs right", () => {
  const rng = seededRandom(5);
  const xs: number[] = [1e-300, 1e-9, 0.5, Math.PI / 4, Math.PI / 2, Math.PI, 1.5 * Math.PI, 2 * Math.PI];
  for (let k = 1; k <= 8; k++) xs.push(Math.fround(k * Math.PI / 2), k * Math.PI / 2 + 1e-9);
  for (let i = 0; i < 200000; i++) xs.push(2 * Math.PI * rng(), -100 * rng(), 1e5 * rng());
  let worst = 0;
  for (const x of xs) {
    // Near a zero of sin or cos the relative distance is the measure: compare in ulps of 1 there.
    const e = Math.max(
      Math.min(ulps(sin(x), Math.sin(x)), Math.abs(sin(x) - Math.sin(x)) / 2 ** -53),
      Math.min(ulps(cos(x), Math.cos(x)), Math.abs(cos(x) - Math.cos(x)) / 2 ** -53),
    );
    worst = Math.max(worst, e);
    assert(e <= 1, `x = ${x}: sin ${sin(x)} vs ${Math.sin(x)}, cos ${cos(x)} vs ${Math.cos(x)}`);
  }
  assert(worst > 0, "some results differ in the last place (the comparison is not vacuous)");
});
