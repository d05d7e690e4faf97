/**
 * The small part of the ZIP format that `.npz` archives use: reading STORED and DEFLATE
 * members (ZIP64 records included, as NumPy writes them) and writing STORED or DEFLATE
 * archives. DEFLATE itself is the runtime's own (`CompressionStream` and
 * `DecompressionStream` with "deflate-raw", in Deno, Bun, Node and browsers), so this
 * module imports nothing and loads from a URL. Every offset and size is checked against
 * the archive's length, and a member is inflated from bounded input chunks that stop at
 * its declared size, so a corrupt or hostile archive cannot make a huge allocation.
 * @module
 */
import { InputError } from "../core/errors.ts";

/** One member of an archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 (stored) or 8 (deflate). */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local header. */
  headerOffset: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 (the ZIP checksum) of some bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crc32 } from "./zip.ts";
 * assert(crc32(new TextEncoder().encode("123456789")) === 0xcbf43926);
 * ```
 */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** DEFLATE can expand at most about 1032:1. */
const MAX_RATIO = 1032;

/**
 * The members listed in an archive's central directory (nothing is decompressed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readZip, writeZip } from "./zip.ts";
 * const zip = await writeZip([["a.txt", new Uint8Array([1, 2, 3])]], false);
 * const [e] = readZip(zip, "test");
 * assert(e.name === "a.txt" && e.size === 3 && e.method === 0);
 * ```
 */
export function readZip(bytes: Uint8Array, where: string): ZipEntry[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string): never => {
    throw new InputError(`${where}: not a valid .npz (zip) archive: ${what}`);
  };
  // end of central directory: 22 bytes plus a comment of up to 65535 bytes
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 65535); p--) {
    if (v.getUint32(p, true) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) bad(`no end-of-central-directory record (${bytes.length} bytes; truncated?)`);
  let count = v.getUint16(eocd + 10, true);
  let cdSize = v.getUint32(eocd + 12, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || v.getUint32(loc, true) !== 0x07064b50) bad("ZIP64 locator missing");
    const z = u64(v, loc + 8, bad);
    if (z + 56 > bytes.length || v.getUint32(z, true) !== 0x06064b50) bad("ZIP64 end record missing");
    count = u64(v, z + 32, bad);
    cdSize = u64(v, z + 40, bad);
    cdOffset = u64(v, z + 48, bad);
  }
  if (cdOffset + cdSize > bytes.length) {
    bad(`the central directory (${cdSize} bytes at ${cdOffset}) lies beyond the end (${bytes.length} bytes)`);
  }
  if (count * 46 > cdSize) bad(`${count} entries cannot fit in a ${cdSize}-byte central directory`);
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cdOffset + cdSize || v.getUint32(p, true) !== 0x02014b50) {
      bad(`central directory entry ${k} is corrupt`);
    }
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true), extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let headerOffset = v.getUint32(p + 42, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cdOffset + cdSize) bad(`central directory entry ${k} runs past the directory`);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field: the 64-bit values, in order, of the fields that are saturated
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = v.getUint16(e, true), len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const take = () => {
          if (q + 8 > e + 4 + len) bad(`ZIP64 field of '${name}' is too short`);
          const x = u64(v, q, bad);
          q += 8;
          return x;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (headerOffset === 0xffffffff) headerOffset = take();
      }
      e += 4 + len;
    }
    if (flags & 1) bad(`member '${name}' is encrypted`);
    if (method !== 0 && method !== 8) {
      bad(`member '${name}' uses compression method ${method} (only stored and deflate are read)`);
    }
    if (headerOffset + 30 + compressedSize > bytes.length) {
      bad(`member '${name}' (${compressedSize} bytes at ${headerOffset}) lies beyond the end of the archive`);
    }
    if (method === 0 && size !== compressedSize) bad(`stored member '${name}' has two different sizes`);
    if (method === 8 && size > compressedSize * MAX_RATIO + 1024) {
      bad(
        `member '${name}' claims ${size} bytes from ${compressedSize} compressed bytes, more than DEFLATE can produce`,
      );
    }
    entries.push({ name, method, crc, compressedSize, size, headerOffset });
    p = end;
  }
  return entries;
}

function u64(v: DataView, p: number, bad: (w: string) => never): number {
  if (p + 8 > v.byteLength) bad("a ZIP64 record runs past the end");
  const lo = v.getUint32(p, true), hi = v.getUint32(p + 4, true);
  if (hi >= 0x200000) bad("a ZIP64 size or offset beyond 2^53");
  return hi * 4294967296 + lo;
}

