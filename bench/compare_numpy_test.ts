// bench/compare_numpy.ts run end to end in its --quick mode (a few seconds), under Deno
// and Bun, against a python3 child with NumPy; and its refusals of bad command lines.
// Nothing here looks at a time: only that every workload ran on both sides, agreed, and
// got a ratio.
import assert from "node:assert/strict";

const script = new URL("./compare_numpy.ts", import.meta.url).pathname;
const bun = new URL("../node_modules/.bin/bun", import.meta.url).pathname;
const DENO_FLAGS = ["run", "--allow-read", "--allow-env", "--allow-ffi", "--allow-run=python3"];

async function run(cmd: string, args: string[]) {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** The table's rows: workload label -> [Hypatia, NumPy, ratio best, ratio median, goal, check]. */
function rows(stdout: string): Map<string, string[]> {
  const body = stdout.split("\n").filter((l) =>
    l.startsWith("| ") && !l.startsWith("| workload") && !l.startsWith("| -")
  );
  return new Map(
    body.map((l) => l.split("|").slice(1, -1).map((c) => c.trim())).map((c) => [c[0], c.slice(1)]),
  );
}

function assertRatios(stdout: string, expected: number) {
  const table = rows(stdout);
  assert.equal(table.size, expected, stdout);
  for (const [label, [ours, theirs, best, median, , check]] of table) {
    for (const t of [ours, theirs]) assert.match(t, /^\d+\.\d+ \(\d+\.\d+\)$/, `${label}: ${t}`);
    for (const r of [best, median]) assert(Number(r) > 0, `${label}: ratio ${r}`);
    assert.match(check, /^(rel\. diff \d\.\de[-+]\d+|means -?0\.\d{4} \/ -?0\.\d{4})$/, `${label}: ${check}`);
  }
}

Deno.test("compare_numpy.ts --quick under Deno: every workload timed against NumPy, cross-checked, BLAS named", async () => {
  const { code, stdout, stderr } = await run(Deno.execPath(), [...DENO_FLAGS, script, "--quick"]);
  assert.equal(code, 0, stderr);
  assertRatios(stdout, 12);
  assert.match(stdout, /NumPy's BLAS \(built with\): \{.*"name"/);
  assert.match(stdout, /Hypatia's host engines: (blas, )?wasm, js; its BLAS: /);
  assert.match(stdout, /removed from NumPy's environment only: OPENBLAS_CORETYPE=.*, OPENBLAS_L2_SIZE=/);
});

Deno.test("compare_numpy.ts --quick --without-blas: each workload also timed with the BLAS engine off", async () => {
  const { code, stdout, stderr } = await run(Deno.execPath(), [
    ...DENO_FLAGS,
    script,
    "--quick",
    "--only",
    "matmul64,logreg",
    "--without-blas",
  ]);
  assert.equal(code, 0, stderr);
  assertRatios(stdout, 4);
  assert.match(stdout, /matmul 256² float64, BLAS off/);
});

Deno.test("compare_numpy.ts --quick under Bun (two workloads)", async () => {
  const { code, stdout, stderr } = await run(bun, [script, "--quick", "--only", "logreg,bptt"]);
  assert.equal(code, 0, stderr);
  assertRatios(stdout, 2);
  assert.match(stdout, /Hypatia on Bun\//);
});

Deno.test("compare_numpy.ts: --help, and bad command lines refused by name before NumPy starts", async () => {
  const help = await run(Deno.execPath(), [...DENO_FLAGS, script, "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--quick/);
  const bad: [string[], RegExp][] = [
    [["--fast"], /Unknown option '--fast'/],
    [["--rounds", "0"], /--rounds must be a positive integer, got "0"/],
    [["--warmup", "soon"], /--warmup must be a number of milliseconds, got "soon"/],
    [["--warmup", ""], /--warmup must be a number of milliseconds, got ""/],
    [["--only", "matmul64,nope"], /unknown workload\(s\) nope \(known: matmul32, matmul64, /],
  ];
  for (const [args, message] of bad) {
    const r = await run(Deno.execPath(), [...DENO_FLAGS, script, ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  }
  const noPython = await run(Deno.execPath(), [
    "run",
    "--allow-read",
    "--allow-env",
    "--allow-run",
    script,
    "--quick",
    "--python",
    "/nonexistent/python3",
  ]);
  assert.notEqual(noPython.code, 0);
  assert.match(noPython.stderr, /cannot start \/nonexistent\/python3 .*: it needs NumPy/);
});
