import assert from "node:assert/strict";
import { nodeRangeAdmits } from "./node_range.ts";

Deno.test("nodeRangeAdmits() reads the engines ranges found in the lock file as npm does", () => {
  const v = "20.19.0";
  for (
    const r of [
      "*",
      ">=18",
      ">= 10",
      ">=0.10.0",
      "4.x || >=6.0.0",
      "6.* || 8.* || >= 10.*",
      "^20.19.0 || ^22.12.0 || >=23",
      "20",
      "^20.1",
      "~20.19.0",
      ">19",
      "<21",
      "<=20",
    ]
  ) {
    assert.ok(nodeRangeAdmits(r, v), r);
  }
  for (
    const r of [">=22", "^20.19.1 || >=23", "^18", "~20.18.0", ">20", "<20.19.0", "<=19", "18.x", "=20.18.0"]
  ) {
    assert.ok(!nodeRangeAdmits(r, v), r);
  }
  assert.throws(() => nodeRangeAdmits(">=lts", v), /cannot read the version "lts"/);
});
