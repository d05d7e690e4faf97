/**
 * Issue 17's yardstick: Hypatia against NumPy on NumPy's own ground, timed in one run.
 *
 *   deno run --allow-read --allow-env --allow-ffi --allow-run=python3 bench/compare_numpy.ts [--quick] [--rounds N]
 *   bun bench/compare_numpy.ts [--quick] [--rounds N]
 *
 * NumPy runs in a long-lived `python3` child (bench/numpy_worker.py) that answers one
 * line per request, so both sides are timed in the same run, interleaved round by round
 * (the order alternates between rounds): a change of load on a shared machine hits both
 * alike. Each side times itself (performance.now / perf_counter around one unit of
 * work, allocation of the results included). The table gives Hypatia's time divided by
 * NumPy's, best against best and median against median (below 1: Hypatia is faster).
 *
 * Both sides run at their default settings: Hypatia's default config (the system's BLAS
 * where FFI is permitted, then the WebAssembly engine, `config.threads` = the core
 * count; the host engines in use and the BLAS opened are printed), NumPy over the BLAS
 * it ships with, with
 * `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` removed from its environment (and only
 * from its), so OpenBLAS picks its kernels itself. The data are passed as a new user
 * passes them: arrays in ordinary memory, handed to each call. Both sides make the same
 * numbers (exact integer arithmetic), and each workload's results are cross-checked.
 * For the matrix products, each side's timing waits `--pause` ms (default 200) after the
 * other side's: after a call,
 * OpenBLAS's idle threads spin for 2^28 cycles by default before they sleep, and on a
 * machine with few cores the spinning threads of one contestant took the core that the
 * other's next call needed (measured: Hypatia's 1024² matmul took twice as long right after
 * NumPy's, and NumPy's after Hypatia's). A program running alone never meets this; turning
 * the spinning off instead (OPENBLAS_THREAD_TIMEOUT) slows small BLAS calls, which then
 * wake sleeping threads.
 * `--without-blas` adds, for each workload, Hypatia compiled with `config.blas` false
 * (the engines after BLAS), timed in the same interleaved rounds: before and after the
 * BLAS engine in one run.
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { shutdownThreads } from "../backends/wasm/threads.ts";
import { hypatiaDot, hypatiaLogistic, markdownTable, rnnScan, summarize, withSetting } from "./common.ts";

const help = () =>
  `bench/compare_numpy.ts: Hypatia's time / NumPy's, measured in one run.

  deno run --allow-read --allow-env --allow-ffi --allow-run=python3 bench/compare_numpy.ts [options]
  bun bench/compare_numpy.ts [options]

Options:
  --quick          small sizes and 3 rounds (a smoke run of every workload, a few seconds)
  --rounds N       timed rounds per workload after the warm-up (default 15)
  --warmup MS      untimed interleaved rounds first, until MS milliseconds have passed and at least 3
                   rounds ran (default 1000; the JIT compiles a scan's step closures over tens of calls)
  --only a,b       run only these workloads (${Object.keys(WORKLOADS).join(", ")})
  --pause MS       for the matrix products, wait between the two sides' timings so the other's idle BLAS
                   threads stop spinning (default 200)
  --without-blas   also time Hypatia with config.blas off (the engines after BLAS), in the same rounds
  --python PATH    the Python with NumPy (default python3)
  --help           this text

Needs python3 with NumPy. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from the
Python child's environment only.`;

/** The same deterministic numbers as numpy_worker.py's `pseudo` (exact in float64). */
export function pseudo(n: number, k: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (((i * 7919 + k * 104729) % 10007) / 10007 - 0.5) * scale;
  return out;
}

/** An NDArray of `dtype` holding `pseudo` numbers. */
function array(dtype: "float32" | "float64", shape: number[], k: number, scale: number): T.NDArray {
  return T.asarray(pseudo(shape.reduce((a, b) => a * b, 1), k, scale), { dtype }).reshape(shape);
}

