/**
 * Every entry (mod.ts, io/mod.ts, expr.ts, plot/mod.ts, progress/mod.ts, onnx/mod.ts) loads over HTTP with no import map and no
 * config, as a user's script would import it from a URL: the core imports nothing, and
 * the optional entries import their npm packages by `npm:` specifiers, which Deno fetches
 * from the npm registry itself.
 */
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url);

/**
 * Serves the repository's `.ts` files on 127.0.0.1 and runs `code` under `deno eval` with
 * no config and no lock file, with `$ROOT` in `code` replaced by the server's URL;
 * returns its stdout.
 */
async function runOverHttp(code: string, flags: string[] = []): Promise<string> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (!path.endsWith(".ts") || path.includes("..")) return new Response("not found", { status: 404 });
    try {
      const body = await Deno.readFile(new URL(`.${path}`, root));
      return new Response(body, { headers: { "content-type": "application/typescript" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  try {
    const { port } = server.addr as Deno.NetAddr;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--no-config",
        "--no-lock",
        `--allow-import=127.0.0.1:${port}`,
        ...flags,
        code.replaceAll("$ROOT", `http://127.0.0.1:${port}`),
      ],
      cwd: "/tmp",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    return new TextDecoder().decode(out.stdout).trim();
  } finally {
    await server.shutdown();
  }
}

Deno.test("mod.ts imports over HTTP from a local server with no import map", async () => {
  const out = await runOverHttp(`import * as T from "$ROOT/mod.ts";
const x = T.dvector("x");
const f = T.function([x], T.grad(T.sum(T.mul(x, x)), x));
console.log(f([1, 2, 3]).toString());`);
  assert.equal(out, "[2. 4. 6.]");
});

Deno.test("io/mod.ts imports over HTTP with no import map and inflates what it deflated", async () => {
  const out = await runOverHttp(`import * as T from "$ROOT/mod.ts";
import { parseNpz, toNpz } from "$ROOT/io/mod.ts";
const bytes = await toNpz({ w: T.asarray(new Float64Array(5000).fill(0.5)) }, { compress: true });
const { w } = await parseNpz(bytes);
console.log(bytes.length < 1000, w.size, w.item(4999));`);
  assert.equal(out, "true 5000 0.5");
});

Deno.test("expr.ts imports over HTTP with no import map, mathjs coming from npm", async () => {
  const out = await runOverHttp(`import * as T from "$ROOT/mod.ts";
import { expr } from "$ROOT/expr.ts";
const x = T.dvector("x");
const f = T.function([x], expr\`1 / (1 + exp(-\${x}))\`);
console.log(Array.from(f([0, 1]).data).join(","));`);
  const [a, b] = out.split(",").map(Number);
  assert.equal(a, 0.5);
  assert.ok(Math.abs(b - 1 / (1 + Math.exp(-1))) < 1e-15, out);
});

Deno.test("plot/mod.ts imports over HTTP with no import map and draws a chart and a graph to SVG", async () => {
  const out = await runOverHttp(
    `import * as T from "$ROOT/mod.ts";
import { graphPicture, lineChartSpec, renderSvg } from "$ROOT/plot/mod.ts";
const svg = await renderSvg(lineChartSpec([{ name: "cost", x: [0, 1, 2], y: [3, 1, 2] }], { xTitle: "epoch" }));
console.log(svg.startsWith("<svg") && svg.includes("epoch") ? "svg with title" : svg.slice(0, 200));
const graph = await graphPicture(T.exp(T.dvector("x")));
console.log(graph.includes(">exp</text>") ? "graph picture" : graph.slice(0, 200));`,
    ["--allow-read", "--allow-env", "--allow-sys"],
  );
  assert.equal(out, "svg with title\ngraph picture");
});

Deno.test("progress/mod.ts imports over HTTP with no import map and prints plain progress lines", async () => {
  const out = await runOverHttp(`import { Progress } from "$ROOT/progress/mod.ts";
const lines = [];
const bar = new Progress(4, { label: "steps", every: 0.5, out: { write: (s) => lines.push(s), isTTY: false } });
for (let i = 1; i <= 4; i++) bar.update(i);
bar.finish();
console.log(lines.map((l) => l.split(",")[0]).join("|"));`);
  assert.equal(out, "steps: 50% 2/4 steps|steps: 100% 4/4 steps");
});

Deno.test("onnx/mod.ts imports over HTTP with no import map and exports a function to ONNX bytes", async () => {
  const out = await runOverHttp(`import * as T from "$ROOT/mod.ts";
import { toOnnx } from "$ROOT/onnx/mod.ts";
const x = T.dvector("x");
const bytes = toOnnx(T.function([x], T.exp(x)));
console.log(bytes instanceof Uint8Array && new TextDecoder().decode(bytes).includes("hypatia") ? "model" : bytes.length);`);
  assert.equal(out, "model");
});
