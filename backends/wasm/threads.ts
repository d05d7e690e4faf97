/**
 * A small pool of Workers that run the matmul modules, and the run-time modules of
 * elementwise groups, on the arena's shared memory, so a large product or group can be
 * split across cores (`config.threads`, counting the main thread: the core count by
 * default, `HYPATIA_FLAGS=threads=1` for none). Workers start lazily, on the first
 * large kernel, from a Blob URL (no file or network access, no import map); until they
 * report ready, kernels run on the main thread alone, so no call ever waits for a
 * worker to start. A worker waiting on the queue cannot take messages, so a group's
 * module reaches it through a shared mailbox (see `runParallel`).
 *
 * A kernel is cut into more jobs than threads and queued in a shared Int32Array; the
 * main thread wakes the workers (Atomics.notify) and every thread, the main one
 * included, claims the next job with a compare-and-swap until the queue is empty,
 * then the main thread waits (Atomics.wait, which Deno and Bun allow on the main
 * thread) for the last completions. A worker that the OS does not schedule in time
 * costs its share of the queue, not a stall. Jobs write disjoint parts of the result.
 *
 * Idle workers are stopped 250 ms after the pool starts or after the last parallel call
 * (a blocked Worker keeps a Deno process alive, and a terminate() does not wake it), or by
 * `shutdownThreads`.
 * @module
 */
import type { Lane } from "./asm.ts";
import type { Arena } from "./memory.ts";

/** Functions a worker can run: the matmul module's exports, by number. */
export const JOB_FUNCTIONS = ["gemm", "gemvRows", "gemvCols"] as const;
/** One share of a product: a function of one lane's module and its arguments. */
export interface Job {
  lane: Lane;
  fn: (typeof JOB_FUNCTIONS)[number];
  args: number[];
}

/**
 * A module generated at run time (an elementwise group) whose export `k` workers may
 * run: they compile it from its bytes, passed through a shared mailbox, the first time
 * a call names it, and keep it by `id`.
 */
export interface KernelModule {
  readonly id: number;
  readonly bytes: Uint8Array;
}

let kernelIds = 0;

/**
 * Name module bytes for the workers (once per module).
 *
 * @example
 * ```ts
 * import { kernelModule } from "./threads.ts";
 * import assert from "node:assert/strict";
 * const a = kernelModule(new Uint8Array(8)), b = kernelModule(new Uint8Array(8));
 * assert.notEqual(a.id, b.id);
 * ```
 */
export function kernelModule(bytes: Uint8Array): KernelModule {
  return { id: ++kernelIds, bytes };
}

// Layout of the control block (int32s). Header: the claim word (epoch << 11 | next
// job), completed jobs, and the call's job count, function (an index of
// JOB_FUNCTIONS, or -1 for the kernel module MODULE), lane, argument count and whether
// the executor appends its scratch (pa, pb, tile); how many jobs workers have run since
// the pool started (for tests); how many jobs are released (a job is claimed only once
// released: the main thread may still be copying its inputs in). Then one slot per
// worker (command: the epoch to work on, or -1 to stop; ready; its scratch), then each
// job's completion (the epoch that finished it). The jobs' arguments are float64s in
// a buffer of their own, so kernels may take float scalars; the mailbox holds the id,
// length and bytes of the last kernel module a call named.
const NEXT = 0, DONE = 1, NJOBS = 2, FN = 3, LANE = 4, NARGS = 5, SCR = 6, MODULE = 7, WORKED = 8;
const RELEASED = 9, HEADER = 10;
const CMD = 0, READY = 1, PA = 2, WSLOT = 8;
const MAX_JOBS = 64, MAX_ARGS = 16, INDEX_BITS = 11;
/** Largest kernel module the mailbox carries (elementwise modules are a few KiB). */
const MAILBOX_BYTES = 1 << 18;
const IDLE_MS = 250;
/** How long a worker polls for the next job before it sleeps, and the main thread for completions. */
const SPIN_MS = 0.2;

