/**
 * saveModel, save and savez write atomically, checked against a real full-disk condition:
 * a child process under a file-size limit (`ulimit -f`), as root and as a normal user.
 * The child ignores SIGXFSZ (`trap '' XFSZ`), so an over-limit write fails with EFBIG as a
 * write to a full disk fails with ENOSPC; one more case leaves the signal alone, and the
 * child is killed mid-write.
 */
import assert from "node:assert/strict";
import { chmod, readdir, readFile, stat } from "node:fs/promises";
import * as T from "../mod.ts";
import { load, loadModel, loadz, save, saveModel, savez } from "./mod.ts";

const script = new URL("./testdata/write_under_limit.ts", import.meta.url).pathname;
const root = new URL("..", import.meta.url).pathname;
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
/** Deno itself, not the test shim that Bun and Node run the suite with (tests/bun/deno_shim.ts). */
const isDeno = typeof (Deno as { open?: unknown }).open === "function";
/** Root or not, from `id -u` (the test task runs without --allow-sys, which `process.getuid()` needs). */
const isRoot =
  new TextDecoder().decode((await new Deno.Command("id", { args: ["-u"], stdout: "piped" }).output()).stdout)
    .trim() === "0";
const NOBODY = 65534;
/**
 * The file-size limit, in ulimit's 1024-byte blocks: 8 MiB, above what Deno itself writes to its
 * cache databases (about 2 MB) as it starts, which would otherwise kill the child before it saves.
 */
const LIMIT_BLOCKS = 8192;
/** Elements written to fail (12 MB of float64) and to succeed (80 kB). */
const BIG = 1_500_000, SMALL = 10_000;

/** The command that runs the child script on this runtime (Node runs the tests compiled to .js). */
const runtime = (): string[] =>
  isDeno
    ? [Deno.execPath(), "run", "--allow-read", "--allow-write", script]
    : [Deno.execPath(), isBun ? script : script.replace(/\.ts$/, ".js")];

/** How to become the other kind of user: root -> nobody (setpriv), else root (sudo -n); or why not. */
async function otherUser(): Promise<{ who: string; prefix: string[] } | { why: string }> {
  const works = async (cmd: string[]) => {
    try {
      return (await new Deno.Command(cmd[0], { args: cmd.slice(1), stdout: "null", stderr: "null" }).output())
        .success;
    } catch {
      return false;
    }
  };
  if (isRoot) {
    const prefix = ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"];
    if (!(await works([...prefix, "true"]))) {
      return { why: "running as root, and setpriv (util-linux) cannot switch to the user nobody" };
    }
    // (the Node run compiles the tests into a private temporary folder that nobody cannot read)
    const readable = await works([...prefix, "test", "-r", runtime().at(-1)!]);
    return readable
      ? { who: "a normal user (nobody, by setpriv)", prefix }
      : { why: `the user nobody cannot read ${runtime().at(-1)} here` };
  }
  return (await works(["sudo", "-n", "true"]))
    ? { who: "root (by sudo -n)", prefix: ["sudo", "-n", "--preserve-env=DENO_DIR,HOME"] }
    : { why: "not root, and sudo -n is not allowed here (.ci/run runs as root or with sudo -n)" };
}
const other = await otherUser();
if ("why" in other) console.log(`atomic_write_test: the other-user case is skipped: ${other.why}`);

