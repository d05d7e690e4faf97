/**
 * Run scopes: while a CPU program runs, its root buffers (inputs, shared values,
 * constants) cannot change, so a large one that several kernels read (a data matrix
 * used by the forward product and again by the gradient) is copied into the arena
 * once per run and read in place after that. The copies live above the scope's
 * arena mark and are released when the run ends; kernels allocate their own space
 * above them with the usual stack discipline. Outside a scope nothing is staged.
 *
 * Shared variables go further: a shared value that a kernel staged in one call and
 * that is still the same array at the start of a later top-level call is copied into
 * a long-lived block of the arena (a mirror) and read in place by every call after
 * that, so a data matrix kept in a shared variable is not copied per step. The host
 * array stays the value (`getValue` returns it; the mirror is a read-only copy, kept
 * as the variable's `storage.resident` with `hostCurrent`); `setValue` (and so an
 * update) drops the mirror, and `getValue({ borrow: true })` drops it for good, since
 * the caller may then change the array in place. As in Theano, an array given with
 * `shared(a, { borrow: true })` or `setValue(a, { borrow: true })` and changed in place
 * afterwards may not be seen by later calls.
 * @module
 */
import type { SharedStorage } from "../../core/shared.ts";
import { engineOffset } from "./engine_array.ts";
import { type Arena, arena } from "./memory.ts";

/** Buffers smaller than this are cheaper to copy again than to look up. */
const MIN_STAGED_BYTES = 64 * 1024;

/** A float typed array. */
type FloatArray = Float32Array | Float64Array;

/** An open run (also its `RunScope`: a run scope per scan step costs one object). */
class Scope {
  /** The arena mark taken at the first staging of the run (-1 before). */
  mark = -1;
  /** Byte offset in the arena of each staged buffer, and its element size (made at the first). */
  staged: Map<unknown, [number, number]> | undefined = undefined;

  constructor(
    readonly roots: ReadonlySet<unknown>,
    /** Shared variables' storage by their current value's buffer. */
    readonly storageOf: ReadonlyMap<unknown, SharedStorage>,
  ) {}

  end(): void {
    const i = scopes.lastIndexOf(this);
    if (i < 0) return;
    // Scopes nest (a scan body runs inside its outer program): close inner ones too.
    for (let j = scopes.length - 1; j >= i; j--) if (scopes[j].mark >= 0) arena().release(scopes[j].mark);
    scopes.length = i;
  }
}

/** The storage map of a run without shared variables (never written). */
const NO_STORAGE: ReadonlyMap<unknown, SharedStorage> = new Map();

const scopes: Scope[] = [];

/** What `beginRun` returns: call `end()` when the run is over (also after a throw). */
export interface RunScope {
  end(): void;
}

/**
 * Open a run scope over `roots` (the program's foreign buffers). Cheap: the arena is
 * touched only when a kernel first stages a buffer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { beginRun, stagedOffset } from "./staging.ts";
 * const x = new Float64Array(20000);
 * const scope = beginRun(new Set([x]));
 * assert(stagedOffset(x, 8) === stagedOffset(x, 8)); // copied once
 * scope.end();
 * ```
 */
export function beginRun(roots: ReadonlySet<unknown>, shared: readonly SharedStorage[] = []): RunScope {
  let storageOf = NO_STORAGE;
  if (shared.length > 0) {
    const byBuffer = new Map<unknown, SharedStorage>();
    for (const st of shared) {
      byBuffer.set(st.value.data, st);
      // Mirrors are made only at the top level, when no arena space is held.
      if (scopes.length === 0) mirror(st);
    }
    storageOf = byBuffer;
  }
  const scope = new Scope(roots, storageOf);
  scopes.push(scope);
  return scope;
}

