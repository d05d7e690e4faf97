/**
 * The entries load over HTTP with no import map and no config, as a user's script would
 * import them from a URL.
 */
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url);

/** Serves the repository's .ts files on 127.0.0.1 and runs `code` with `deno eval`, which gets `base`. */
async function evalOverHttp(code: (base: string) => string): Promise<string> {
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
        code(`http://127.0.0.1:${port}`),
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
  const out = await evalOverHttp((base) =>
    `import * as T from "${base}/mod.ts";
const x = T.dvector("x");
const f = T.function([x], T.grad(T.sum(T.mul(x, x)), x));
console.log(f([1, 2, 3]).toString());`
  );
  assert.equal(out, "[2. 4. 6.]");
});

Deno.test("io/mod.ts imports over HTTP with no import map and inflates what it deflated", async () => {
  const out = await evalOverHttp((base) =>
    `import * as T from "${base}/mod.ts";
import { parseNpz, toNpz } from "${base}/io/mod.ts";
const bytes = await toNpz({ w: T.asarray(new Float64Array(5000).fill(0.5)) }, { compress: true });
const { w } = await parseNpz(bytes);
console.log(bytes.length < 1000, w.size, w.item(4999));`
  );
  assert.equal(out, "true 5000 0.5");
});
