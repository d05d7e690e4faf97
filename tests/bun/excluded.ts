/**
 * The one place that says which tests do not run under Bun and Node, and why. Everything
 * else in the suite runs under `bun test` (tests/bun/run.ts) and under Node's test runner
 * against the npm build (tests/bun/run_node.ts), through the Deno shim
 * (tests/bun/deno_shim.ts).
 * @module
 */

/** Why a test file that needs a WebGPU adapter is left out. */
export const WEBGPU_REASON = "WebGPU: Bun and Node have no navigator.gpu (the file needs an adapter)";

/** Why a test that itself runs scripts under `deno` and under `bun` is left out. */
export const SPAWNS_BOTH_REASON = "spawns `deno run` and `bun` itself: it already checks both runtimes";

/**
 * Test files not loaded at all under Bun and Node (their top level already needs Deno).
 * Besides these, every file that calls `requireAdapter(` or reads `navigator.gpu` is
 * left out for {@link WEBGPU_REASON}, and every file that spawns both `Deno.execPath()`
 * and `node_modules/.bin/bun` for {@link SPAWNS_BOTH_REASON} (see {@link exclusionReason}).
 */
export const EXCLUDED_FILES: Record<string, string> = {
  "backends/wasm/threads_exit_test.ts":
    "spawns a Deno child with Deno.Command(...).spawn(), which the shim lacks; the hang it looks for is Deno's " +
    "(Bun's pool workers are unref'd, and Node 20 has no web Workers)",
  "tests/elemwise_wgsl_test.ts": WEBGPU_REASON,
  "tests/soak_test.ts": "runs tests/soak.ts under `deno run` (Deno's heap API, --expose-gc and WebGPU)",
  "tests/http_import_test.ts": "Deno-only: Deno.serve and `deno eval` importing mod.ts over HTTP",
  "tests/npm_package_test.ts":
    "already covers Bun: it installs the packed npm build in a Bun project and runs it",
  "scripts/basics_test.ts":
    "spawns `deno run` at load time; it already compares the script's Deno and Bun output",
  "scripts/scripts_test.ts": "spawns `deno run` and `bun`; it already runs every script under both runtimes",
  "scripts/plot_test.ts":
    "spawns `deno run` with Deno's permission flags, and `bun`; it already plots under both",
  "scripts/heap_test.ts":
    "spawns `deno run --v8-flags=--expose-gc` and `bun`; it already checks the heap under both",
  "compile/function_types_test.ts":
    "runs `deno check` on files that must and must not compile: the types are Deno's and TypeScript's, not the runtime's",
  "examples/notebooks_test.ts":
    "executes the notebooks with Jupyter's nbconvert and Deno's kernel: Deno-only by nature",
  "progress/tty_test.ts": SPAWNS_BOTH_REASON,
  "core/config_test.ts":
    "checks Deno's permission system (--allow-env granted or not) in `deno run` children",
};

/** Single tests (by exact name) skipped under Bun and Node; the rest of their file runs. */
export const EXCLUDED_TESTS: Record<string, string> = {
  "deno_test_runner fails a run whose tests pass but whose process then aborts":
    "runs `deno test` through tools/deno_test_runner.ts: it checks Deno's own test runner",
  "wasm elementwise: shape errors name the node, as the JS loop's do":
    "compares the user lines of two builds made by a tail-calling arrow; JavaScriptCore's proper tail calls " +
    "drop that frame, so each build names its own caller (the messages are right, but differ)",
};

/**
 * Further files not run under Node (tests/bun/run_node.ts runs the tests compiled to
 * JavaScript beside the npm build, with Node's test runner).
 */
export const NODE_EXCLUDED_FILES: Record<string, string> = {
  "tools/repo_test.ts": "reads and imports the TypeScript sources themselves, which Node 20 cannot load",
  "tests/bun/excluded_test.ts":
    "reads the TypeScript test sources, which the Node run (compiled tests) does not have",
  "tools/lockfile_test.ts":
    "reads the repository's package.json, lock file and README, which the Node run's package folder does not hold",
  "tools/npm_specifiers_test.ts":
    "the Node run compiles tests beside the build, whose post-pass rewrites npm: specifiers in every emitted file, " +
    "the test's sample text included",
};

/** Further single tests (by exact name) not run under Node. */
export const NODE_EXCLUDED_TESTS: Record<string, string> = {
  "onnx: the vendored onnx.proto and the string the entry parses are the same text":
    "reads onnx/vendor/onnx.proto, which the Node run's package folder does not hold (the build has the string)",
  "onnx ops: the functions above reach every op the ONNX table has a rule for":
    "lists the ops by importing the TypeScript sources of ops/ and random/, which the Node run does not have",
  "threads: two-thread GEMMs (and GEMVs, which stay on one thread) give the single-thread results exactly":
    "Node 20 has no global Worker (web workers), so the WebAssembly pool has no second thread there",
  "threads: large elementwise groups split across threads give the one-thread results exactly, kernel after kernel":
    "Node 20 has no global Worker (web workers), so the WebAssembly pool has no second thread there",
  "h-vec vector rules: a group split across worker threads gives the single thread's values":
    "Node 20 has no global Worker (web workers), so the WebAssembly pool has no second thread there",
  "h-vec vector rules: compiled unary functions agree with the engine off (float32, float64)":
    "its guard that the engine ran (some float64 result differs from the JS rule's) fails where the vector arctan " +
    "equals Node 20's Math.atan at every point; the ulp bounds are checked by vmath_test.ts there",
  "MRG state JSON restores the continuation in a fresh isolate (a worker with its own modules)":
    "Node 20 has no global Worker (web workers); Deno and Bun do",
  "saveModel() after N training steps, loadModel() in a fresh process: training continues identically":
    "the child script runs only `if (import.meta.main)`, which Node has from 24 on (this runs on Node 20)",
};

/** Why a test file (path relative to the root, and its text) is not run, or undefined. */
export function exclusionReason(file: string, text: string, node: boolean): string | undefined {
  const listed = EXCLUDED_FILES[file] ?? (node ? NODE_EXCLUDED_FILES[file] : undefined);
  if (listed) return listed;
  if (/requireAdapter\(|navigator\.gpu/.test(text)) return WEBGPU_REASON;
  if (text.includes("Deno.execPath()") && text.includes("node_modules/.bin/bun")) return SPAWNS_BOTH_REASON;
  return undefined;
}