/**
 * The arena byte offset of a copy of `data` converted to elements of `size` bytes
 * (4: float32, 8: float64), made on first request in this run; -1 when `data` is not
 * a root of the current run, is too small to be worth it, or the arena is full.
 * Call only while no kernel holds arena space (before a kernel's own mark).
 *
 * @example
 * ```ts
 * import { beginRun, stagedOffset } from "./staging.ts";
 * import assert from "node:assert/strict";
 * const x = new Float32Array(20000).fill(2);
 * const run = beginRun(new Set([x]));
 * assert.equal(stagedOffset(x, 4), stagedOffset(x, 4));
 * run.end();
 * assert.equal(stagedOffset(x, 4), -1); // outside a run
 * ```
 */
export function stagedOffset(data: FloatArray, size: 4 | 8, a: Arena = arena()): number {
  const at = reserveStaged(data, size, a);
  if (at.fresh) (size === 4 ? a.f32(at.at, data.length) : a.f64(at.at, data.length)).set(data);
  return at.at;
}

/**
 * The offset of `data`'s copy if this run already staged it at `size`, else -1.
 *
 * @example
 * ```ts
 * import { beginRun, findStaged, stagedOffset } from "./staging.ts";
 * import assert from "node:assert/strict";
 * const x = new Float64Array(10000);
 * const run = beginRun(new Set([x]));
 * assert.equal(findStaged(x, 8), -1);
 * const at = stagedOffset(x, 8);
 * assert.equal(findStaged(x, 8), at);
 * run.end();
 * ```
 */
export function findStaged(data: FloatArray, size: 4 | 8): number {
  const e = engineOffset(data, size);
  if (e >= 0) return e;
  const m = liveMirror(data, size);
  if (m >= 0 && scopes[scopes.length - 1]?.roots.has(data)) return m;
  const hit = scopes[scopes.length - 1]?.staged?.get(data);
  return hit && hit[1] === size ? hit[0] : -1;
}

/**
 * Like `stagedOffset`, but a new copy is only allocated and registered, not filled:
 * `fresh` tells the caller to write all of it (a kernel streaming the buffer through
 * cache fills it block by block) before anything else reads it.
 *
 * @example
 * ```ts
 * import { beginRun, reserveStaged } from "./staging.ts";
 * import assert from "node:assert/strict";
 * const x = new Float64Array(10000);
 * const run = beginRun(new Set([x]));
 * const first = reserveStaged(x, 8), again = reserveStaged(x, 8);
 * assert(first.fresh && !again.fresh && first.at === again.at);
 * run.end();
 * ```
 */
export function reserveStaged(
  data: FloatArray,
  size: 4 | 8,
  a: Arena = arena(),
): { at: number; fresh: boolean } {
  const e = engineOffset(data, size);
  if (e >= 0) return { at: e, fresh: false };
  const scope = scopes[scopes.length - 1];
  if (!scope || !scope.roots.has(data) || data.length * size < MIN_STAGED_BYTES) {
    return { at: -1, fresh: false };
  }
  const m = liveMirror(data, size);
  if (m >= 0) return { at: m, fresh: false };
  const st = scope.storageOf.get(data);
  if (st && !wanted.has(st)) {
    wanted.set(st, size);
    lastSeen.set(st, data);
  }
  const hit = scope.staged?.get(data);
  if (hit) return { at: hit[1] === size ? hit[0] : -1, fresh: false }; // other width: copy as usual
  if (scope.mark < 0) scope.mark = a.mark();
  const at = a.alloc(data.length * size);
  if (at < 0) return { at: -1, fresh: false };
  (scope.staged ??= new Map()).set(data, [at, size]);
  return { at, fresh: true };
}

/** A shared value's long-lived copy in the arena. */
interface Mirror {
  data: FloatArray;
  at: number;
  size: 4 | 8;
  bytes: number;
  storage: SharedStorage;
  resident: NonNullable<SharedStorage["resident"]>;
}

