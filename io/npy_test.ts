/**
 * .npy reading and writing against files written by NumPy (io/testdata, made by
 * io/testdata/make_testdata.py: the Python line that made each file is quoted beside
 * its expected values below).
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { load, parseNpy, save, toNpy } from "./mod.ts";
import { STORAGE_NAME } from "../core/dtype.ts";

const dir = new URL("./testdata/", import.meta.url);
const read = (f: string) => Deno.readFileSync(new URL(f, dir));
const f32 = Math.fround;

/** [file, dtype, shape, values in C order] — values from the NumPy line in the comment. */
const CASES: [string, T.DType, number[], number[]][] = [
  // np.save("f8.npy", np.array([[1.5, -2.25, np.pi], [np.inf, -np.inf, np.nan]], dtype="<f8"))
  ["f8.npy", "float64", [2, 3], [1.5, -2.25, Math.PI, Infinity, -Infinity, NaN]],
  // np.save("f4.npy", np.array([1.1, -3.4e38, 1e-45, -0.0], dtype="<f4"))
  ["f4.npy", "float32", [4], [f32(1.1), f32(-3.4e38), f32(1e-45), -0]],
  // np.save("i8.npy", np.array([0, -1, 2**53, -2**53, 123456789012, -(2**40) - 7], dtype="<i8"))
  ["i8.npy", "int64", [6], [0, -1, 2 ** 53, -(2 ** 53), 123456789012, -(2 ** 40) - 7]],
  // np.save("i4.npy", np.array([[-2**31, 2**31 - 1], [0, -7]], dtype="<i4"))
  ["i4.npy", "int32", [2, 2], [-(2 ** 31), 2 ** 31 - 1, 0, -7]],
  // np.save("i2.npy", np.array([-32768, 32767, 3], dtype="<i2"))
  ["i2.npy", "int16", [3], [-32768, 32767, 3]],
  // np.save("i1.npy", np.array([-128, 127, 0, -1], dtype="i1"))
  ["i1.npy", "int8", [4], [-128, 127, 0, -1]],
  // np.save("u1.npy", np.array([[0, 255], [128, 7]], dtype="u1"))
  ["u1.npy", "uint8", [2, 2], [0, 255, 128, 7]],
  // np.save("b1.npy", np.array([[True, False, True]], dtype="?"))
  ["b1.npy", "bool", [1, 3], [1, 0, 1]],
  // np.save("u2.npy", np.array([0, 65535, 1234], dtype="<u2"))  -> widened to int32
  ["u2.npy", "int32", [3], [0, 65535, 1234]],
  // np.save("u4.npy", np.array([0, 4294967295, 99], dtype="<u4"))  -> widened to int64
  ["u4.npy", "int64", [3], [0, 4294967295, 99]],
  // np.save("u8.npy", np.array([0, 2**53, 42], dtype="<u8"))  -> int64
  ["u8.npy", "int64", [3], [0, 2 ** 53, 42]],
  // np.save("f2.npy", np.array([0.5, -65504, 6e-8, np.inf, np.nan], dtype="<f2"))  -> float32;
  // 6e-8 rounds to the half subnormal 2^-24 (np.float16(6e-8) == 2**-24)
  ["f2.npy", "float32", [5], [0.5, -65504, 2 ** -24, Infinity, NaN]],
  // np.save("be_f8.npy", np.array([[1.5, -2.25], [1e300, 5e-324]], dtype=">f8"))
  ["be_f8.npy", "float64", [2, 2], [1.5, -2.25, 1e300, 5e-324]],
  // np.save("be_f4.npy", np.array([1.1, -3.5, 7e-45], dtype=">f4"))
  ["be_f4.npy", "float32", [3], [f32(1.1), -3.5, f32(7e-45)]],
  // np.save("be_i8.npy", np.array([-1, 2**52 + 3, -123456789012], dtype=">i8"))
  ["be_i8.npy", "int64", [3], [-1, 2 ** 52 + 3, -123456789012]],
  // np.save("be_i4.npy", np.array([-2**31, 2**31 - 1, 258], dtype=">i4"))
  ["be_i4.npy", "int32", [3], [-(2 ** 31), 2 ** 31 - 1, 258]],
  // np.save("be_i2.npy", np.array([-32768, 258, 1], dtype=">i2"))
  ["be_i2.npy", "int16", [3], [-32768, 258, 1]],
  // np.save("be_u2.npy", np.array([65535, 258], dtype=">u2"))
  ["be_u2.npy", "int32", [2], [65535, 258]],
  // np.save("fortran_i4.npy", np.asfortranarray(np.arange(24, dtype="<i4").reshape(2, 3, 4)))
  ["fortran_i4.npy", "int32", [2, 3, 4], Array.from({ length: 24 }, (_, k) => k)],
  // np.save("fortran_be_f8.npy", np.asfortranarray(np.arange(6, dtype=">f8").reshape(2, 3) / 4))
  ["fortran_be_f8.npy", "float64", [2, 3], [0, 0.25, 0.5, 0.75, 1, 1.25]],
  // np.save("fortran_1d.npy", np.asfortranarray(np.arange(3, dtype="<f8")))
  ["fortran_1d.npy", "float64", [3], [0, 1, 2]],
  // np.save("scalar_f8.npy", np.float64(3.25))
  ["scalar_f8.npy", "float64", [], [3.25]],
  // np.save("scalar_b1.npy", np.bool_(True))
  ["scalar_b1.npy", "bool", [], [1]],
  // np.save("empty_f8.npy", np.zeros((0, 3), dtype="<f8"))
  ["empty_f8.npy", "float64", [0, 3], []],
  // np.save("empty_1d_i4.npy", np.zeros((0,), dtype="<i4"))
  ["empty_1d_i4.npy", "int32", [0], []],
  // np.lib.format.write_array(open("v2.npy", "wb"), np.arange(5, dtype="<i2"), version=(2, 0))
  ["v2.npy", "int16", [5], [0, 1, 2, 3, 4]],
  // np.lib.format.write_array(open("v3.npy", "wb"), np.arange(4, dtype=">f4"), version=(3, 0))
  ["v3.npy", "float32", [4], [0, 1, 2, 3]],
];

