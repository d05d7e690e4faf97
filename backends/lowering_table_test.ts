import assert from "node:assert/strict";
import { LoweringTable } from "./lowering_table.ts";
import { expOp, logOp, sqrtOp } from "../ops/exp_log.ts";
import { dotOp } from "../ops/dot.ts";
import { defineOp } from "../core/graph.ts";

Deno.test("LoweringTable: rules and reasons by op object; a miss is undefined", () => {
  const t = new LoweringTable<{ costly: boolean }>("test")
    .register([expOp, logOp], { costly: true })
    .decline(dotOp, "no kernel here");
  assert.equal(t.get(expOp)?.costly, true);
  assert.equal(t.get(logOp)?.costly, true);
  assert.equal(t.get(dotOp), undefined);
  assert.equal(t.reason(dotOp), "no kernel here");
  assert.equal(t.get(sqrtOp), undefined);
  assert.equal(t.reason(sqrtOp), undefined);
});

Deno.test("LoweringTable: an op is found by its object, never by its name", () => {
  // A second op named "exp" (a user's own, say) is not the library's exp.
  const other = defineOp<null>({ name: "exp", inferType: ([x]) => [x.type], perform: ([x]) => [x] });
  const t = new LoweringTable<number>("test").register(expOp, 1);
  assert.equal(t.get(expOp), 1);
  assert.equal(t.get(other), undefined);
});

Deno.test("LoweringTable: an op listed twice, or declined without a reason, is an error naming the engine and op", () => {
  const t = new LoweringTable<number>("myengine").register(expOp, 1);
  assert.throws(() => t.register(expOp, 2), /myengine table: op exp is listed twice/);
  assert.throws(() => t.decline(expOp, "why"), /myengine table: op exp is listed twice/);
  assert.throws(() => t.decline(logOp, "  "), /myengine table: a declined op needs a reason/);
  assert.equal(t.get(expOp), 1, "the first rule stays");
  assert.equal(t.reason(logOp), undefined);
});