/** Live mirrors by their host array. */
const mirrors = new WeakMap<object, Mirror>();
/** Shared variables a kernel staged in an earlier call, and the element size it read. */
const wanted = new WeakMap<SharedStorage, 4 | 8>();
/** The array a variable had when `wanted` was set or last checked (a value that changes every call is not mirrored). */
const lastSeen = new WeakMap<SharedStorage, unknown>();
/** Host arrays handed out with `getValue({ borrow: true })`: the caller may change them, so never mirrored. */
const borrowed = new WeakSet<object>();
/** Frees the block of a variable that is garbage-collected with its mirror. */
const finalizer = new FinalizationRegistry<[number, number]>(([at, bytes]) => arena().unpersist(at, bytes));

/** Counters for tests: mirrors made and dropped. */
export const mirrorStats: { made: number; dropped: number } = { made: 0, dropped: 0 };

/** The mirror's offset if `data` has a live one of element size `size`, else -1. */
function liveMirror(data: FloatArray, size: 4 | 8): number {
  const m = mirrors.get(data);
  return m && m.size === size && m.storage.resident === m.resident && m.storage.value.data === data
    ? m.at
    : -1;
}

function drop(m: Mirror): void {
  if (mirrors.get(m.data) !== m) return;
  mirrors.delete(m.data);
  finalizer.unregister(m);
  arena().unpersist(m.at, m.bytes);
  mirrorStats.dropped++;
}

/** Mirror `st`'s value when a kernel wanted it before and it did not change since the last call. */
function mirror(st: SharedStorage): void {
  const data = st.value.data;
  const size = wanted.get(st);
  if (!size || liveMirror(data as FloatArray, size) >= 0) return;
  const seen = lastSeen.get(st);
  lastSeen.set(st, data);
  if (seen !== data || borrowed.has(data)) return;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return;
  const a = arena(), bytes = data.length * size, at = a.persist(bytes);
  if (at < 0) return;
  (size === 4 ? a.f32(at, data.length) : a.f64(at, data.length)).set(data);
  const m: Mirror = {
    data,
    at,
    size,
    bytes,
    storage: st,
    resident: {
      describe: "the WebAssembly engine's memory",
      hostCurrent: true,
      readSync: () => st.value,
      release() {
        // getValue({ borrow: true }) keeps the same array: the caller may now write to it.
        if (st.value.data === data) borrowed.add(data);
        drop(m);
      },
    },
  };
  st.resident?.release?.();
  st.resident = m.resident;
  mirrors.set(data, m);
  finalizer.register(st, [at, bytes], m);
  mirrorStats.made++;
}

/**
 * Whether `data` is a shared value kept in the arena between calls at element size
 * `size` (it is then in no core's cache in particular, and may be split across threads).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isMirrored } from "./staging.ts";
 * assert.equal(isMirrored(new Float64Array(4), 8), false);
 * ```
 */
export function isMirrored(data: FloatArray, size: 4 | 8): boolean {
  return liveMirror(data, size) >= 0;
}

/**
 * The arena offset where `data` (a root of the running program) already is at element
 * size `size`: its mirror, or this run's staged copy; else -1, and a shared value
 * asked for here is mirrored from a later call on (as if a kernel had staged it).
 * Kernels that stream their operands (elementwise groups) read such a copy in place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { beginRun, residentOffset, stagedOffset } from "./staging.ts";
 * const x = new Float64Array(10000);
 * const run = beginRun(new Set([x]));
 * assert.equal(residentOffset(x, 8), -1);
 * const at = stagedOffset(x, 8);
 * assert.equal(residentOffset(x, 8), at);
 * run.end();
 * ```
 */
export function residentOffset(data: FloatArray, size: 4 | 8): number {
  const e = engineOffset(data, size);
  if (e >= 0) return e;
  const scope = scopes[scopes.length - 1];
  if (!scope || !scope.roots.has(data)) return -1;
  const m = liveMirror(data, size);
  if (m >= 0) return m;
  const hit = scope.staged?.get(data);
  if (hit) return hit[1] === size ? hit[0] : -1;
  const st = scope.storageOf.get(data);
  if (st && data.length * size >= MIN_STAGED_BYTES && !wanted.has(st)) {
    wanted.set(st, size);
    lastSeen.set(st, data);
  }
  return -1;
}
