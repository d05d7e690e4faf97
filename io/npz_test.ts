/**
 * .npz archives against archives written by NumPy (io/testdata/make_testdata.py holds the
 * Python line that made each one), and corrupt archives.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { truncate } from "node:fs/promises";
import { load, loadz, parseNpz, savez, savezCompressed, toNpy, toNpz } from "./mod.ts";
import { crc32, readZip, writeZip } from "./zip.ts";

const dir = new URL("./testdata/", import.meta.url);
const read = (f: string) => Deno.readFileSync(new URL(f, dir));

Deno.test("parseNpz() reads numpy.savez archives (ZIP64 local headers, stored members)", async () => {
  // np.savez("arrays.npz", w=np.arange(6, dtype="<f8").reshape(2, 3), b=np.float32(0.5),
  //          flags=np.array([True, False]), big=np.arange(3, dtype=">i8"))
  const z = await parseNpz(read("arrays.npz"));
  assert.deepEqual(Object.keys(z), ["w", "b", "flags", "big"]);
  assert.deepEqual(z.w.toArray(), [[0, 1, 2], [3, 4, 5]]);
  assert.equal(z.b.dtype, "float32");
  assert.deepEqual([...z.b.shape], []);
  assert.equal(z.b.item(), 0.5);
  assert.deepEqual(z.flags.toArray(), [true, false]);
  assert.equal(z.big.dtype, "int64");
  assert.deepEqual(z.big.toArray(), [0, 1, 2]);
  // np.savez("positional.npz", np.arange(3, dtype="<i4"), np.eye(2))
  const p = await parseNpz(read("positional.npz"));
  assert.deepEqual(Object.keys(p), ["arr_0", "arr_1"]);
  assert.deepEqual(p.arr_0.toArray(), [0, 1, 2]);
  assert.deepEqual(p.arr_1.toArray(), [[1, 0], [0, 1]]);
});

Deno.test("parseNpz() reads numpy.savez_compressed archives (deflated members)", async () => {
  // np.savez_compressed("compressed.npz", x=np.linspace(0, 1, 1000), idx=np.arange(100, dtype="<i8"),
  //                     f=np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
  const bytes = read("compressed.npz");
  assert.ok(readZip(bytes, "t").every((e) => e.method === 8));
  const z = await parseNpz(bytes);
  // linspace: k * (1 / 999) for k < 999, and exactly 1 at the end
  const step = 1 / 999;
  assert.deepEqual(Array.from(z.x.data), Array.from({ length: 1000 }, (_, k) => (k === 999 ? 1 : k * step)));
  assert.deepEqual(Array.from(z.idx.data), Array.from({ length: 100 }, (_, k) => k));
  assert.deepEqual(z.f.toArray(), [[0, 1, 2], [3, 4, 5]]);
});

Deno.test("toNpz() then parseNpz() round-trips named and positional arrays, stored and compressed", async () => {
  const arrays = {
    w: T.asarray([[1.5, -2], [3, 4]]),
    "layer/bias": T.asarray([1, 2, 3], { dtype: "int8" }),
    "π": T.asarray(3.14, { dtype: "float32" }),
    empty: new T.NDArray("bool", [0]),
  };
  for (const compress of [false, true]) {
    const z = await parseNpz(await toNpz(arrays, { compress }));
    assert.deepEqual(Object.keys(z), Object.keys(arrays));
    for (const [k, a] of Object.entries(arrays)) {
      assert.equal(z[k].dtype, a.dtype);
      assert.deepEqual(Array.from(z[k].data), Array.from(a.data));
    }
  }
  const big = T.asarray(new Float64Array(50000));
  assert.ok((await toNpz({ big }, { compress: true })).length < 1000);
  assert.equal((await toNpz({ big })).length > 400000, true);
  const p = await parseNpz(await toNpz([[1, 2], [[true]]]));
  assert.deepEqual(Object.keys(p), ["arr_0", "arr_1"]);
  // a member that is not a .npy file is skipped
  const mixed = await writeZip([["readme.txt", new Uint8Array([65])], ["a.npy", toNpy([1])]], false);
  assert.deepEqual(Object.keys(await parseNpz(mixed)), ["a"]);
});

Deno.test("toNpz() members are the same .npy bytes NumPy wrote (little-endian ones)", async () => {
  const ours = await toNpz(await parseNpz(read("arrays.npz")));
  const theirs = read("arrays.npz");
  const members = (b: Uint8Array) => readZip(b, "t").map((e) => [e.name, e.size, e.crc]);
  // big.npy was written big-endian ('>i8'); Hypatia always writes '<i8', so its bytes differ
  assert.deepEqual(members(ours).slice(0, 3), members(theirs).slice(0, 3));
  assert.deepEqual(members(ours)[3].slice(0, 2), ["big.npy", 152]);
});

Deno.test("loadz(), savez() and savezCompressed() work on files and name the file in errors", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await savez(`${tmp}/a.npz`, { a: T.asarray([1, 2]), b: [[3]] });
    await savezCompressed(`${tmp}/c.npz`, [T.asarray(new Int32Array(1000))]);
    const a = await loadz(`${tmp}/a.npz`);
    assert.deepEqual(a.b.toArray(), [[3]]);
    const c = await loadz(new URL(`file://${tmp}/c.npz`));
    assert.equal(c.arr_0.size, 1000);
    assert.ok((await Deno.stat(`${tmp}/c.npz`)).size < 500);
    assert.equal((await loadz(read("arrays.npz"))).w.item(1, 2), 5);
    await Deno.writeFile(`${tmp}/bad.npz`, new Uint8Array(100));
    await assert.rejects(
      () => loadz(`${tmp}/bad.npz`),
      (e: Error) => e instanceof T.InputError && e.message.includes(`${tmp}/bad.npz`),
    );
    await assert.rejects(() => loadz(`${tmp}/none.npz`), T.InputError);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

/** Copy of `b` with `f` applied. */
function patch(b: Uint8Array, f: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const c = b.slice();
  f(new DataView(c.buffer), c);
  return c;
}

