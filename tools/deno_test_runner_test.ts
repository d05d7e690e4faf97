/** tools/deno_test_runner.ts: which runs pass, which fail, and the one abort it tolerates. */
import assert from "node:assert/strict";
import { judge, splitArgs, USES_WEBGPU } from "./deno_test_runner.ts";

const OK = "running 3 tests from ./x_test.ts\n...\n\nok | 3 passed | 0 failed (1s)\n\n";
const ABORT = { success: false, code: 134, signal: "SIGABRT" };

Deno.test("deno_test_runner judge(): only the teardown crash (abort or segfault) after a clean WebGPU run is tolerated", () => {
  assert.equal(judge({ success: true, code: 0, signal: null }, OK, "", false), "pass");
  for (
    const msg of [
      "corrupted size vs. prev_size",
      "double free or corruption (out)",
      "free(): invalid pointer",
    ]
  ) {
    assert.equal(judge(ABORT, OK, `Check x\n${msg}\n`, true), "tolerated", msg);
    assert.equal(judge(ABORT, OK, `${msg}\n`, false), "fail", `${msg}: not a WebGPU group`);
  }
  assert.equal(
    judge(ABORT, OK.replace("0 failed", "1 failed"), "double free or corruption (out)", true),
    "fail",
  );
  assert.equal(judge(ABORT, OK + "more output\n", "double free or corruption (out)", true), "fail");
  assert.equal(judge(ABORT, OK, "double free or corruption (out) and more", true), "fail");
  assert.equal(judge(ABORT, OK, "thread 'main' panicked at ...", true), "fail");
  const SEGV = { success: false, code: 139, signal: "SIGSEGV" };
  assert.equal(judge(SEGV, OK, "", true), "tolerated"); // the teardown crash without a message
  assert.equal(judge(SEGV, OK, "hypatia: a placement note\n", true), "tolerated");
  assert.equal(judge(SEGV, OK, "thread 'main' panicked at ...", true), "fail");
  assert.equal(judge(SEGV, OK, "error: Uncaught TypeError", true), "fail");
  assert.equal(judge(SEGV, OK.replace("0 failed", "1 failed"), "", true), "fail");
  assert.equal(judge(SEGV, OK, "", false), "fail"); // not a WebGPU group
  assert.equal(
    judge({ success: false, code: 1, signal: null }, OK, "corrupted size vs. prev_size", true),
    "fail",
  );
  // colours do not matter
  assert.equal(
    judge(
      ABORT,
      "\x1b[32mok\x1b[0m | 3 passed | 0 failed \x1b[38;5;245m(1s)\x1b[0m\n",
      "free(): invalid size\n",
      true,
    ),
    "tolerated",
  );
});

Deno.test("deno_test_runner splitArgs() keeps flag values with their flags; USES_WEBGPU marks the WebGPU files", () => {
  assert.deepEqual(splitArgs(["--allow-read", "--filter", "exp()", "a_test.ts", "--doc", "dir"]), {
    flags: ["--allow-read", "--filter", "exp()", "--doc"],
    paths: ["a_test.ts", "dir"],
  });
  // (spelled in pieces, so this file is not itself taken for a WebGPU one)
  const gpu = ["navigator", "gpu"].join(".");
  for (const src of [`await requireAdapter${"()"};`, `const g = ${gpu};`, `{ device: "web${"gpu"}" }`]) {
    assert.ok(USES_WEBGPU.test(src), src);
  }
  assert.ok(!USES_WEBGPU.test(`import { load } from "./mod.ts";\nT.function([x], y, { device: "cpu" });`));
});

Deno.test("deno_test_runner fails a run whose tests pass but whose process then aborts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // it aborts at unload, after its test passed; the WebGPU-marked one even prints a glibc message first
    const abort = `globalThis.addEventListener("unload", () => {
  console.error("corrupted size vs. prev_size");
  Deno.kill(Deno.pid, "SIGABRT");
});
`;
    await Deno.writeTextFile(`${dir}/aborts_test.ts`, `Deno.test("passes", () => {});\n${abort}`);
    await Deno.writeTextFile(
      `${dir}/gpu_aborts_test.ts`,
      `// ${
        ["navigator", "gpu"].join(".")
      } (marks the file as a WebGPU one)\nDeno.test("passes", () => {});\n${abort}`,
    );
    await Deno.writeTextFile(`${dir}/fine_test.ts`, `Deno.test("passes too", () => {});\n`);
    const runner = new URL("./deno_test_runner.ts", import.meta.url).pathname;
    const go = async (file: string) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-check",
          "--allow-run",
          "--allow-read",
          runner,
          "--no-config",
          "--allow-run",
          file,
        ],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
    };
    for (const file of ["aborts_test.ts", "gpu_aborts_test.ts", "."]) {
      const r = await go(file);
      assert.equal(r.code, 134, `${file}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /tolerated/);
    }
    const fine = await go("fine_test.ts");
    assert.equal(fine.code, 0, fine.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