function sum(a: T.NDArray, f: (v: number) => number = (v) => v): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += f(a.data[i] as number);
  return s;
}

/** One workload: Hypatia's unit of work, its checksum, and NumPy's name and sizes for it. */
export interface Workload {
  label: string;
  /** The goal for the ratio, printed beside it (none for the shared-data form). */
  goal: string;
  params: Record<string, unknown>;
  run: () => unknown;
  checksum: () => number;
  /** How the checksums must agree: relative tolerance, or "mean" for different generators. */
  check: number | "mean";
  /** Units of work (steps) per run, to print per-unit times. */
  per?: number;
  /**
   * Whether each side waits `--pause` ms after the other's timing: the matrix products, where
   * both sides' BLAS threads spin after a call on the cores the other's threaded GEMM needs.
   */
  pause?: boolean;
}

/** The tutorial's logistic-regression step (400 × 784, float64), in two forms. */
function logreg(n: number, feats: number, steps: number, shared: boolean): Workload {
  const xv = array("float64", [n, feats], 4, 2), yv = T.asarray(pseudo(n, 5, 1).map((v) => (v > 0 ? 1 : 0)));
  const make = () => {
    const w = T.shared(array("float64", [feats], 6, 0.02), { name: "w" });
    const b = T.shared(0, { name: "b", dtype: "float64" });
    const x = shared ? T.shared(xv, { name: "x" }) : T.dmatrix("x");
    const y = shared ? T.shared(yv, { name: "y" }) : T.dvector("y");
    const p1 = T.div(1, T.add(1, T.exp(T.sub(T.neg(T.dot(x, w)), b))));
    const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
    const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.pow(w, 2))));
    const [gw, gb] = T.grad(cost, [w, b]);
    const train = T.function(shared ? [] : [x, y], [T.gt(p1, 0.5), xent], {
      updates: [[w, T.sub(w, T.mul(0.1, gw))], [b, T.sub(b, T.mul(0.1, gb))]],
    });
    const step = shared ? () => train() : () => train(xv, yv);
    return { step, w, b };
  };
  const { step } = make();
  return {
    label: `logistic-regression step ${n}×${feats} f64, data ${
      shared ? "in shared variables" : "passed each call"
    }`,
    goal: shared ? "" : "≤ 1.0",
    params: { n, feats, steps },
    run: () => {
      for (let i = 0; i < steps; i++) step();
    },
    checksum: () => {
      const fresh = make();
      for (let i = 0; i < 5; i++) fresh.step();
      return sum(fresh.w.getValue() as T.NDArray) + ((fresh.b.getValue() as T.NDArray).data[0] as number);
    },
    check: 1e-9,
    per: steps,
  };
}

/** h_t = tanh(W·h_{t-1} + x_t) through scan, and the gradient of sum(h) with respect to W. */
function rnn(n: number, steps: number, gradient: boolean): Workload {
  const Wv = array("float64", [n, n], 7, 2 / Math.sqrt(n));
  const xv = array("float64", [steps, n], 8, 1), hv = array("float64", [n], 9, 1);
  const { x, h0, W, h } = rnnScan(T, "float64");
  const f = T.function([x, h0, W], gradient ? T.grad(T.sum(h), W) : h);
  const run = () => f(xv, hv, Wv) as T.NDArray;
  return {
    label: gradient
      ? `RNN BPTT gradient (scan, h = ${n}, ${steps} steps, f64) vs a NumPy loop`
      : `RNN forward through scan (h = ${n}, ${steps} steps, f64)`,
    goal: gradient ? "≤ 1.5" : "≤ 1.0",
    params: { n, steps },
    run,
    checksum: () => sum(run()),
    check: 1e-9,
  };
}

function dot(dtype: "float32" | "float64", n: number): Workload {
  const a = array(dtype, [n, n], 1, 2), b = array(dtype, [n, n], 2, 2), f = hypatiaDot(dtype);
  return {
    label: `matmul ${n}² ${dtype}`,
    goal: "≤ 1.25",
    params: { n, dtype },
    run: () => f(a, b),
    checksum: () => sum(f(a, b), Math.abs),
    check: dtype === "float32" ? 1e-4 : 1e-9,
  };
}

