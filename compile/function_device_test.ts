/**
 * The device of a compiled function, as its type says (compile/function_types_test.ts
 * checks the types): without a `device` option it is the CPU and synchronous whatever
 * `config.device` says; `{ device: config.device }` follows the configuration.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";

Deno.test("function() without a device option runs synchronously on the CPU whatever config.device says", async () => {
  const saved = T.config.device;
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (...a: unknown[]) => void warnings.push(a.join(" "));
  try {
    T.config.device = "auto";
    const x = T.dvector("x");
    const f = T.function([x], T.neg(x));
    const out = f([1, 2]);
    assert.ok(!(out instanceof Promise), "a Promise from a function typed synchronous");
    assert.equal(out.toString(), "[-1. -2.]");
    T.function([x], T.exp(x));
    assert.equal(warnings.length, 1, "said once");
    assert.match(warnings[0], /config\.device is "auto".*run on the CPU.*\{ device: T\.config\.device \}/);

    const g = T.function([x], T.neg(x), { device: T.config.device });
    const pending = g([1, 2]);
    assert.ok(pending instanceof Promise, "the configured device (auto) is asynchronous");
    assert.equal((await pending).toString(), "[-1. -2.]");
    (g as T.AsyncCompiledFunction<T.NDArray>).dispose();

    T.config.device = "cpu";
    const h = T.function([x], T.neg(x), { device: T.config.device });
    assert.equal((await h([3])).toString(), "[-3.]");
  } finally {
    T.config.device = saved;
    console.warn = warn;
  }
});