const WORKER_SOURCE = `
const FNS = ${JSON.stringify(JOB_FUNCTIONS)};
self.onmessage = (e) => {
  const { mem, modules, ctl, argBuf, mailbox, slot, finished } = e.data;
  const exp = {};
  for (const lane of Object.keys(modules)) {
    exp[lane] = new WebAssembly.Instance(new WebAssembly.Module(modules[lane]), { env: { mem } }).exports;
  }
  const kernels = new Map();
  const kernel = (id) => {
    let k = kernels.get(id);
    if (!k) {
      const head = new Int32Array(mailbox, 0, 2);
      if (head[0] !== id) throw new Error("hypatia worker: kernel module " + id + " is not in the mailbox");
      const bytes = new Uint8Array(mailbox, 8, head[1]).slice();
      k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem } }).exports.k;
      kernels.set(id, k);
    }
    return k;
  };
  const c = new Int32Array(ctl), a64 = new Float64Array(argBuf);
  Atomics.store(c, slot + ${READY}, 1);
  let seen = 0;
  for (;;) {
    // Spin a little before sleeping: products often come back to back (a training loop).
    const t0 = performance.now();
    while (Atomics.load(c, slot + ${CMD}) === seen && performance.now() - t0 < ${SPIN_MS}) {}
    Atomics.wait(c, slot + ${CMD}, seen);
    const epoch = Atomics.load(c, slot + ${CMD});
    if (epoch < 0) break;
    seen = epoch;
    for (;;) {
      const v = Atomics.load(c, ${NEXT});
      if (v >>> ${INDEX_BITS} !== epoch) break; // a later call: nothing of ours left
      const i = v & ${(1 << INDEX_BITS) - 1};
      if (i >= c[${NJOBS}]) break;
      if (i >= Atomics.load(c, ${RELEASED})) continue; // its inputs are still being copied in
      if (Atomics.compareExchange(c, ${NEXT}, v, v + 1) !== v) continue;
      const n = c[${NARGS}], args = [];
      for (let k = 0; k < n; k++) args.push(a64[i * ${MAX_ARGS} + k]);
      if (c[${SCR}]) args.push(c[slot + ${PA}], c[slot + ${PA} + 1], c[slot + ${PA} + 2]);
      const fn = c[${FN}];
      (fn < 0 ? kernel(c[${MODULE}]) : exp[c[${LANE}] === 0 ? "f32" : "f64"][FNS[fn]])(...args);
      Atomics.add(c, ${WORKED}, 1);
      Atomics.store(c, finished + i, epoch);
      Atomics.add(c, ${DONE}, 1);
      Atomics.notify(c, ${DONE}); // cheap when no one waits
    }
  }
  self.close();
};`;

interface Pool {
  workers: Worker[];
  ctl: Int32Array;
  args: Float64Array;
  mailbox: Int32Array;
  epoch: number;
}

let pool: Pool | undefined;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Whether this runtime can run the pool (Workers, SharedArrayBuffer, Blob URLs).
 *
 * @example
 * ```ts
 * import { threadsSupported } from "./threads.ts";
 * import { Arena } from "./memory.ts";
 * import assert from "node:assert/strict";
 * assert.equal(threadsSupported(new Arena({ shared: false, initialPages: 1, maximumPages: 1 })), false);
 * ```
 */
export function threadsSupported(arena: Arena): boolean {
  return !refused && arena.shared && typeof Worker === "function" && typeof Atomics === "object" &&
    typeof URL.createObjectURL === "function";
}

/**
 * Start `count` workers (once); `modules` are the bytes of the matmul module per lane.
 * Returns immediately; workers become usable when they report ready.
 *
 * @example
 * ```ts
 * import { poolSize, shutdownThreads, startPool } from "./threads.ts";
 * import { matmulEngine } from "./matmul.ts";
 * import { arena } from "./memory.ts";
 * import assert from "node:assert/strict";
 * const [f32, f64] = [matmulEngine("f32")!, matmulEngine("f64")!];
 * startPool(arena(), 1, { f32: f32.bytes, f64: f64.bytes });
 * assert.equal(poolSize(), arena().shared ? 1 : 0);
 * shutdownThreads();
 * ```
 */
export function startPool(arena: Arena, count: number, modules: Record<Lane, Uint8Array>): void {
  if (pool || count < 1 || !threadsSupported(arena)) return;
  const ctl = new Int32Array(new SharedArrayBuffer(4 * (HEADER + WSLOT * count + MAX_JOBS)));
  const args = new Float64Array(new SharedArrayBuffer(8 * MAX_JOBS * MAX_ARGS));
  const mailbox = new Int32Array(new SharedArrayBuffer(8 + MAILBOX_BYTES));
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
  const p: Pool = { workers: [], ctl, args, mailbox, epoch: 0 };
  try {
    for (let i = 0; i < count; i++) {
      const w = new Worker(url, { type: "module" });
      (w as { unref?: () => void }).unref?.(); // Bun: do not keep the process alive
      w.postMessage({
        mem: arena.memory,
        modules,
        ctl: ctl.buffer,
        argBuf: args.buffer,
        mailbox: mailbox.buffer,
        slot: HEADER + i * WSLOT,
        finished: HEADER + WSLOT * count,
      });
      p.workers.push(w);
    }
  } catch {
    // Workers refused (a sandbox, a policy): stop those started and stay single-threaded.
    p.workers.forEach((w) => w.terminate());
    refused = true;
    return;
  }
  pool = p;
  armIdleStop();
}