Deno.test("parseNpz() gives clear errors for corrupt archives and never trusts their sizes", async () => {
  const stored = await toNpz({ a: T.asarray([1, 2, 3]) });
  const deflated = await toNpz({ a: T.asarray(new Float64Array(1000)) }, { compress: true });
  const eocd = (b: Uint8Array) => b.length - 22;
  const cd = (b: Uint8Array) => new DataView(b.buffer).getUint32(eocd(b) + 16, true);
  const dataStart = 30 + "a.npy".length;
  const bad: [string, Uint8Array, string][] = [
    [
      "not a zip",
      new TextEncoder().encode("just some text, not an archive at all"),
      "no end-of-central-directory",
    ],
    ["truncated", stored.subarray(0, stored.length - 30), "no end-of-central-directory"],
    [
      "directory past end",
      patch(stored, (v) => v.setUint32(eocd(stored) + 16, 1e9, true)),
      "lies beyond the end",
    ],
    [
      "member past end",
      patch(stored, (v) => v.setUint32(cd(stored) + 42, 1e9, true)),
      "beyond the end of the archive",
    ],
    ["many entries", patch(stored, (v) => v.setUint16(eocd(stored) + 10, 5000, true)), "cannot fit"],
    ["sizes disagree", patch(stored, (v) => v.setUint32(cd(stored) + 24, 7, true)), "two different sizes"],
    ["crc", patch(stored, (_, b) => (b[dataStart + 130] ^= 1)), "CRC-32 mismatch"],
    ["method 12", patch(stored, (v) => v.setUint16(cd(stored) + 10, 12, true)), "compression method 12"],
    ["encrypted", patch(stored, (v) => v.setUint16(cd(stored) + 8, 1, true)), "encrypted"],
    ["no local header", patch(stored, (v) => v.setUint32(0, 0, true)), "no local header"],
    [
      "bad deflate",
      patch(deflated, (_, b) => b.fill(0xff, dataStart, dataStart + 4)),
      "invalid DEFLATE data",
    ],
    [
      "claims 4 GiB",
      patch(deflated, (v) => v.setUint32(cd(deflated) + 24, 0xfffffff0, true)),
      "more than DEFLATE can produce",
    ],
    [
      "inflates to more",
      patch(deflated, (v) => v.setUint32(cd(deflated) + 24, 100, true)),
      "more than its declared 100",
    ],
    [
      "inflates to less",
      patch(deflated, (v) => v.setUint32(cd(deflated) + 24, 9000, true)),
      "not its declared 9000",
    ],
    ["twice", await writeZip([["a.npy", toNpy([1])], ["a.npy", toNpy([2])]], false), "twice"],
    [
      "bad member",
      await writeZip([["m.npy", new Uint8Array([1, 2, 3])]], false),
      "member 'm.npy': not a .npy file",
    ],
  ];
  for (const [what, bytes, msg] of bad) {
    await assert.rejects(
      () => parseNpz(bytes, { name: "bad.npz" }),
      (e: Error) => e instanceof T.InputError && e.message.startsWith("bad.npz") && e.message.includes(msg),
      `${what}: expected an InputError mentioning "${msg}"`,
    );
  }
  await assert.rejects(() => parseNpz(null as unknown as Uint8Array), T.InputError);
  await assert.rejects(() => toNpz({ "": T.asarray(1) }), T.InputError);
  await assert.rejects(() => toNpz(3 as unknown as []), T.InputError);
});