/**
 * The uncompressed bytes of one member, checked against its size and CRC.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readZip, writeZip, extract } from "./zip.ts";
 * const data = new Uint8Array(1000).fill(7);
 * const zip = await writeZip([["x.bin", data]], true);
 * const [e] = readZip(zip, "test");
 * assert(e.method === 8 && e.compressedSize < 100);
 * assert((await extract(zip, e, "test")).every((b) => b === 7));
 * ```
 */
export async function extract(bytes: Uint8Array, e: ZipEntry, where: string): Promise<Uint8Array> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (what: string): never => {
    throw new InputError(`${where}: member '${e.name}' of the archive is corrupt: ${what}`);
  };
  const h = e.headerOffset;
  if (v.getUint32(h, true) !== 0x04034b50) bad("no local header where the directory points");
  const start = h + 30 + v.getUint16(h + 26, true) + v.getUint16(h + 28, true);
  if (start + e.compressedSize > bytes.length) bad("its data runs past the end of the archive");
  const raw = bytes.subarray(start, start + e.compressedSize);
  const out = e.method === 0 ? raw : await inflate(raw, e.size, bad);
  if (crc32(out) !== e.crc) bad("CRC-32 mismatch");
  return out;
}

/** Compressed bytes fed to the inflater at a time: each inflates to at most ~1032 times this. */
const STEP = 16384;

/**
 * Raw DEFLATE data -> exactly `size` bytes. The input is pulled in STEP-byte pieces
 * only as the output is read, and reading stops at the first byte beyond `size`, so the
 * memory spent is `size` plus a few pieces' output, whatever the data claims.
 */
async function inflate(raw: Uint8Array, size: number, bad: (what: string) => never): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let fed = 0, got = 0;
  const input = new ReadableStream<BufferSource>({
    pull(c) {
      if (fed >= raw.length) return c.close();
      c.enqueue(raw.slice(fed, fed + STEP)); // a copy: a stream may take over its chunk's buffer
      fed += STEP;
    },
  }, { highWaterMark: 0 });
  const reader = input.pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      if (got + r.value.length > size) bad(`it inflates to more than its declared ${size} bytes`);
      out.set(r.value, got);
      got += r.value.length;
    }
  } catch (err) {
    reader.cancel().catch(() => {});
    if (err instanceof InputError) throw err;
    bad(`invalid DEFLATE data (${(err as Error).message})`);
  }
  if (got !== size) bad(`it inflates to ${got} bytes, not its declared ${size}`);
  return out;
}

/** Raw DEFLATE compression of `data`, by the runtime's CompressionStream. */
async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const compressed = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("deflate-raw"),
  );
  return new Uint8Array(await new Response(compressed).arrayBuffer());
}

/**
 * A ZIP archive of the given members, stored or DEFLATE-compressed. Times are fixed
 * (1980-01-01) so the same arrays always give the same bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readZip, writeZip } from "./zip.ts";
 * const zip = await writeZip([["a", new Uint8Array(3)], ["b", new Uint8Array(5)]], false);
 * assert(readZip(zip, "test").map((e) => e.name).join() === "a,b");
 * ```
 */
export async function writeZip(files: [string, Uint8Array][], compress: boolean): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nm = enc.encode(name);
    const body = compress ? await deflate(data) : data;
    const crc = crc32(data);
    const flags = /^[\x20-\x7e]*$/.test(name) ? 0 : 0x800; // UTF-8 name
    if (offset + 30 + nm.length + body.length > 0xffffffff || data.length > 0xffffffff) {
      throw new InputError(`savez: the archive would exceed 4 GiB, which this writer does not support`);
    }
    const local = new Uint8Array(30 + nm.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, flags, true);
    lv.setUint16(8, compress ? 8 : 0, true);
    lv.setUint16(10, 0, true); // time 00:00
    lv.setUint16(12, 0x21, true); // date 1980-01-01
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nm.length, true);
    local.set(nm, 30);
    const cd = new Uint8Array(46 + nm.length);
    const cv = new DataView(cd.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, (3 << 8) | 20, true); // made by unix, spec 2.0
    cd.set(local.subarray(4, 30), 6); // version needed .. name length
    cv.setUint32(38, 0o100644 << 16 >>> 0, true); // regular file rw-r--r--
    cv.setUint32(42, offset, true);
    cd.set(nm, 46);
    parts.push(local, body);
    central.push(cd);
    offset += local.length + body.length;
  }
  if (files.length > 0xffff) throw new InputError(`savez: more than 65535 arrays in one archive`);
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...parts, ...central, end]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
