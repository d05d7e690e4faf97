import assert from "node:assert/strict";
import { bool, checkOptions, count, describeValue, either, nearestKey, num, oneOf, str } from "./options.ts";
import { InputError } from "./errors.ts";

const SPEC = { considerConstant: num, disconnectedInputs: oneOf("raise", "ignore"), keepdims: bool };

Deno.test("checkOptions() accepts known keys, undefined values and no options at all", () => {
  assert.equal(checkOptions("grad", undefined, SPEC), undefined);
  assert.deepEqual(checkOptions("grad", { keepdims: true, considerConstant: undefined }, SPEC), {
    keepdims: true,
    considerConstant: undefined,
  });
  const bare = Object.create(null);
  assert.equal(checkOptions("grad", bare, SPEC), bare);
});

Deno.test("checkOptions() refuses an unknown key, naming it and the nearest accepted one", () => {
  const cases: [string, string | undefined][] = [
    ["consider_constant", "considerConstant"], // snake_case
    ["disconnected_inputs", "disconnectedInputs"],
    ["keepDims", "keepdims"], // case
    ["keep_dims", "keepdims"],
    ["keepdim", "keepdims"], // a slip
    ["colour", undefined], // nothing close
  ];
  for (const [key, near] of cases) {
    assert.throws(
      () => checkOptions("grad", { [key]: 1 }, SPEC),
      (e: Error) =>
        e instanceof InputError && e.message.startsWith(`grad: unknown option "${key}"`) &&
        (near ? e.message.includes(`did you mean "${near}"?`) : !e.message.includes("did you mean")) &&
        e.message.includes("(options: considerConstant, disconnectedInputs, keepdims)"),
      key,
    );
  }
});

Deno.test("checkOptions() says what a wrongly typed value should be, never [object Object]", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ keepdims: 1 }, /option "keepdims" must be true or false, got 1$/],
    [{ disconnectedInputs: "quiet" }, /must be one of "raise", "ignore", got "quiet"$/],
    [{ considerConstant: NaN }, /must be a number, got NaN$/],
    [{ keepdims: { yes: true } }, /got an object with keys yes$/],
    [{ keepdims: [1, 2] }, /got a list of 2$/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => checkOptions("sum", options, SPEC),
      (e: Error) => e instanceof InputError && message.test(e.message),
    );
  }
  for (const bad of [3, "fast", [1], new Map(), null]) {
    assert.throws(
      () => checkOptions("sum", bad, SPEC),
      (e: Error) =>
        e instanceof InputError && /^sum: options must be an object like \{/.test(e.message) &&
        !e.message.includes("[object"),
    );
  }
});

Deno.test("option kinds and helpers", () => {
  assert(count.test(0) && !count.test(-1) && !count.test(1.5));
  assert(str.test("a") && !str.test(1));
  const numOrFlag = either(num, bool);
  assert(numOrFlag.test(1) && numOrFlag.test(false) && !numOrFlag.test("x"));
  assert.equal(numOrFlag.expected, "a number or true or false");
  assert.equal(nearestKey("no_default_updates", ["noDefaultUpdates", "updates"]), "noDefaultUpdates");
  assert.equal(nearestKey("update", ["updates", "givens"]), "updates");
  assert.equal(describeValue(new Map()), "a Map");
  assert.equal(describeValue(() => 1), "a function");
});