/** Runs the child under the file-size limit; `trapXfsz` false leaves SIGXFSZ's default (death). */
async function child(
  prefix: string[],
  dir: string,
  kind: string,
  target: string,
  n: number,
  trapXfsz = true,
): Promise<{ out: { ok?: true; error?: string } | undefined; signal: string | null; code: number }> {
  const trap = trapXfsz ? `trap '' XFSZ; ` : "";
  const out = await new Deno.Command(prefix[0] ?? "bash", {
    args: [
      ...prefix.slice(1),
      ...(prefix.length ? ["bash"] : []),
      "-c",
      `${trap}ulimit -f ${LIMIT_BLOCKS} && exec "$@"`,
      "bash",
      ...runtime(),
      kind,
      target,
      String(n),
    ],
    cwd: root,
    env: { DENO_DIR: `${dir}/.deno`, HOME: dir, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  return { out: text ? JSON.parse(text) : undefined, signal: out.signal, code: out.code };
}

const FILES: [string, string, (p: string) => Promise<number>][] = [
  ["saveModel", "model.npz", async (p) => {
    const w = T.shared(new Float64Array(SMALL), { name: "w", dtype: "float64" });
    await loadModel(p, { shared: { w } }, { allowShapeChange: true });
    return w.getValue().item(SMALL - 1) as number;
  }],
  ["save", "array.npy", async (p) => (await load(p)).item(SMALL - 1) as number],
  ["savez", "arrays.npz", async (p) => (await loadz(p)).w.item(SMALL - 1) as number],
];

async function writeOld(kind: string, path: string): Promise<void> {
  const old = T.asarray([1, 2, 3], { dtype: "float64" });
  if (kind === "saveModel") await saveModel(path, { shared: { w: T.shared(old, { name: "w" }) } });
  else if (kind === "save") await save(path, old);
  else await savez(path, { w: old });
}

async function checkUser(prefix: string[]): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hypatia_atomic_" });
  try {
    await chmod(dir, 0o777); // the other user writes here too
    for (const [kind, name, lastValue] of FILES) {
      const path = `${dir}/${name}`;
      await writeOld(kind, path);
      const before = await readFile(path);
      const failed = await child(prefix, dir, kind, path, BIG);
      assert.ok(failed.out?.error, `${kind}: expected an error, got ${JSON.stringify(failed)}`);
      assert.match(failed.out.error, new RegExp(`^${kind}\\('${path}'\\): cannot write '${path}': `));
      assert.match(failed.out.error, /too large/i);
      assert.match(failed.out.error, /the old file, if any, is unchanged/);
      assert.deepEqual(await readFile(path), before, `${kind}: the old file changed`);
      assert.deepEqual(
        (await readdir(dir)).filter((f) => f.includes(".tmp")),
        [],
        `${kind}: a temp file is left`,
      );
      // within the limit, the same child replaces the file
      const ok = await child(prefix, dir, kind, path, SMALL);
      assert.deepEqual(ok.out, { ok: true }, JSON.stringify(ok));
      assert.equal(await lastValue(path), SMALL - 1);
      if (prefix[0] === "setpriv") assert.equal((await stat(path)).uid, NOBODY, "the child ran as nobody");
      assert.deepEqual((await readdir(dir)).filter((f) => f.includes(".tmp")), []);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("saveModel(), save() and savez() under a file-size limit (this user): the old file stays, no temp file is left", async () => {
  await checkUser([]);
});

Deno.test({
  name: "saveModel(), save() and savez() under a file-size limit (the other user: root or a normal one)",
  ignore: "why" in other,
  fn: async () => {
    await checkUser("prefix" in other ? other.prefix : []);
  },
});

Deno.test("saveModel() with SIGXFSZ left at its default leaves the old model as it was, killed or not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hypatia_atomic_" });
  try {
    const path = `${dir}/model.npz`;
    await writeOld("saveModel", path);
    const before = await readFile(path);
    const r = await child([], dir, "saveModel", path, BIG, false);
    assert.deepEqual(await readFile(path), before);
    const left = (await readdir(dir)).filter((f) => f.startsWith(".model.npz.") && f.endsWith(".tmp"));
    if (r.out === undefined) {
      // Deno dies of the signal inside the write: its temporary file, never renamed, stays
      assert.ok(r.signal === "SIGXFSZ" || r.code === 128 + 25, JSON.stringify(r));
      assert.equal(left.length, 1);
      assert.ok((await stat(`${dir}/${left[0]}`)).size <= LIMIT_BLOCKS * 1024);
    } else {
      // Bun (and Node) ignore SIGXFSZ, so the write fails with EFBIG and cleans up
      assert.match(r.out.error ?? "", /too large.*the old file, if any, is unchanged/i);
      assert.deepEqual(left, []);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writes refuse a directory that does not exist, leave nothing, and name the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hypatia_atomic_" });
  try {
    const path = `${dir}/missing/m.npz`;
    await assert.rejects(
      () => saveModel(path, { shared: [T.shared([1], { name: "w", dtype: "float64" })] }),
      (e: Error) =>
        e instanceof T.InputError && e.message.startsWith(`saveModel('${path}'): cannot write '${path}': `),
    );
    // a directory where the file should be: the rename fails, and the temp file is removed
    await Deno.mkdir(`${dir}/taken.npy`);
    await assert.rejects(
      () => save(`${dir}/taken.npy`, [1, 2]),
      (e: Error) =>
        e instanceof T.InputError && e.message.startsWith(`save('${dir}/taken.npy'): cannot write`),
    );
    assert.deepEqual((await readdir(dir)).sort(), ["taken.npy"]);
    await assert.rejects(
      () => savez(new URL("http://example.com/a.npz"), [[1]]),
      /cannot write to 'http:\/\/example.com\/a.npz' \(not a file: URL\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
