/**
 * A small pool of Workers that run the matmul modules on the arena's shared memory,
 * so a large product can be split across cores (`config.threads`, counting the main
 * thread). Workers start lazily, on the first large product, from a Blob URL (no file
 * or network access, no import map); until they report ready, products run on the
 * main thread alone, so no call ever waits for a worker to start.
 *
 * Jobs pass through a shared Int32Array: the main thread writes a job's function and
 * arguments into a worker's slot and wakes it with Atomics.notify, runs its own share,
 * then waits (Atomics.wait, which Deno and Bun allow on the main thread) for the
 * workers' done flags. The workers write disjoint parts of the result.
 *
 * Idle workers are stopped 250 ms after the last parallel call (a blocked Worker keeps
 * a Deno process alive, and a terminate() does not wake it), or by `shutdownThreads`.
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

const SLOT = 32; // int32s per worker: cmd, done, ready, fn, lane, nargs, args...
const CMD = 0, DONE = 1, READY = 2, FN = 3, LANE = 4, NARGS = 5, ARGS = 6;
const IDLE_MS = 250;

const WORKER_SOURCE = `
const FNS = ${JSON.stringify(JOB_FUNCTIONS)};
self.onmessage = (e) => {
  const { mem, modules, ctl, slot } = e.data;
  const exp = {};
  for (const lane of Object.keys(modules)) {
    exp[lane] = new WebAssembly.Instance(new WebAssembly.Module(modules[lane]), { env: { mem } }).exports;
  }
  const c = new Int32Array(ctl);
  Atomics.store(c, slot + ${READY}, 1);
  for (;;) {
    Atomics.wait(c, slot + ${CMD}, 0);
    const cmd = Atomics.load(c, slot + ${CMD});
    if (cmd < 0) break;
    const args = [];
    for (let i = 0; i < c[slot + ${NARGS}]; i++) args.push(c[slot + ${ARGS} + i]);
    exp[c[slot + ${LANE}] === 0 ? "f32" : "f64"][FNS[c[slot + ${FN}]]](...args);
    Atomics.store(c, slot + ${CMD}, 0);
    Atomics.store(c, slot + ${DONE}, 1);
    Atomics.notify(c, slot + ${DONE});
  }
  self.close();
};`;

interface Pool {
  workers: Worker[];
  ctl: Int32Array;
}

let pool: Pool | undefined;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/** Whether this runtime can run the pool (Workers, SharedArrayBuffer, Blob URLs). */
export function threadsSupported(arena: Arena): boolean {
  return arena.shared && typeof Worker === "function" && typeof Atomics === "object" &&
    typeof URL.createObjectURL === "function";
}

/**
 * Start `count` workers (once); `modules` are the bytes of the matmul module per lane.
 * Returns immediately; workers become usable when they report ready.
 */
export function startPool(arena: Arena, count: number, modules: Record<Lane, Uint8Array>): void {
  if (pool || count < 1 || !threadsSupported(arena)) return;
  const ctl = new Int32Array(new SharedArrayBuffer(4 * SLOT * count));
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
  const p: Pool = { workers: [], ctl };
  for (let i = 0; i < count; i++) {
    const w = new Worker(url, { type: "module" });
    (w as { unref?: () => void }).unref?.(); // Bun: do not keep the process alive
    w.postMessage({ mem: arena.memory, modules, ctl: ctl.buffer, slot: i * SLOT });
    p.workers.push(w);
  }
  pool = p;
}

/** Workers started (ready or not). */
export function poolSize(): number {
  return pool?.workers.length ?? 0;
}

/** Workers that have reported ready (a prefix of the pool is enough). */
export function readyWorkers(): number {
  if (!pool) return 0;
  let n = 0;
  while (n < pool.workers.length && Atomics.load(pool.ctl, n * SLOT + READY) === 1) n++;
  return n;
}

/**
 * Run `jobs[0]` on the main thread through `local` and `jobs[1..]` on ready workers
 * 0.., then wait for all of them. The caller sizes `jobs` to 1 + readyWorkers().
 */
export function runParallel(jobs: Job[], local: (job: Job) => void): void {
  const p = pool!, c = p.ctl;
  for (let i = 1; i < jobs.length; i++) {
    const s = (i - 1) * SLOT, j = jobs[i];
    c[s + FN] = JOB_FUNCTIONS.indexOf(j.fn);
    c[s + LANE] = j.lane === "f32" ? 0 : 1;
    c[s + NARGS] = j.args.length;
    for (let k = 0; k < j.args.length; k++) c[s + ARGS + k] = j.args[k];
    Atomics.store(c, s + DONE, 0);
    Atomics.store(c, s + CMD, 1);
    Atomics.notify(c, s + CMD);
  }
  local(jobs[0]);
  for (let i = 1; i < jobs.length; i++) {
    const s = (i - 1) * SLOT;
    while (Atomics.load(c, s + DONE) === 0) Atomics.wait(c, s + DONE, 0);
  }
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
    Atomics.store(p.ctl, i * SLOT + CMD, -1);
    Atomics.notify(p.ctl, i * SLOT + CMD);
    w.terminate();
  });
}
