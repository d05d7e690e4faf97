/**
 * Run scopes: while a CPU program runs, its root buffers (inputs, shared values,
 * constants) cannot change, so a large one that several kernels read (a data matrix
 * used by the forward product and again by the gradient) is copied into the arena
 * once per run and read in place after that. The copies live above the scope's
 * arena mark and are released when the run ends; kernels allocate their own space
 * above them with the usual stack discipline. Outside a scope nothing is staged.
 * @module
 */
import { type Arena, arena } from "./memory.ts";

/** Buffers smaller than this are cheaper to copy again than to look up. */
const MIN_STAGED_BYTES = 64 * 1024;

/** A float typed array. */
type FloatArray = Float32Array | Float64Array;

interface Scope {
  roots: ReadonlySet<unknown>;
  /** The arena mark taken at the first staging of the run (-1 before). */
  mark: number;
  /** Byte offset in the arena of each staged buffer, and its element size. */
  staged: Map<unknown, [number, number]>;
}

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
export function beginRun(roots: ReadonlySet<unknown>): RunScope {
  const scope: Scope = { roots, mark: -1, staged: new Map() };
  scopes.push(scope);
  return {
    end() {
      const i = scopes.lastIndexOf(scope);
      if (i < 0) return;
      // Scopes nest (a scan body runs inside its outer program): close inner ones too.
      for (let j = scopes.length - 1; j >= i; j--) if (scopes[j].mark >= 0) arena().release(scopes[j].mark);
      scopes.length = i;
    },
  };
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
  const hit = scopes[scopes.length - 1]?.staged.get(data);
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
  const scope = scopes[scopes.length - 1];
  if (!scope || !scope.roots.has(data) || data.length * size < MIN_STAGED_BYTES) {
    return { at: -1, fresh: false };
  }
  const hit = scope.staged.get(data);
  if (hit) return { at: hit[1] === size ? hit[0] : -1, fresh: false }; // other width: copy as usual
  if (scope.mark < 0) scope.mark = a.mark();
  const at = a.alloc(data.length * size);
  if (at < 0) return { at: -1, fresh: false };
  scope.staged.set(data, [at, size]);
  return { at, fresh: true };
}
