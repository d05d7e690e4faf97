/**
 * Writes one file with `saveModel`, `save` or `savez` and prints a JSON line, `{ "ok": true }` or
 * `{ "error": message }`. io/atomic_write_test.ts runs it in a child process under a file-size limit
 * (`ulimit -f`), as root and as a normal user, to check that a failed write leaves the old file as it
 * was and no temporary file behind.
 *
 * Run: `deno run --allow-read --allow-write io/testdata/write_under_limit.ts saveModel /tmp/m.npz 300000`
 * (the last argument is the number of float64 elements to write).
 * @module
 */
import * as T from "../../mod.ts";
import { save, saveModel, savez } from "../mod.ts";

const [kind, target, n] = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (await import("node:process")).default.argv.slice(2);
const values = T.asarray(Float64Array.from({ length: Number(n) }, (_, k) => k), { dtype: "float64" });
const writers: Record<string, () => Promise<void>> = {
  saveModel: () => saveModel(target, { shared: { w: T.shared(values, { name: "w" }) } }),
  save: () => save(target, values),
  savez: () => savez(target, { w: values }),
};
try {
  await writers[kind]();
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(JSON.stringify({ error: (e as Error).message }));
}