/** `n` float32 draws per call from a compiled random variable (a fresh array each call). */
function draws(kind: "uniform" | "normal", n: number): Workload {
  const srng = new T.MRGRandomStreams(12345);
  const f = T.function([], srng[kind]([n], { dtype: "float32" }));
  return {
    label: `${n.toExponential(0).replace("+", "")} float32 ${kind}s (MRG31k3p vs NumPy's default_rng)`,
    goal: "≤ 1.5",
    params: { n },
    run: () => f(),
    checksum: () => sum(f() as T.NDArray) / n,
    check: "mean",
  };
}

function logistic(n: number): Workload {
  const x = array("float32", [n], 3, 8), f = hypatiaLogistic("float32");
  return {
    label: `logistic 1/(1+exp(-x)) of ${n.toExponential(0).replace("+", "")} float32`,
    goal: "≤ 1.0",
    params: { n },
    run: () => f(x),
    checksum: () => sum(f(x)),
    check: 1e-5,
  };
}

/**
 * The logistic written into one output array kept between calls: Hypatia's output as
 * `Out(y, { borrow: true })`, NumPy's ufuncs with `out=`. Neither side allocates a fresh
 * 4 MB array per call, whose page faults Deno pays page by page (RESULTS.md).
 */
function logisticOut(n: number): Workload {
  const x = array("float32", [n], 3, 8), v = new T.TensorType("float32", [null]).make("x");
  const f = T.function([v], new T.Out(T.div(1, T.add(1, T.exp(T.neg(v)))), { borrow: true }));
  return {
    label: `logistic of ${
      n.toExponential(0).replace("+", "")
    } float32 into a kept output (Out borrow; NumPy out=)`,
    goal: "≤ 1.0",
    params: { n },
    run: () => f(x),
    checksum: () => sum(f(x)),
    check: 1e-5,
  };
}

/** The workloads by the name numpy_worker.py knows them by; built only when run. */
const WORKLOADS: Record<string, (quick: boolean) => Workload> = {
  matmul32: (quick) => ({ ...dot("float32", quick ? 256 : 1024), pause: true }),
  matmul64: (quick) => ({ ...dot("float64", quick ? 256 : 1024), pause: true }),
  // Paused too: unpaused, Hypatia's 256² GEMM waited a scheduler tick (3.4 ms) in half the
  // rounds for a core held by NumPy's spinning threads; paused, each side's first call wakes its
  // sleeping threads instead (NumPy's 256² went from 0.18 to 0.32 ms), so read these two rows
  // beside the one-thread run in RESULTS.md.
  matmul32small: (quick) => ({ ...dot("float32", quick ? 64 : 256), pause: true }),
  matmul64small: (quick) => ({ ...dot("float64", quick ? 64 : 256), pause: true }),
  logreg: (quick) => logreg(400, 784, quick ? 5 : 50, false),
  logregShared: (quick) => logreg(400, 784, quick ? 5 : 50, true),
  uniform: (quick) => draws("uniform", quick ? 1_000_000 : 10_000_000),
  normal: () => draws("normal", 1_000_000),
  logistic: () => logistic(1_000_000),
  logisticOut: () => logisticOut(1_000_000),
  rnn: (quick) => rnn(64, quick ? 100 : 1000, false),
  bptt: (quick) => rnn(64, quick ? 100 : 1000, true),
};

/** The NumPy child: one request line out, one answer line back. */
export class NumPy {
  #child;
  #buffered = "";
  #waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  #failure: Error | undefined;