Deno.test("crc32() matches the standard check value; toNpz() output is deterministic", async () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  // deterministic: fixed timestamps, same bytes for the same arrays
  assert.deepEqual(await toNpz({ a: T.asarray([1]) }), await toNpz({ a: T.asarray([1]) }));
});

Deno.test("parseNpz() refuses members over the maxBytes cap (default 2 GiB) from their declared sizes, before inflating", async () => {
  // a member that claims 3 GiB from 3.2 MB: within DEFLATE's ratio, so only the cap stops it
  const zip = await writeZip([["huge.npy", new Uint8Array(3_200_000)]], false);
  const cd = new DataView(zip.buffer).getUint32(zip.length - 22 + 16, true);
  const huge = patch(zip, (v) => {
    v.setUint16(cd + 10, 8, true);
    v.setUint32(cd + 24, 3 * 2 ** 30, true);
  });
  await assert.rejects(
    () => parseNpz(huge, { name: "huge.npz" }),
    (e: Error) =>
      e instanceof T.InputError &&
      e.message ===
        "huge.npz: its 1 .npy member(s) inflated would take 3221225472 bytes, more than the cap " +
          "of 2147483648 bytes; pass { maxBytes: 3221225472 } (or more, or Infinity) to read it anyway",
  );
  // a small cap counts every .npy member together
  const two = await toNpz({ a: T.asarray(new Float64Array(1000)), b: T.asarray(new Float64Array(1000)) }, {
    compress: true,
  });
  const sizes = readZip(two, "t").map((e) => e.size);
  const total = sizes[0] + sizes[1];
  assert.equal(Object.keys(await parseNpz(two, { maxBytes: total })).length, 2);
  await assert.rejects(
    () => parseNpz(two, { name: "two.npz", maxBytes: total - 1 }),
    (e: Error) => e instanceof T.InputError && e.message.includes(`inflated would take ${total} bytes`),
  );
  await assert.rejects(
    () => parseNpz(two, { name: "two.npz", maxBytes: -5 }),
    (e: Error) =>
      e instanceof T.InputError && e.message.startsWith("two.npz: maxBytes must be a non-negative"),
  );
});

Deno.test("load() and loadz() refuse a file over the maxBytes cap from its size, without reading it", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const path = `${tmp}/sparse.npy`;
    await Deno.writeFile(path, new Uint8Array(0));
    await truncate(path, 2 ** 31 + 1); // sparse: no disk and no memory spent
    for (const [f, what] of [[load, "load"], [loadz, "loadz"]] as const) {
      await assert.rejects(
        () => f(path),
        (e: Error) =>
          e instanceof T.InputError &&
          e.message.startsWith(`${what}('${path}'): reading the file '${path}' would take 2147483649 bytes`),
      );
    }
    await assert.rejects(
      () => load(path, { maxBytes: 100 }),
      /would take 2147483649 bytes, more than the cap of 100/,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
