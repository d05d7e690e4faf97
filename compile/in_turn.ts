/**
 * Asynchronous calls take turns on their shared variables. A WebGPU (or auto) call reads
 * its shared variables when it starts and replaces them when it ends, with awaits in
 * between; two calls started together on the same variables would both read the old
 * values, and one call's updates would overwrite the other's. So a call that touches
 * (reads or updates) a shared variable starts only once every earlier call touching any
 * of its variables has settled, in the order the calls were made. Calls on disjoint
 * variables still overlap.
 * @module
 */
import type { SharedVariable } from "../core/shared.ts";

/** The settling of the last call started on each shared variable. */
const lastCall = new WeakMap<SharedVariable, Promise<void>>();

/**
 * Runs `start` once every earlier call on any of `vars` has settled (at once when there
 * is none), and returns its promise. A failed call does not stop the next one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * import { inTurn } from "./in_turn.ts";
 * const v = T.shared(0, { dtype: "float64" });
 * const log: string[] = [];
 * const slow = inTurn([v], async () => {
 *   await new Promise((r) => setTimeout(r, 10));
 *   log.push("first");
 * });
 * const next = inTurn([v], async () => void log.push("second"));
 * await Promise.all([slow, next]);
 * assert.deepEqual(log, ["first", "second"]);
 * ```
 */
export function inTurn<T>(vars: Iterable<SharedVariable>, start: () => Promise<T>): Promise<T> {
  const mine = new Set(vars);
  const before = [...mine].map((v) => lastCall.get(v)).filter((p) => p !== undefined);
  let call: Promise<T>;
  if (before.length === 0) {
    try {
      call = start();
    } catch (e) {
      call = Promise.reject(e);
    }
  } else call = Promise.all(before).then(start);
  const settled = call.then(() => {}, () => {});
  for (const v of mine) lastCall.set(v, settled);
  settled.then(() => {
    for (const v of mine) if (lastCall.get(v) === settled) lastCall.delete(v);
  });
  return call;
}
