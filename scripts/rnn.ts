/**
 * A small recurrent network trained with `scan` and `grad` (back-propagation through
 * time): it learns to predict the next value of noisy sine waves.
 *
 *   h_t = tanh(W_x x_t + W_h h_{t-1} + b),   y_t = v · h_t + c
 *
 * Run: `deno run scripts/rnn.ts [--epochs 200] [--hidden 16] [--seed 3]`
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { Progress } from "../progress/mod.ts";
import { usage } from "./lib/usage.ts";

const HELP = `${usage("scripts/rnn.ts", "[options]")}

  --epochs N   training steps (default 200)
  --hidden H   hidden units (default 16)
  --seed S     seed of the data and initial weights (default 3)
  --every N    print the loss every N steps (default epochs / 10)
  -h, --help   this text`;

const { values } = parseArgs({
  options: {
    epochs: { type: "string", default: "200" },
    hidden: { type: "string", default: "16" },
    seed: { type: "string", default: "3" },
    every: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) console.log(HELP);
else main(Number(values.epochs), Number(values.hidden), Number(values.seed), values.every);

function main(epochs: number, H: number, seed: number, everyArg?: string) {
  const every = everyArg ? Number(everyArg) : Math.max(1, Math.floor(epochs / 10));
  const rand = T.seededRandom(seed);
  const steps = 40;
  // One training sequence: a sine with random phase and a little noise; target = next value.
  const phase = rand() * 2 * Math.PI;
  const wave = Array.from({ length: steps + 1 }, (_, t) => Math.sin(phase + 0.3 * t) + 0.05 * (rand() - 0.5));
  const xs = T.asarray(wave.slice(0, steps).map((v) => [v]));
  const ys = T.asarray(wave.slice(1));

  const init = (rows: number, cols: number, scale: number) =>
    T.asarray(Float64Array.from({ length: rows * cols }, () => (rand() * 2 - 1) * scale), {
      shape: cols === 1 ? [rows] : [rows, cols],
    });
  const Wx = T.shared(init(1, H, 0.5), { name: "Wx" });
  const Wh = T.shared(init(H, H, 1 / Math.sqrt(H)), { name: "Wh" });
  const b = T.shared(new Float64Array(H), { name: "b" });
  const v = T.shared(init(H, 1, 0.5), { name: "v" });
  const c = T.shared(0, { name: "c", dtype: "float64" });
  const params = [Wx, Wh, b, v, c];

  const x = T.dmatrix("x"), y = T.dvector("y");
  const [hs] = T.scan({
    fn: (xt: T.Variable, hPrev: T.Variable) => T.tanh(T.add(T.add(T.dot(xt, Wx), T.dot(hPrev, Wh)), b)),
    sequences: x,
    outputsInfo: T.zeros([H], "float64"),
  });
  const predictions = T.add(T.dot(hs as T.Variable, v), c);
  const loss = T.mean(T.sqr(T.sub(predictions, y)));
  const grads = T.grad(loss, params);
  const lr = 0.05;
  const t0 = performance.now();
  const train = T.function([x, y], loss, {
    updates: params.map((p, i) => [p, T.sub(p, T.mul(lr, grads[i]))] as [T.SharedVariable, T.Variable]),
  });
  console.log(`compiled in ${(performance.now() - t0).toFixed(1)} ms`);
  const t1 = performance.now();
  let last = NaN;
  const bar = new Progress(epochs, { label: "training" }); // on stderr: a bar on a terminal, else lines
  for (let e = 1; e <= epochs; e++) {
    last = train(xs, ys).item();
    bar.update(e);
    if (e === 1 || e % every === 0) bar.log(`step ${String(e).padStart(5)}  loss ${last.toFixed(6)}`);
  }
  bar.finish();
  const seconds = (performance.now() - t1) / 1000;
  console.log(
    `${epochs} steps of ${steps}-step BPTT in ${seconds.toFixed(2)} s; final loss ${last.toFixed(6)}`,
  );
}
