/**
 * Monte Carlo with random variables inside a compiled graph: estimates π (uniform points
 * in the unit square), ∫₀¹ exp(-x²) dx (uniform draws) and E[cos Z] = e^(-1/2) for a
 * standard normal Z (normal draws), each with its standard error, reproducibly from a
 * seed. The random state advances by itself between calls of the compiled step.
 *
 *   deno run scripts/monte_carlo.ts --seed 42 --samples 20000000
 *   bun scripts/monte_carlo.ts --help
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import * as T from "../mod.ts";
import { Progress } from "../progress/mod.ts";
import { usage } from "./lib/usage.ts";

const HELP = `Monte Carlo estimates with Hypatia's random streams.

${usage("scripts/monte_carlo.ts", "[options]")}
  --seed N        seed of the random streams (default 1234)
  --samples N     draws per estimate (default 10000000)
  --batch N       draws per compiled call (default 1000000)
  --generator G   mrg (MRG31k3p, default) or numpy (NumPy-backed RandomStreams)
  --dtype D       float64 (default) or float32
  -h, --help      show this help`;

/** Parse and check the command line; prints help and exits on --help. */
function options() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      seed: { type: "string", default: "1234" },
      samples: { type: "string", default: "10000000" },
      batch: { type: "string", default: "1000000" },
      generator: { type: "string", default: "mrg" },
      dtype: { type: "string", default: "float64" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      console.error(`--${name} must be an integer >= ${min}, got ${v}\n\n${HELP}`);
      process.exit(2);
    }
    return n;
  };
  const generator = values.generator, dtype = values.dtype;
  if (generator !== "mrg" && generator !== "numpy") {
    console.error(`--generator must be mrg or numpy, got ${generator}`);
    process.exit(2);
  }
  if (dtype !== "float64" && dtype !== "float32") {
    console.error(`--dtype must be float64 or float32, got ${dtype}`);
    process.exit(2);
  }
  const samples = int("samples", values.samples, 1);
  return {
    seed: int("seed", values.seed, 1),
    samples,
    batch: Math.min(int("batch", values.batch, 1), samples),
    generator,
    dtype,
  } as const;
}

function main() {
  const opt = options();
  const srng = opt.generator === "mrg" ? new T.MRGRandomStreams(opt.seed) : new T.RandomStreams(opt.seed);
  const n = T.lscalar("n");
  // One compiled step: per-batch sums of the three integrands and of their squares.
  const xy = srng.uniform([2, n], { dtype: opt.dtype });
  const x = xy.get(0), y = xy.get(1);
  const inside = T.le(T.add(T.sqr(x), T.sqr(y)), 1).astype("float64").mul(4);
  const gauss = T.exp(T.neg(T.sqr(x))).astype("float64");
  const cosz = T.cos(srng.normal([n], { dtype: opt.dtype })).astype("float64");
  const terms = [inside, gauss, cosz];
  const step = T.function([n], [...terms.map((t) => t.sum()), ...terms.map((t) => T.sqr(t).sum())]);

  const sums = [0, 0, 0], squares = [0, 0, 0];
  // On stderr: a bar with rate and ETA on a terminal, a line every 10% otherwise.
  const bar = new Progress(opt.samples, { label: "sampling", unit: "draws" });
  let done = 0;
  while (done < opt.samples) {
    const k = Math.min(opt.batch, opt.samples - done);
    const out = step(k).map((v) => v.item());
    for (let j = 0; j < 3; j++) sums[j] += out[j], squares[j] += out[3 + j];
    done += k;
    bar.update(done);
  }
  bar.finish();
  const exact = [Math.PI, 0.746824132812427, Math.exp(-0.5)];
  const names = [
    "π (uniform points in the unit square)",
    "∫₀¹ exp(-x²) dx (uniform draws)",
    "E[cos Z], Z ~ N(0, 1)",
  ];
  console.log(
    `seed ${opt.seed}, ${opt.generator} streams, ${opt.dtype}, ${
      opt.samples.toLocaleString("en")
    } draws each`,
  );
  for (let j = 0; j < 3; j++) {
    const mean = sums[j] / opt.samples;
    const se = Math.sqrt(Math.max(0, squares[j] / opt.samples - mean * mean) / opt.samples);
    console.log(
      `${names[j].padEnd(40)} ${mean.toFixed(6)} ± ${se.toFixed(6)}   (exact ${exact[j].toFixed(6)}, ` +
        `off by ${(Math.abs(mean - exact[j]) / se).toFixed(1)} standard errors)`,
    );
  }
}

main();