Deno.test("parseNpy() reads NumPy files of every dtype, both byte orders, Fortran order, 0-d and empty", () => {
  for (const [file, dtype, shape, values] of CASES) {
    const a = parseNpy(read(file), { name: file });
    assert.equal(a.dtype, dtype, file);
    assert.deepEqual([...a.shape], shape, file);
    assert.deepEqual(Array.from(a.data), values, file); // deepEqual: NaN equals NaN, -0 differs from 0
    assert.equal(a.data.constructor.name, STORAGE_NAME[dtype], file);
  }
});

Deno.test("parseNpy() reads format versions 1.0, 2.0 and 3.0 (checked from the files' own bytes)", () => {
  assert.deepEqual([read("f8.npy")[6], read("v2.npy")[6], read("v3.npy")[6]], [1, 2, 3]);
  assert.equal(parseNpy(read("v3.npy")).item(3), 3);
});

Deno.test("parseNpy() refuses int64 beyond 2^53 unless allowLossyInt64 rounds it", () => {
  // np.save("i8_big.npy", np.array([5, 2**53 + 1], dtype="<i8"))
  assert.throws(
    () => parseNpy(read("i8_big.npy"), { name: "i8_big.npy" }),
    (e: Error) =>
      e instanceof T.InputError && e.message.includes("i8_big.npy") &&
      e.message.includes("9007199254740993") &&
      e.message.includes("allowLossyInt64"),
  );
  const a = parseNpy(read("i8_big.npy"), { allowLossyInt64: true });
  assert.deepEqual(Array.from(a.data), [5, 2 ** 53]); // 2^53 + 1 rounds to even
});

