/**
 * The classic Theano tutorial: logistic regression on 400 random examples of 784
 * features, trained by gradient descent on shared weights with updates. Prints the
 * cost falling and the final accuracy.
 *
 * Run: `deno run scripts/logistic_regression.ts [--steps 10000] [--seed 1]`; with `--plot cost.png`
 * it also draws the cost at every step (PNG and SVG, through plot/mod.ts; under Deno that
 * needs `--allow-read --allow-write --allow-env --allow-ffi --allow-sys`).
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { Progress } from "../progress/mod.ts";
import { usage } from "./lib/usage.ts";

const HELP = `${usage("scripts/logistic_regression.ts", "[options]")}

  --steps N   training steps (default 1000)
  --seed S    seed of the data and the initial weights (default 1)
  --every N   print the cost every N steps (default steps / 10)
  --plot FILE draw the cost at every step to FILE (PNG, with the SVG beside it)
  -h, --help  this text`;

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "1000" },
    seed: { type: "string", default: "1" },
    every: { type: "string" },
    plot: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) console.log(HELP);
else {
  const costs = main(
    Number(values.steps),
    Number(values.seed),
    values.every ? Number(values.every) : undefined,
  );
  if (values.plot) await plotCosts(costs, values.plot);
}

/** Draw the cost at every step (plot/ is loaded only when a plot is asked for). */
async function plotCosts(costs: Float64Array, path: string) {
  const { lineChartSpec, saveChart } = await import("../plot/mod.ts");
  const steps = Float64Array.from(costs, (_, i) => i + 1);
  const spec = lineChartSpec([{ name: "cost", x: steps, y: costs }], {
    title: "Logistic regression: training cost",
    xTitle: "step",
    yTitle: "cost (cross-entropy + L2)",
    yScale: "log",
  });
  const written = await saveChart(spec, path);
  console.log(`cost plot written to ${[written.png, written.svg].filter(Boolean).join(" and ")}`);
}

/** Standard normal draws from a seeded uniform source (Box–Muller). */
function normals(n: number, rand: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rand())), t = 2 * Math.PI * rand();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

function main(steps: number, seed: number, every = Math.max(1, Math.floor(steps / 10))): Float64Array {
  const N = 400, feats = 784;
  const rand = T.seededRandom(seed);
  const data = T.asarray(normals(N * feats, rand), { shape: [N, feats] });
  const labels = T.asarray(Float64Array.from({ length: N }, () => (rand() < 0.5 ? 0 : 1)));

  const x = T.dmatrix("x"), y = T.dvector("y");
  const w = T.shared(normals(feats, rand), { name: "w" });
  const b = T.shared(0, { name: "b", dtype: "float64" });

  const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(x, w)), b)))); // P(y = 1)
  const prediction = T.gt(p1, 0.5);
  const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
  const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
  const [gw, gb] = T.grad(cost, [w, b]);

  const t0 = performance.now();
  const train = T.function([x, y], [prediction, cost], {
    updates: [[w, T.sub(w, T.mul(0.1, gw))], [b, T.sub(b, T.mul(0.1, gb))]],
  });
  const predict = T.function([x], prediction);
  console.log(`compiled in ${(performance.now() - t0).toFixed(1)} ms`);

  const t1 = performance.now();
  const costs = new Float64Array(steps);
  const bar = new Progress(steps, { label: "training" }); // on stderr: a bar on a terminal, else lines
  for (let i = 1; i <= steps; i++) {
    const [, c] = train(data, labels);
    costs[i - 1] = c.item();
    bar.update(i);
    if (i % every === 0 || i === 1) bar.log(`step ${String(i).padStart(6)}  cost ${c.item().toFixed(6)}`);
  }
  bar.finish();
  const seconds = (performance.now() - t1) / 1000;
  const predicted = predict(data).data;
  let right = 0;
  for (let i = 0; i < N; i++) if (predicted[i] === labels.data[i]) right++;
  console.log(`${steps} steps in ${seconds.toFixed(2)} s (${(steps / seconds).toFixed(0)} steps/s)`);
  console.log(`accuracy on the training set: ${(100 * right / N).toFixed(1)}%`);
  return costs;
}