  constructor(python: string) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && k !== "OPENBLAS_CORETYPE" && k !== "OPENBLAS_L2_SIZE") env[k] = v;
    }
    const script = new URL("./numpy_worker.py", import.meta.url).pathname;
    this.#child = spawn(python, ["-u", script], { env, stdio: ["pipe", "pipe", "inherit"] });
    this.#child.stdout!.setEncoding("utf8");
    this.#child.stdout!.on("data", (chunk: string) => {
      this.#buffered += chunk;
      for (let i; (i = this.#buffered.indexOf("\n")) >= 0;) {
        const line = this.#buffered.slice(0, i);
        this.#buffered = this.#buffered.slice(i + 1);
        const w = this.#waiting.shift();
        if (line.startsWith("error ")) w?.reject(new Error(`NumPy side: ${line.slice(6)}`));
        else w?.resolve(line);
      }
    });
    const fail = (e: Error) => {
      this.#failure = e;
      for (const w of this.#waiting.splice(0)) w.reject(e);
    };
    this.#child.on("error", (e) => fail(new Error(`cannot start ${python} (${e.message}): it needs NumPy`)));
    this.#child.on("exit", (code) => fail(new Error(`${python} ${script} exited with code ${code}`)));
  }

  ask(request: string): Promise<string> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#child.stdin!.write(request + "\n");
    });
  }

  async close(): Promise<void> {
    if (this.#failure) return;
    const exited = new Promise((r) => this.#child.once("exit", r));
    this.#child.stdin!.end("quit\n");
    await exited;
  }
}

/**
 * Time the variants `ws` of a workload (Hypatia's) and NumPy's in interleaved rounds
 * (NumPy first in odd rounds, last in even ones), after untimed rounds: `warmup.rounds`
 * at least, and until `warmup.ms` have passed.
 */
export async function measure(
  name: string,
  ws: Workload[],
  numpy: NumPy,
  rounds: number,
  warmup: { rounds: number; ms: number },
  pause = 0,
) {
  const ours: number[][] = ws.map(() => []), theirs: number[] = [];
  const time = (w: Workload) => {
    const t0 = performance.now();
    w.run();
    return performance.now() - t0;
  };
  const wait = () => (pause > 0 ? new Promise((r) => setTimeout(r, pause)) : Promise.resolve());
  const timeNumpy = async () => {
    await wait();
    const t = Number(await numpy.ask(`time ${name}`));
    await wait();
    return t;
  };
  const warmEnd = performance.now() + warmup.ms;
  for (let warm = 0; warm < warmup.rounds || performance.now() < warmEnd; warm++) {
    ws.forEach(time);
    await timeNumpy();
  }
  for (let r = 0; r < rounds; r++) {
    const np = r % 2 === 1 ? await timeNumpy() : 0;
    const a = ws.map(time);
    const b = r % 2 === 0 ? await timeNumpy() : np;
    ours.forEach((o, i) => o.push(a[i])), theirs.push(b);
  }
  return { hypatia: ours.map(summarize), numpy: summarize(theirs) };
}

/** A wrong command line: reported in one line with a pointer to --help, no stack. */
class UsageError extends Error {}

async function main(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        quick: { type: "boolean" },
        rounds: { type: "string" },
        only: { type: "string" },
        python: { type: "string", default: "python3" },
        "without-blas": { type: "boolean" },
        pause: { type: "string" },
        warmup: { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const opts = parsed.values;
  if (opts.help) return console.log(help());
  const quick = !!opts.quick, rounds = Number(opts.rounds ?? (quick ? 3 : 15));
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new UsageError(`--rounds must be a positive integer, got "${opts.rounds}"`);
  }
  const warmupMs = Number(opts.warmup ?? (quick ? 0 : 1000));
  if (opts.warmup?.trim() === "" || !Number.isFinite(warmupMs) || warmupMs < 0) {
    throw new UsageError(`--warmup must be a number of milliseconds, got "${opts.warmup}"`);
  }
  const known = Object.keys(WORKLOADS);
  const names = opts.only ? opts.only.split(",").map((s) => s.trim()) : known;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) {
    throw new UsageError(`--only: unknown workload(s) ${unknown.join(", ")} (known: ${known.join(", ")})`);
  }
  const pause = opts.pause === undefined ? (quick ? 0 : 200) : Number(opts.pause);
  if (!(pause >= 0)) throw new UsageError(`--pause: a number of milliseconds, got ${opts.pause}`);
  const numpy = new NumPy(opts.python!);
  try {
    const info = JSON.parse(await numpy.ask("info"));
    const rows: string[][] = [];
    for (const name of names) {
      const ws = [WORKLOADS[name](quick)];
      if (opts["without-blas"]) {
        const off = withSetting("blas", false, () => WORKLOADS[name](quick));
        ws.push({
          ...off,
          label: `${off.label}, BLAS off`,
          goal: "",
          checksum: () => withSetting("blas", false, off.checksum),
        });
      }
      await numpy.ask(`setup ${name} ${JSON.stringify(ws[0].params)}`);
      const theirs = Number(await numpy.ask(`check ${name}`));
      const agreement = ws.map((w) => {
        const ours = w.checksum();
        if (w.check === "mean") return `means ${ours.toFixed(4)} / ${theirs.toFixed(4)}`;
        const rel = Math.abs(ours - theirs) / Math.max(Math.abs(theirs), 1e-300);
        if (!(rel <= w.check)) {
          throw new Error(`${w.label}: checksums differ (Hypatia ${ours}, NumPy ${theirs}, relative ${rel})`);
        }
        return `rel. diff ${rel.toExponential(1)}`;
      });
      const warmup = { rounds: quick ? 1 : 3, ms: warmupMs };
      const t = await measure(name, ws, numpy, rounds, warmup, ws[0].pause ? pause : 0);
      ws.forEach((w, i) => {
        const per = w.per ?? 1,
          ours = t.hypatia[i],
          ms = (v: number) => (v / per < 10 ? (v / per).toFixed(3) : (v / per).toFixed(1));
        rows.push([
          w.label,
          `${ms(ours.best)} (${ms(ours.median)})`,
          `${ms(t.numpy.best)} (${ms(t.numpy.median)})`,
          (ours.best / t.numpy.best).toFixed(2),
          (ours.median / t.numpy.median).toFixed(2),
          w.goal,
          agreement[i],
        ]);
      });
      if (!quick) console.error(`done: ${ws[0].label}`);
    }
    const runtime = typeof navigator !== "undefined" ? navigator.userAgent : "unknown runtime";
    console.log(
      `\nHypatia on ${runtime} (wasm engine ${
        T.config.wasm ? "on" : "off"
      }, config.threads = ${T.config.threads}); ` +
        `NumPy ${info.numpy} on Python ${info.python}; CPU: ${info.cpu}, ${navigator.hardwareConcurrency} cores`,
    );
    const engines = T.engineReport();
    console.log(`Hypatia's host engines: ${engines.cpu.join(", ")}; its BLAS: ${engines.blas}`);
    console.log(`NumPy's BLAS (built with): ${JSON.stringify(info.blas.build)}`);
    console.log(`NumPy's BLAS (running; ${info.blas.source}): ${JSON.stringify(info.blas.runtime)}`);
    const unset = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"].map((k) =>
      `${k}=${process.env[k] ?? "(not set)"}`
    );
    console.log(`removed from NumPy's environment only: ${unset.join(", ")}`);
    console.log(
      `matrix products: ${pause} ms between the two sides' timings (idle BLAS threads stop spinning; --pause); ` +
        `other workloads: none (a pause there would time waking threads, not work)`,
    );
    console.log(
      `\n${rounds} interleaved rounds per workload; ms per call (per step for the training step): best (median)\n`,
    );
    console.log(markdownTable(
      ["workload", "Hypatia ms", "NumPy ms", "ratio, best", "ratio, median", "goal", "cross-check"],
      rows,
    ));
  } finally {
    await numpy.close();
    shutdownThreads();
  }
}

if (import.meta.main) {
  try {
    await main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`bench/compare_numpy.ts: ${e.message} (--help for usage)`);
    process.exit(2);
  }
}
