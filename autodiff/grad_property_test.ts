/**
 * Property test: random scalar expressions, differentiated by `grad`, against
 * mathjs's symbolic `derivative` (code no one here wrote) and finite differences.
 */
import assert from "node:assert/strict";
import { derivative, evaluate } from "mathjs";
import * as T from "../mod.ts";

type Expr = { math: string; build: (x: T.Variable, y: T.Variable) => T.Variable };

/** Random expression trees whose every subexpression stays finite for |x|, |y| <= 2. */
function randomExpr(rng: () => number, depth: number): Expr {
  const pick = <V>(xs: V[]) => xs[Math.floor(rng() * xs.length)];
  if (depth === 0 || rng() < 0.2) {
    const c = Math.round((rng() * 4 - 2) * 100) / 100;
    return pick<Expr>([
      { math: "x", build: (x) => x },
      { math: "y", build: (_x, y) => y },
      { math: `(${c})`, build: () => T.constant(c, { dtype: "float64" }) },
    ]);
  }
  const a = randomExpr(rng, depth - 1), b = randomExpr(rng, depth - 1);
  return pick<Expr>([
    { math: `(${a.math} + ${b.math})`, build: (x, y) => T.add(a.build(x, y), b.build(x, y)) },
    { math: `(${a.math} - ${b.math})`, build: (x, y) => T.sub(a.build(x, y), b.build(x, y)) },
    { math: `(${a.math} * ${b.math})`, build: (x, y) => T.mul(a.build(x, y), b.build(x, y)) },
    // Division by something bounded away from zero.
    {
      math: `(${a.math} / (1.5 + (${b.math})^2))`,
      build: (x, y) => T.div(a.build(x, y), T.add(1.5, T.sqr(b.build(x, y)))),
    },
    { math: `sin(${a.math})`, build: (x, y) => T.sin(a.build(x, y)) },
    { math: `cos(${a.math})`, build: (x, y) => T.cos(a.build(x, y)) },
    { math: `tanh(${a.math})`, build: (x, y) => T.tanh(a.build(x, y)) },
    { math: `exp(tanh(${a.math}))`, build: (x, y) => T.exp(T.tanh(a.build(x, y))) },
    { math: `log(1 + (${a.math})^2)`, build: (x, y) => T.log(T.add(1, T.pow(a.build(x, y), 2))) },
    { math: `sqrt(2 + sin(${a.math}))`, build: (x, y) => T.sqrt(T.add(2, T.sin(a.build(x, y)))) },
    { math: `(${a.math})^3`, build: (x, y) => T.pow(a.build(x, y), 3) },
  ]);
}

Deno.test("grad() agrees with mathjs.derivative and finite differences on 300 random expressions", () => {
  const rng = T.seededRandom(2024);
  const [x, y] = T.dscalars("x", "y");
  for (let k = 0; k < 300; k++) {
    const e = randomExpr(rng, 1 + Math.floor(rng() * 4));
    const cost = e.build(x, y);
    const [gx, gy] = T.grad(cost, [x, y], { disconnectedInputs: "ignore" });
    const f = T.function([x, y], [cost, gx, gy]);
    const dx = derivative(e.math, "x"), dy = derivative(e.math, "y");
    for (let p = 0; p < 3; p++) {
      const scope = { x: rng() * 4 - 2, y: rng() * 4 - 2 };
      const [value, ax, ay] = f(scope.x, scope.y).map((v) => v.item());
      const where = `${e.math} at x=${scope.x}, y=${scope.y}`;
      assert.ok(
        Math.abs(value - evaluate(e.math, scope)) <= 1e-9 * (1 + Math.abs(value)),
        `value of ${where}`,
      );
      const mx = dx.evaluate(scope) as number, my = dy.evaluate(scope) as number;
      assert.ok(Math.abs(ax - mx) <= 1e-8 * (1 + Math.abs(mx)), `d/dx of ${where}: ${ax} vs mathjs ${mx}`);
      assert.ok(Math.abs(ay - my) <= 1e-8 * (1 + Math.abs(my)), `d/dy of ${where}: ${ay} vs mathjs ${my}`);
      const h = 1e-6;
      const fd = (f(scope.x + h, scope.y)[0].item() - f(scope.x - h, scope.y)[0].item()) / (2 * h);
      assert.ok(
        Math.abs(ax - fd) <= 1e-5 * (1 + Math.abs(fd)),
        `finite differences of ${where}: ${ax} vs ${fd}`,
      );
    }
  }
});