Deno.test("parseNpy() refuses complex, string, object, structured and datetime dtypes by name", () => {
  // np.save("c16.npy", np.array([1 + 2j], dtype="<c16")); np.save("unicode.npy", np.array(["ab", "c"], dtype="<U2"))
  // np.save("object.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
  // np.save("structured.npy", np.array([(1, 2.0)], dtype=[("a", "<i4"), ("b", "<f8")]))
  // np.save("datetime.npy", np.array(["2024-01-01"], dtype="datetime64[D]"))
  const expect: [string, string][] = [
    ["c16.npy", "complex"],
    ["unicode.npy", "unicode"],
    ["object.npy", "object"],
    ["structured.npy", "structured"],
    ["datetime.npy", "datetime"],
  ];
  for (const [file, word] of expect) {
    assert.throws(
      () => parseNpy(read(file), { name: file }),
      (e: Error) => e instanceof T.InputError && e.message.includes(file) && e.message.includes(word),
      file,
    );
  }
});

Deno.test("toNpy() writes exactly NumPy's bytes (header, padding, data) for every dtype it writes", () => {
  const same = [
    "f8.npy",
    "f4.npy",
    "i8.npy",
    "i4.npy",
    "i2.npy",
    "i1.npy",
    "u1.npy",
    "b1.npy",
    "scalar_f8.npy",
    "scalar_b1.npy",
    "empty_f8.npy",
    "empty_1d_i4.npy",
  ];
  for (const file of same) assert.deepEqual(toNpy(parseNpy(read(file))), read(file), file);
});

Deno.test("toNpy() then parseNpy() round-trips every dtype, 0-d and empty arrays", () => {
  const rand = T.seededRandom(7);
  const arrays = [
    T.asarray(Float64Array.from({ length: 12 }, () => rand() * 1e6 - 5e5), { shape: [3, 4] }),
    T.asarray(Float32Array.from({ length: 5 }, () => rand())),
    T.asarray([-(2 ** 53), -1, 0, 2 ** 53, 3, 2 ** 60, -(2 ** 62)], { dtype: "int64" }), // 2^60: exact in a double
    T.asarray([[-(2 ** 31), 2 ** 31 - 1]], { dtype: "int32" }),
    T.asarray([-32768, 32767], { dtype: "int16" }),
    T.asarray([[[-128, 127]]], { dtype: "int8" }),
    T.asarray([0, 255], { dtype: "uint8" }),
    T.asarray([true, false, true], { dtype: "bool" }),
    T.asarray(2.5),
    new T.NDArray("float32", [2, 0, 3]),
  ];
  for (const a of arrays) {
    const b = parseNpy(toNpy(a));
    assert.equal(b.dtype, a.dtype);
    assert.deepEqual([...b.shape], [...a.shape]);
    assert.deepEqual(Array.from(b.data), Array.from(a.data));
  }
  assert.equal(toNpy([[1, 2]]).length % 64, 16); // JS arrays are accepted: 64-byte header + 2 float64
});

Deno.test("toNpy() writes a version 2.0 header when the header passes 65535 bytes", () => {
  const a = new T.NDArray("uint8", new Array(30000).fill(1));
  const bytes = toNpy(a);
  assert.equal(bytes[6], 2);
  const b = parseNpy(bytes);
  assert.equal(b.ndim, 30000);
  assert.equal(b.item(...new Array(30000).fill(0)), 0);
});

Deno.test("toNpy() refuses an int64 array holding a non-integer", () => {
  const a = new T.NDArray("int64", [2], Float64Array.of(1, 0.5));
  assert.throws(() => toNpy(a), (e: Error) => e instanceof T.InputError && e.message.includes("0.5"));
});

/** A .npy file with the given header text (padded like NumPy), version and data bytes. */
function npy(header: string, data: Uint8Array | number[] = [], version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, total - pre, true);
  else v.setUint32(8, total - pre, true);
  out.set(new TextEncoder().encode(header.padEnd(total - pre - 1, " ") + "\n"), pre);
  out.set(data, total);
  return out;
}

const hdr = (descr: string, shape: string, fortran = "False") =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

Deno.test("parseNpy() test helper makes what NumPy makes", () => {
  assert.deepEqual(
    npy(hdr("<f8", "()"), new Uint8Array(new Float64Array([3.25]).buffer)),
    read("scalar_f8.npy"),
  );
});

