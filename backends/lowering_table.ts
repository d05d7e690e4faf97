/**
 * An engine's lowering table: how one engine (JS, wasm, WebGPU) runs each op, keyed by
 * the op object. Each engine fills its table in one place (its `table.ts`) with explicit
 * `register` calls, and says in `decline` calls why it has no rule for the other ops;
 * tools/repo_test.ts checks that every op has one or the other in every engine. A lookup
 * miss means "this engine cannot run the node", and the node is placed on the next
 * engine of the device's list.
 * @module
 */
import type { Op } from "../core/graph.ts";

/**
 * One engine's rules (`R`, the engine's own rule type, cost hints included) by op.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LoweringTable } from "./lowering_table.ts";
 * import { expOp, logOp } from "../ops/exp_log.ts";
 * const t = new LoweringTable<{ costly: boolean }>("example")
 *   .register(expOp, { costly: true })
 *   .decline(logOp, "not written yet");
 * assert.equal(t.get(expOp)?.costly, true);
 * assert.equal(t.get(logOp), undefined);
 * assert.equal(t.reason(logOp), "not written yet");
 * ```
 */
export class LoweringTable<R> {
  readonly #rules = new Map<Op, R>();
  readonly #declined = new Map<Op, string>();
  #rest: string | undefined;

  /** `engine` names the engine in messages ("wasm", "webgpu", ...). */
  constructor(readonly engine: string) {}

  /** Give `ops` (one op or several sharing a rule) the rule `rule`. */
  register(ops: Op | readonly Op[], rule: R): this {
    for (const op of Array.isArray(ops) ? ops : [ops as Op]) {
      this.#check(op);
      this.#rules.set(op, rule);
    }
    return this;
  }

  /** Say why this engine has no rule for `ops` (the scheduler places them elsewhere). */
  decline(ops: Op | readonly Op[], reason: string): this {
    if (!reason.trim()) throw new Error(`${this.engine} table: a declined op needs a reason`);
    for (const op of Array.isArray(ops) ? ops : [ops as Op]) {
      this.#check(op);
      this.#declined.set(op, reason);
    }
    return this;
  }

  /**
   * Say why this engine runs no op but those it registered: for an engine whose domain is a
   * closed set (the BLAS engine runs matrix products and nothing else). Engines meant to run
   * most ops list each decline instead, so that a new op is noticed there.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { LoweringTable } from "./lowering_table.ts";
   * import { dotOp } from "../ops/dot.ts";
   * import { expOp } from "../ops/exp_log.ts";
   * const t = new LoweringTable<string>("products").register(dotOp, "gemm").declineRest("products only");
   * assert.equal(t.reason(expOp), "products only");
   * assert.equal(t.reason(dotOp), undefined);
   * ```
   */
  declineRest(reason: string): this {
    if (!reason.trim()) throw new Error(`${this.engine} table: a declined op needs a reason`);
    this.#rest = reason;
    return this;
  }

  /** The rule for `op`, or undefined when this engine cannot run it. */
  get(op: Op): R | undefined {
    return this.#rules.get(op);
  }

  /** Why this engine has no rule for `op`, when it said so. */
  reason(op: Op): string | undefined {
    return this.#declined.get(op) ?? (this.#rules.has(op) ? undefined : this.#rest);
  }

  #check(op: Op): void {
    if (this.#rules.has(op) || this.#declined.has(op)) {
      throw new Error(`${this.engine} table: op ${op.name} is listed twice`);
    }
  }
}