/** Set when the runtime refused to start a worker: no further attempts. */
let refused = false;

/**
 * Workers started (ready or not).
 *
 * @example
 * ```ts
 * import { poolSize } from "./threads.ts";
 * import assert from "node:assert/strict";
 * assert.equal(poolSize(), 0); // nothing started yet
 * ```
 */
export function poolSize(): number {
  return pool?.workers.length ?? 0;
}

/**
 * Workers that have reported ready (a prefix of the pool is enough).
 *
 * @example
 * ```ts
 * import { readyWorkers } from "./threads.ts";
 * import assert from "node:assert/strict";
 * assert.equal(readyWorkers(), 0);
 * ```
 */
export function readyWorkers(): number {
  if (!pool) return 0;
  let n = 0;
  while (n < pool.workers.length && Atomics.load(pool.ctl, HEADER + n * WSLOT + READY) === 1) n++;
  return n;
}

/**
 * Jobs the workers of the current pool have run (0 without a pool).
 *
 * @example
 * ```ts
 * import { workerJobs } from "./threads.ts";
 * import assert from "node:assert/strict";
 * assert.equal(workerJobs(), 0);
 * ```
 */
export function workerJobs(): number {
  return pool ? Atomics.load(pool.ctl, WORKED) : 0;
}

/** Jobs per thread when splitting: more than one, so a thread the OS delays costs little. */
const JOBS_PER_THREAD = 4;

/**
 * How many jobs to cut `units` of work into for `threads` threads (at most the queue's
 * capacity, and at least 1).
 *
 * @example
 * ```ts
 * import { jobsFor } from "./threads.ts";
 * import assert from "node:assert/strict";
 * assert.equal(jobsFor(2, 1000), 8);
 * assert.equal(jobsFor(2, 3), 3);
 * ```
 */
export function jobsFor(threads: number, units: number): number {
  return Math.max(1, Math.min(threads * JOBS_PER_THREAD, MAX_JOBS, units));
}

/**
 * Whether workers can run kernel module `module` with `args` arguments: its bytes fit
 * the mailbox and its arguments a job's slots.
 *
 * @example
 * ```ts
 * import { kernelModule, workersCanRun } from "./threads.ts";
 * import assert from "node:assert/strict";
 * const m = kernelModule(new Uint8Array(100));
 * assert(workersCanRun(m, 6) && !workersCanRun(m, 40));
 * ```
 */
export function workersCanRun(module: KernelModule, args: number): boolean {
  return module.bytes.length <= MAILBOX_BYTES && args <= MAX_ARGS;
}

/**
 * Main-thread work around the jobs of a call: `before(i)` prepares job i (copies its
 * inputs in) and runs, in job order, before the job may be claimed; `after(i)` takes
 * job i's results (copies them out) once it has finished. Workers start on the first
 * jobs while later ones are being prepared, and the main thread copies out finished
 * jobs while workers finish theirs.
 */
export interface JobStaging {
  before(job: number): void;
  after(job: number): void;
}

/**
 * Run `jobs` (at most `jobsFor` allows, one function and lane) on this thread and
 * the first `workers` ready workers: each takes the next unclaimed job until none is
 * left, so a worker the OS does not schedule only costs its share of the queue, not
 * a wait. With `scratch`, each executor appends its own (pa, pb, tile) to the
 * arguments: `scratch[0]` is this thread's, `scratch[1 + i]` worker i's. With
 * `staging`, jobs are released one by one as `staging.before` prepares them.
 *
 * @example
 * ```ts
 * import { runParallel, shutdownThreads } from "./threads.ts";
 * import { config } from "../../core/config.ts";
 * import { startThreads } from "./matmul.ts";
 * import assert from "node:assert/strict";
 * const saved = config.threads;
 * config.threads = 2;
 * const threads = await startThreads();
 * const done: number[][] = [];
 * // Jobs of a GEMV-shaped call with m = 0 rows: nothing to compute, each job still runs once.
 * runParallel("f64", "gemvRows", [[0, 1, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]], threads - 1, (a) => done.push(a));
 * assert(done.length >= 0 && done.length <= 2);
 * config.threads = saved;
 * shutdownThreads();
 * ```
 */