Deno.test("parseNpy() gives clear errors for malformed, truncated and absurd files, before allocating", () => {
  const bad: [string, Uint8Array, string][] = [
    ["not npy", new TextEncoder().encode("hello, world"), "not a .npy file"],
    ["empty", new Uint8Array(0), "not a .npy file"],
    ["magic only", read("f8.npy").subarray(0, 8), "truncated"],
    [
      "version 4",
      (() => {
        const b = read("f8.npy").slice();
        b[6] = 4;
        return b;
      })(),
      "version 4.0",
    ],
    ["header past end", read("f8.npy").subarray(0, 100), "truncated .npy header"],
    [
      "v2 length 2^32-1",
      (() => {
        const b = npy(hdr("<f8", "()"), [], 2);
        new DataView(b.buffer).setUint32(8, 0xffffffff, true);
        return b;
      })(),
      "truncated .npy header",
    ],
    [
      "truncated data",
      read("f8.npy").subarray(0, read("f8.npy").length - 1),
      "truncated: expected 48 bytes, found 47",
    ],
    ["2^60 elements", npy(hdr("<f8", "(1152921504606846976,)")), "too large"],
    [
      "2^40 x 2^40",
      npy(hdr("<f8", "(1099511627776, 1099511627776)")),
      `truncated: expected ${2n ** 83n} bytes, found 0`,
    ],
    [
      "more than the file",
      npy(hdr("<i4", "(1000000000,)"), [1, 2, 3, 4]),
      "expected 4000000000 bytes, found 4",
    ],
    ["0-d int64, no data", npy(hdr("<i8", "()")), "truncated: expected 8 bytes, found 0"],
    ...[1, 2, 7].map((k): [string, Uint8Array, string] => [
      `0-d float64, ${k} bytes`,
      npy(hdr("<f8", "()"), new Uint8Array(k)),
      `truncated: expected 8 bytes, found ${k}`,
    ]),
    ["0-d bool, no data", npy(hdr("|b1", "()")), "truncated: expected 1 bytes, found 0"],
    ["(1,) uint16, 1 byte", npy(hdr("<u2", "(1,)"), [5]), "truncated: expected 2 bytes, found 1"],
    ["negative dim", npy(hdr("<f8", "(-1, 3)")), "non-negative"],
    ["float dim", npy(hdr("<f8", "(2.5,)")), "float"],
    ["shape a list", npy(hdr("<f8", "[3]")), "shape must be a tuple"],
    ["shape a number", npy(hdr("<f8", "3")), "shape must be a tuple"],
    ["missing key", npy("{'descr': '<f8', 'shape': (1,), }"), "keys must be"],
    ["extra key", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1}"), "keys must be"],
    ["fortran not bool", npy(hdr("<f8", "()", "0")), "fortran_order"],
    ["unknown descr", npy(hdr("<q9", "()")), "'<q9' is not supported"],
    ["garbage descr", npy(hdr("float64!", "()")), "unknown dtype descr"],
    ["not a dict", npy("(1, 2)"), "expected a dict"],
    ["unterminated", npy("{'descr': '<f8"), "unterminated string"],
    ["no closing brace", npy("{'descr': '<f8', 'fortran_order': False, 'shape': ()"), "expected ',' or '}'"],
    ["nesting bomb", npy("(".repeat(5000)), "nesting deeper"],
    ["trailing text", npy(hdr("<f8", "()") + " junk"), "trailing characters"],
    [
      "bad utf-8 (v3)",
      (() => {
        const b = npy(hdr("<f8", "()"), new Uint8Array(8), 3);
        b[14] = 0xff;
        return b;
      })(),
      "not valid UTF-8",
    ],
  ];
  for (const [what, bytes, msg] of bad) {
    assert.throws(
      () => parseNpy(bytes, { name: "bad.npy" }),
      (e: Error) => e instanceof T.InputError && e.message.startsWith("bad.npy: ") && e.message.includes(msg),
      `${what}: expected an InputError mentioning "${msg}"`,
    );
  }
  assert.throws(() => parseNpy("x" as unknown as Uint8Array), T.InputError);
});

