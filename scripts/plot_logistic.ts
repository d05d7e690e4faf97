/**
 * The logistic function of Theano's tutorial, s(x) = 1 / (1 + exp(-x)), and its
 * derivative computed by `grad`, drawn on one chart (PNG, and SVG beside it). The
 * derivative of a elementwise function at every grid point at once is the gradient of
 * the sum of its values: d/dx_i Σ_j s(x_j) = s'(x_i). The script checks it against the
 * closed form s(x)(1 - s(x)) and prints the largest difference.
 *
 *   deno run --allow-read --allow-write --allow-env --allow-ffi --allow-sys scripts/plot_logistic.ts --out logistic.png
 *   bun scripts/plot_logistic.ts --out logistic.png
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import * as T from "../mod.ts";
import { usage } from "./lib/usage.ts";

/** Deno's permissions for drawing: resvg is a native addon (ffi; sys for its CPU probe). */
const PLOT_FLAGS = ["--allow-read", "--allow-write", "--allow-env", "--allow-ffi", "--allow-sys"];

const HELP = `${usage("scripts/plot_logistic.ts", "[options]", PLOT_FLAGS)}

Draws s(x) = 1 / (1 + exp(-x)) and its derivative from T.grad.

  --out FILE    PNG to write (default logistic.png); the SVG goes beside it (logistic.svg);
                a name ending in .svg writes the SVG only
  --from A      left end of the x range (default -6)
  --to B        right end of the x range (default 6)
  --points N    grid points (default 241)
  -h, --help    this text`;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    out: { type: "string", default: "logistic.png" },
    from: { type: "string", default: "-6" },
    to: { type: "string", default: "6" },
    points: { type: "string", default: "241" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) console.log(HELP);
else {
  const from = Number(values.from), to = Number(values.to), n = Number(values.points);
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(from < to) || !Number.isInteger(n) || n < 2) {
    console.error(`need finite --from < --to and an integer --points >= 2\n\n${HELP}`);
    process.exit(2);
  }
  await main(values.out, from, to, n);
}

async function main(out: string, from: number, to: number, n: number) {
  const x = T.dvector("x");
  const s = T.div(1, T.add(1, T.exp(T.neg(x))));
  const ds = T.grad(T.sum(s), x); // elementwise derivative: the Jacobian of s is diagonal
  const f = T.function([x], [s, ds]);

  const grid = Float64Array.from({ length: n }, (_, i) => from + (to - from) * i / (n - 1));
  const [sv, dsv] = f(grid).map((v) => v.data as Float64Array);
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(dsv[i] - sv[i] * (1 - sv[i])));
  console.log(
    `s'(x) from grad at ${n} points; largest difference from s(x)(1 - s(x)): ${worst.toExponential(2)}`,
  );

  const { lineChartSpec, saveChart } = await import("../plot/mod.ts");
  const spec = lineChartSpec(
    [{ name: "s(x) = 1 / (1 + exp(-x))", x: grid, y: sv }, { name: "s'(x) from T.grad", x: grid, y: dsv }],
    { title: "The logistic function and its derivative", xTitle: "x", yTitle: "s(x), s'(x)" },
  );
  let written;
  try {
    written = await saveChart(spec, out);
  } catch (e) {
    console.error(`plot_logistic: ${(e as Error).message}`); // a missing permission or package: no stack trace
    process.exit(1);
  }
  console.log(`wrote ${[written.png, written.svg].filter(Boolean).join(" and ")}`);
}
