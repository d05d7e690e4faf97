/**
 * scanCheckpoints against scan: the gradient of an RNN's last state, `h_t = tanh(W h_{t-1} + x_t)`,
 * ms per call (best, p25, median of interleaved rounds) and the state rows the CPU scan
 * runner kept (largest single history, rows made in all), float64.
 *
 *   deno run --allow-read --allow-env bench/scan_checkpoints.ts [--steps 1000] [--dim 64] [--every 32]
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { scanStats } from "../backends/cpu/scan_runner.ts";
import { markdownTable, randomArray, timeAll } from "./common.ts";

const { values: opts } = parseArgs({
  options: {
    steps: { type: "string", default: "1000" },
    dim: { type: "string", default: "64" },
    every: { type: "string", default: "32" },
    rounds: { type: "string", default: "15" },
  },
});
const n = Number(opts.steps), d = Number(opts.dim), N = Number(opts.every);
const fn = (xt: T.Variable, h: T.Variable, w: T.Variable) => T.tanh(T.add(T.dot(w, h), xt));
const build = (checkpoints: boolean) => {
  const x = T.dmatrix("x"), h0 = T.dvector("h0"), W = T.dmatrix("W");
  const [hs] = checkpoints
    ? T.scanCheckpoints({ fn, sequences: x, outputsInfo: h0, nonSequences: W, saveEveryN: N })
    : T.scan({ fn, sequences: x, outputsInfo: h0, nonSequences: W });
  const cost = T.sum(T.get(hs as T.Variable, -1));
  return T.function([x, h0, W], T.grad(cost, [x, h0, W]));
};
const X = randomArray("float64", [n, d]), H0 = randomArray("float64", [d]);
const W = T.asarray(randomArray("float64", [d, d]).data.map((v) => v / (4 * d))).reshape([d, d]);
const fs = { scan: build(false), scanCheckpoints: build(true) };
const rowsOf = (f: (typeof fs)["scan"]) => {
  scanStats.largestHistory = scanStats.historyRows = 0;
  const out = f(X, H0, W);
  return { out, largest: scanStats.largestHistory, total: scanStats.historyRows };
};
const a = rowsOf(fs.scan), b = rowsOf(fs.scanCheckpoints);
a.out.forEach((g, i) => T.testing.assertAllClose(b.out[i], g, { rtol: 1e-10, atol: 1e-12 }));
const t = timeAll({ scan: () => fs.scan(X, H0, W), scanCheckpoints: () => fs.scanCheckpoints(X, H0, W) }, {
  rounds: Number(opts.rounds),
  warmup: 2,
});
const cell = (k: "scan" | "scanCheckpoints") =>
  `${t[k].best.toFixed(1)} / ${t[k].p25.toFixed(1)} / ${t[k].median.toFixed(1)}`;
console.log(`n = ${n} steps, state of ${d}, saveEveryN = ${N}`);
console.log(markdownTable(["gradient of h_n", "ms per call", "largest history (rows)", "rows made"], [
  ["scan", cell("scan"), String(a.largest), String(a.total)],
  ["scanCheckpoints", cell("scanCheckpoints"), String(b.largest), String(b.total)],
]));