export function runParallel(
  lane: Lane,
  fn: Job["fn"] | KernelModule,
  jobs: number[][],
  workers: number,
  local: (args: number[]) => void,
  scratch?: { pa: number; pb: number; tile: number }[],
  staging?: JobStaging,
): void {
  const p = pool!, c = p.ctl, finished = HEADER + WSLOT * p.workers.length;
  p.epoch = (p.epoch % ((1 << (31 - INDEX_BITS)) - 1)) + 1;
  c[DONE] = 0;
  c[NJOBS] = jobs.length;
  c.fill(0, finished, finished + jobs.length);
  Atomics.store(c, RELEASED, staging ? 0 : jobs.length);
  if (typeof fn === "string") c[FN] = JOB_FUNCTIONS.indexOf(fn);
  else {
    // Workers compile a module the first time a call names it, from the mailbox; every
    // earlier call has finished (all its jobs done), so no worker is reading it now.
    if (p.mailbox[0] !== fn.id) {
      new Uint8Array(p.mailbox.buffer, 8, fn.bytes.length).set(fn.bytes);
      p.mailbox[1] = fn.bytes.length;
      p.mailbox[0] = fn.id;
    }
    c[FN] = -1;
    c[MODULE] = fn.id;
  }
  c[LANE] = lane === "f32" ? 0 : 1;
  c[NARGS] = jobs[0].length;
  c[SCR] = scratch ? 1 : 0;
  jobs.forEach((a, i) => p.args.set(a, i * MAX_ARGS));
  for (let w = 0; w < workers; w++) {
    const sc = scratch?.[1 + w];
    if (sc) c.set([sc.pa, sc.pb, sc.tile], HEADER + w * WSLOT + PA);
  }
  // Publish the queue (the claim word carries the epoch), then wake the workers.
  Atomics.store(c, NEXT, p.epoch << INDEX_BITS);
  for (let w = 0; w < workers; w++) {
    Atomics.store(c, HEADER + w * WSLOT + CMD, p.epoch);
    Atomics.notify(c, HEADER + w * WSLOT + CMD);
  }
  if (staging) {
    for (let i = 0; i < jobs.length; i++) {
      staging.before(i);
      Atomics.store(c, RELEASED, i + 1);
    }
  }
  const own = scratch?.[0];
  for (;;) {
    const v = Atomics.load(c, NEXT), i = v & ((1 << INDEX_BITS) - 1);
    if (i >= jobs.length) break;
    if (Atomics.compareExchange(c, NEXT, v, v + 1) !== v) continue;
    local(own ? [...jobs[i], own.pa, own.pb, own.tile] : jobs[i]);
    Atomics.store(c, finished + i, p.epoch);
    Atomics.add(c, DONE, 1);
  }
  if (staging) {
    // In job order, each as soon as it has finished (every completion notifies DONE).
    for (let i = 0; i < jobs.length; i++) {
      const t0 = performance.now();
      for (
        let d = Atomics.load(c, DONE);
        Atomics.load(c, finished + i) !== p.epoch;
        d = Atomics.load(c, DONE)
      ) {
        if (performance.now() - t0 > SPIN_MS) Atomics.wait(c, DONE, d, 1);
      }
      staging.after(i);
    }
  }
  const t0 = performance.now();
  while (Atomics.load(c, DONE) < jobs.length && performance.now() - t0 < SPIN_MS) {
    /* the last job is short */
  }
  for (let d = Atomics.load(c, DONE); d < jobs.length; d = Atomics.load(c, DONE)) Atomics.wait(c, DONE, d);
  armIdleStop();
}

/**
 * (Re)start the countdown that stops idle workers. Armed when the pool starts too: the
 * call that starts it runs on one thread (workers boot meanwhile), and a script whose only
 * large call was that one must still be able to exit.
 */
function armIdleStop(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = setTimeout(shutdownThreads, IDLE_MS);
}

/**
 * Stop the workers now (they restart on the next large product). Tests call this so
 * that no timer or worker outlives them.
 *
 * @example
 * ```ts
 * import { shutdownThreads } from "./threads.ts";
 * shutdownThreads(); // no pool: nothing to do
 * ```
 */
export function shutdownThreads(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
  if (!pool) return;
  const p = pool;
  pool = undefined;
  p.workers.forEach((w, i) => {
    Atomics.store(p.ctl, HEADER + i * WSLOT + CMD, -1);
    Atomics.notify(p.ctl, HEADER + i * WSLOT + CMD);
    w.terminate();
  });
}
