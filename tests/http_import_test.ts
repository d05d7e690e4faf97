/**
 * mod.ts loads over HTTP with no import map and no config, as a user's script would
 * import it from a URL.
 */
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url);

Deno.test("mod.ts imports over HTTP from a local server with no import map", async () => {
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
    const url = `http://127.0.0.1:${port}/mod.ts`;
    const code = `import * as T from "${url}";
const x = T.dvector("x");
const f = T.function([x], T.grad(T.sum(T.mul(x, x)), x));
console.log(f([1, 2, 3]).toString());`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-config", "--no-lock", `--allow-import=127.0.0.1:${port}`, code],
      cwd: "/tmp",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "[2. 4. 6.]");
  } finally {
    await server.shutdown();
  }
});
