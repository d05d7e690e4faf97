import assert from "node:assert/strict";
import { expr } from "./expr.ts";
import * as T from "./mod.ts";

Deno.test("expr`` builds the same graph as the free functions", () => {
  const x = T.dmatrix("x");
  const a = T.function([x], expr`1 / (1 + exp(-${x}))`);
  const b = T.function([x], T.div(1, T.add(1, T.exp(T.neg(x)))));
  const v = [[0, 1], [-1, -2]];
  T.testing.assertAllClose(a(v), b(v));
  assert.equal(T.pp(a), T.pp(b));
});

Deno.test("expr`` handles powers, functions, comparisons and conditionals", () => {
  const [x, y] = T.dvectors("x", "y");
  const f = T.function([x, y], expr`${x}^2 + max(${x}, ${y}) * sqrt(${y}) + (${x} > 1 ? 10 : 0)`);
  const out = f([1, 2], [4, 9]);
  assert.deepEqual(out.toArray(), [1 + 4 * 2, 4 + 9 * 3 + 10]);
});

Deno.test("expr`` reports unknown names and functions", () => {
  const x = T.dvector("x");
  assert.throws(
    () => expr`${x} + z`,
    (e: Error) => e instanceof T.InputError && /unknown name "z"/.test(e.message),
  );
  assert.throws(
    () => expr`gamma(${x})`,
    (e: Error) => e instanceof T.InputError && /unknown function "gamma"/.test(e.message),
  );
  assert.throws(() => expr`${x} +`, T.InputError);
});