Deno.test("parseNpy() reads zero-size arrays of any shape from a header alone", () => {
  for (const shape of ["(0,)", "(0, 3)", "(4, 0, 2)"]) {
    const a = parseNpy(npy(hdr("<f8", shape)), { name: "z.npy" });
    assert.equal(a.size, 0);
    assert.equal(`(${a.shape.join(", ")}${a.shape.length === 1 ? "," : ""})`, shape);
  }
  assert.equal(parseNpy(npy(hdr("<i8", "()"), new Uint8Array(new Float64Array([0]).buffer))).item(), 0);
});

Deno.test("parseNpy() refuses data over the maxBytes cap (default 2 GiB) before allocating it", () => {
  const big = npy(hdr("<f8", "(4,)"), new Uint8Array(32));
  assert.equal(parseNpy(big, { maxBytes: 32 }).size, 4);
  assert.throws(
    () => parseNpy(big, { name: "cap.npy", maxBytes: 31 }),
    (e: Error) =>
      e instanceof T.InputError &&
      e.message === "cap.npy: its data (4 elements of 8 bytes) would take 32 bytes, more than the cap of " +
          "31 bytes; pass { maxBytes: 32 } (or more, or Infinity) to read it anyway",
  );
  // uint16 loads widened to int32: the cap counts the bytes kept, not the bytes stored
  assert.throws(
    () => parseNpy(npy(hdr("<u2", "(4,)"), new Uint8Array(8)), { maxBytes: 15 }),
    /take 16 bytes/,
  );
  for (const m of [-1, NaN, "1" as unknown as number]) {
    assert.throws(
      () => parseNpy(big, { name: "m.npy", maxBytes: m }),
      (e: Error) =>
        e instanceof T.InputError && e.message.startsWith("m.npy: maxBytes must be a non-negative"),
    );
  }
  assert.equal(parseNpy(big, { maxBytes: Infinity }).size, 4);
});

Deno.test("parseNpy() accepts NumPy's variants: no byte order, '=' and '|', Python 2 longs, double quotes", () => {
  const one = new Uint8Array(new Int32Array([7]).buffer);
  for (
    const h of [
      hdr("i4", "(1,)"),
      hdr("=i4", "(1,)"),
      hdr("|i4", "(1L,)"),
      `{"descr": "<i4", "shape": (1,), "fortran_order": False}`,
    ]
  ) {
    assert.equal(parseNpy(npy(h, one)).item(0), 7, h);
  }
  // trailing bytes after the data are ignored, as numpy.load does
  assert.equal(parseNpy(npy(hdr("<i4", "(1,)"), [7, 0, 0, 0, 9, 9])).item(0), 7);
});

Deno.test("load() and save() read and write files, from paths and URLs, and name the file in errors", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const a = T.asarray([[1, 2, 3], [4, 5, 6]], { dtype: "int16" });
    await save(`${tmp}/a.npy`, a);
    assert.deepEqual(await Deno.readFile(`${tmp}/a.npy`), toNpy(a));
    const b = await load(new URL(`file://${tmp}/a.npy`));
    assert.deepEqual(b.toArray(), a.toArray());
    assert.equal((await load(read("be_i4.npy"))).item(2), 258);
    await assert.rejects(
      () => load(`${tmp}/missing.npy`),
      (e: Error) => e instanceof T.InputError && e.message.includes(`${tmp}/missing.npy`),
    );
    await Deno.writeFile(`${tmp}/bad.npy`, new Uint8Array([1, 2, 3]));
    await assert.rejects(
      () => load(`${tmp}/bad.npy`),
      (e: Error) => e instanceof T.InputError && e.message.includes(`load('${tmp}/bad.npy')`),
    );
    await assert.rejects(() => save(`${tmp}/no/such/dir/a.npy`, a), T.InputError);
    await assert.rejects(() => load(42 as unknown as string), T.InputError);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
