/**
 * Memory: a long training loop keeps a flat heap, with no value ever disposed by hand.
 * Trains a small logistic regression on the CPU for `--calls` calls of one compiled
 * function (inputs passed from JS arrays, a fresh cost returned each call, shared weights
 * updated in place) and prints the JS heap, after a garbage collection, at intervals.
 *
 * Run: `deno run --v8-flags=--expose-gc scripts/heap.ts [--calls 100000]` or
 * `bun scripts/heap.ts`. Without `--expose-gc` Deno cannot collect on demand and the
 * numbers include garbage not yet collected.
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { usage } from "./lib/usage.ts";

const HELP = `${usage("scripts/heap.ts", "[options]", ["--v8-flags=--expose-gc"])}

  --calls N    training calls (default 100000)
  --every N    print the heap every N calls (default calls / 10)
  --warmup N   calls before the baseline heap is taken (default calls / 10)
  --json       print one JSON object at the end instead of the lines
  -h, --help   this text`;

/** Heap in use, in bytes, after a full collection where the runtime allows one. */
function heapUsed(): { bytes: number; collected: boolean } {
  const g = globalThis as {
    gc?: () => void;
    Bun?: { gc(force: boolean): void };
    Deno?: { memoryUsage(): { heapUsed: number } };
  };
  let collected = true;
  if (g.Bun) g.Bun.gc(true);
  else if (g.gc) g.gc();
  else collected = false;
  const bytes = g.Deno ? g.Deno.memoryUsage().heapUsed : process.memoryUsage().heapUsed;
  return { bytes, collected };
}

/** One heap reading. */
interface HeapSample {
  /** Calls made so far. */
  calls: number;
  /** Heap in use, bytes. */
  heap: number;
}

/** Trains for `calls` calls, reading the heap every `every` calls (and at 0). */
function run(calls: number, every: number, onSample: (s: HeapSample, cost: number) => void): void {
  const N = 100, feats = 10;
  const rand = T.seededRandom(7);
  const data = Array.from({ length: N }, () => Array.from({ length: feats }, () => rand() * 2 - 1));
  const trueW = Array.from({ length: feats }, () => rand() * 2 - 1);
  const labels = data.map((row) => (row.reduce((s, v, i) => s + v * trueW[i], 0) > 0 ? 1 : 0));

  const x = T.dmatrix("x"), y = T.dvector("y");
  const w = T.shared(new Float64Array(feats), { name: "w" });
  const b = T.shared(0, { name: "b", dtype: "float64" });
  const p1 = T.sigmoid(T.add(T.dot(x, w), b));
  const xent = T.sub(T.mul(T.neg(y), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
  const cost = T.mean(xent);
  const [gw, gb] = T.grad(cost, [w, b]);
  const train = T.function([x, y], cost, {
    updates: [[w, T.sub(w, T.mul(0.1, gw))], [b, T.sub(b, T.mul(0.1, gb))]],
  });

  let last = NaN;
  onSample({ calls: 0, heap: heapUsed().bytes }, last);
  for (let i = 1; i <= calls; i++) {
    last = train(data, labels).item(); // a fresh NDArray each call, never disposed
    if (i % every === 0 || i === calls) onSample({ calls: i, heap: heapUsed().bytes }, last);
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "100000" },
    every: { type: "string" },
    warmup: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) console.log(HELP);
else {
  const calls = Number(values.calls);
  if (!Number.isInteger(calls) || calls < 1) throw new Error(`--calls: expected a positive integer`);
  const every = values.every ? Number(values.every) : Math.max(1, Math.floor(calls / 10));
  const warmup = values.warmup ? Number(values.warmup) : Math.floor(calls / 10);
  const { collected } = heapUsed();
  if (!collected && !values.json) {
    console.log("note: no forced GC (run Deno with --v8-flags=--expose-gc); the heap includes garbage");
  }
  const samples: HeapSample[] = [];
  const t0 = performance.now();
  run(calls, every, (s, cost) => {
    samples.push(s);
    if (!values.json) {
      console.log(
        `calls ${String(s.calls).padStart(7)}  heap ${mb(s.heap).padStart(7)} MB  cost ${cost.toFixed(6)}`,
      );
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const after = samples.filter((s) => s.calls >= warmup);
  const base = after[0], end = after[after.length - 1];
  const peak = Math.max(...after.map((s) => s.heap));
  const growth = end.heap - base.heap;
  const result = {
    calls,
    warmup: base.calls,
    baseline: base.heap,
    final: end.heap,
    peak,
    growth,
    bytesPerCall: end.calls > base.calls ? growth / (end.calls - base.calls) : 0,
    gc: collected,
    seconds,
    samples,
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(
      `after warm-up (${base.calls} calls): ${mb(base.heap)} MB -> ${mb(end.heap)} MB ` +
        `(growth ${mb(growth)} MB, ${result.bytesPerCall.toFixed(2)} bytes/call; peak ${mb(peak)} MB) ` +
        `in ${seconds.toFixed(1)} s`,
    );
  }
}
