/**
 * The `.npy` format, bytes in and bytes out: `parseNpy(bytes)` and `toNpy(array)`.
 *
 * Reading accepts format versions 1.0, 2.0 and 3.0, little- and big-endian data, C and
 * Fortran order (Fortran data is transposed into C order, since an NDArray is always
 * C-contiguous), and every dtype Hypatia has. uint16, uint32 and float16 load widened
 * without loss (as int32, int64 and float32); uint64 loads as int64. int64 is held in a
 * Float64Array, exact up to 2^53: a value a double cannot hold exactly (such as
 * 2^53 + 1) is an error unless `allowLossyInt64` is set, which rounds it to the nearest
 * double. Every size in the
 * header is checked against the bytes actually present before anything is allocated.
 *
 * Writing produces version 1.0 (2.0 when the header is too long for 1.0), little-endian,
 * C order, padded to 64 bytes as NumPy does.
 * @module
 */
import { type DType, STORAGE, type TypedArray } from "../core/dtype.ts";
import { InputError } from "../core/errors.ts";
import { anyValue, bool, checkOptions, str } from "../core/options.ts";
import { type ArrayLike, asarray, NDArray } from "../core/ndarray.ts";
import { type Descr, headerText, parseDescr, parsePyLiteral } from "./npy_header.ts";

/** Options of `parseNpy` (and of the loaders built on it). */
export interface ParseOptions {
  /** A name for error messages (a file name); default "parseNpy". */
  name?: string;
  /** Round int64/uint64 values a double cannot hold exactly (beyond 2^53) instead of failing. */
  allowLossyInt64?: boolean;
  /**
   * The most bytes a load may inflate or allocate for array data (default
   * {@link DEFAULT_MAX_BYTES}, 2 GiB; `Infinity` for no cap). A file that needs more is
   * refused before the memory is spent.
   */
  maxBytes?: number;
}

/** What each option of a load must be (maxBytes is checked by maxBytesOf, with its own message). */
export const PARSE_OPTIONS = { name: str, allowLossyInt64: bool, maxBytes: anyValue };

/** The default cap on the bytes one load may inflate or allocate: 2 GiB. */
export const DEFAULT_MAX_BYTES = 2 ** 31;

/**
 * The `maxBytes` option, checked: a non-negative number (`Infinity` allowed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maxBytesOf } from "./npy.ts";
 * assert(maxBytesOf({}, "t") === 2 ** 31 && maxBytesOf({ maxBytes: 10 }, "t") === 10);
 * ```
 */
export function maxBytesOf(options: ParseOptions, where: string): number {
  const m = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof m !== "number" || !(m >= 0)) {
    throw new InputError(`${where}: maxBytes must be a non-negative number of bytes (or Infinity), got ${m}`);
  }
  return m;
}

/**
 * The error for data over the `maxBytes` cap.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { overCap } from "./npy.ts";
 * assert(overCap("f.npy", "its data", 100, 10).message.includes("100 bytes"));
 * ```
 */
export function overCap(where: string, what: string, bytes: number | bigint, cap: number): InputError {
  return new InputError(
    `${where}: ${what} would take ${bytes} bytes, more than the cap of ${cap} bytes; ` +
      `pass { maxBytes: ${bytes} } (or more, or Infinity) to read it anyway`,
  );
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Read a `.npy` file's bytes into an NDArray.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asarray } from "../mod.ts";
 * import { parseNpy, toNpy } from "./mod.ts";
 * const bytes = toNpy(asarray([[1, 2], [3, 4]], { dtype: "int16" }));
 * const a = parseNpy(bytes);
 * assert(a.dtype === "int16" && a.shape.join() === "2,2" && a.item(1, 0) === 3);
 * ```
 */
export function parseNpy(bytes: Uint8Array, options: ParseOptions = {}): NDArray {
  checkOptions(options.name ?? "parseNpy", options, PARSE_OPTIONS);
  const where = options.name ?? "parseNpy";
  if (!(bytes instanceof Uint8Array)) {
    throw new InputError(`${where}: expected the file's bytes as a Uint8Array`);
  }
  if (MAGIC.some((b, k) => bytes[k] !== b)) {
    throw new InputError(
      `${where}: not a .npy file (it does not start with "\\x93NUMPY"; ${bytes.length} bytes)`,
    );
  }
  if (bytes.length < 10) throw new InputError(`${where}: truncated .npy file (${bytes.length} bytes)`);
  const major = bytes[6], minor = bytes[7];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new InputError(
      `${where}: .npy format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`,
    );
  }
  const lenBytes = major === 1 ? 2 : 4;
  const start = 8 + lenBytes;
  if (bytes.length < start) throw new InputError(`${where}: truncated .npy header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + hlen > bytes.length) {
    throw new InputError(
      `${where}: truncated .npy header: it claims ${hlen} bytes but the file has ${
        bytes.length - start
      } after the length field`,
    );
  }
  const raw = bytes.subarray(start, start + hlen);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(raw);
  } catch {
    throw new InputError(`${where}: the .npy header is not valid ${major === 3 ? "UTF-8" : "Latin-1"} text`);
  }
  const header = parsePyLiteral(text, where);
  if (!(header instanceof Map)) {
    throw new InputError(
      `${where}: malformed .npy header: expected a dict, got ${JSON.stringify(text.trim())}`,
    );
  }
  const keys = [...header.keys()].sort().join(", ");
  if (keys !== "descr, fortran_order, shape") {
    throw new InputError(
      `${where}: malformed .npy header: keys must be descr, fortran_order and shape; got ${keys || "none"}`,
    );
  }
  const descr = parseDescr(header.get("descr")!, where);
  const fortran = header.get("fortran_order");
  if (typeof fortran !== "boolean") {
    throw new InputError(`${where}: malformed .npy header: fortran_order must be True or False`);
  }
  const shapeV = header.get("shape");
  const dims = shapeV !== null && typeof shapeV === "object" && "tuple" in shapeV ? shapeV.tuple : undefined;
  if (!dims || dims.some((d) => typeof d !== "number" || d < 0)) {
    throw new InputError(
      `${where}: malformed .npy header: shape must be a tuple of non-negative integers, got ${text.trim()}`,
    );
  }
  const shape = dims as number[];
  const available = bytes.length - start - hlen;
  const n = checkedSize(shape, descr, available, where);
  const kept = STORAGE[descr.dtype].BYTES_PER_ELEMENT; // the widened element, as Hypatia holds it
  const cap = maxBytesOf(options, where);
  if (n * kept > cap) throw overCap(where, `its data (${n} elements of ${kept} bytes)`, n * kept, cap);
  const data = decode(bytes.subarray(start + hlen, start + hlen + n * descr.size), n, descr, where, options);
  const c = fortran && shape.length > 1 ? fortranToC(data, shape) : data;
  return new NDArray(descr.dtype, shape, c);
}

/**
 * Elements of `shape` (1 for a 0-d array, 0 for a zero-size one), refusing shapes whose
 * data the file does not hold. The product is exact (BigInt), so an absurd header
 * cannot overflow its way past the check.
 */
function checkedSize(shape: number[], d: Descr, available: number, where: string): number {
  const n = shape.reduce((a, b) => a * BigInt(b), 1n);
  const expected = n * BigInt(d.size);
  if (expected > BigInt(available)) {
    const dims = `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
    throw new InputError(
      `${where}: truncated: expected ${expected} bytes, found ${available} (the header claims shape ` +
        `${dims} of ${d.dtype} stored in ${d.size}-byte elements; truncated file or corrupt header)`,
    );
  }
  return Number(n);
}

/** Bytes of `n` stored elements -> the typed array Hypatia keeps for `descr.dtype`. */
function decode(src: Uint8Array, n: number, d: Descr, where: string, opt: ParseOptions): TypedArray {
  const buf = src.slice(); // a fresh, aligned copy we may byte-swap in place
  if (d.size > 1 && d.little !== HOST_LITTLE) swapBytes(buf, d.size);
  const b = buf.buffer;
  switch (`${d.kind}${d.size}`) {
    case "f8":
      return new Float64Array(b);
    case "f4":
      return new Float32Array(b);
    case "i4":
      return new Int32Array(b);
    case "i2":
      return new Int16Array(b);
    case "i1":
      return new Int8Array(b);
    case "u1":
      return buf;
    case "b1":
      for (let k = 0; k < n; k++) if (buf[k] > 1) buf[k] = 1;
      return buf;
    case "u2":
      return Int32Array.from(new Uint16Array(b));
    case "u4":
      return Float64Array.from(new Uint32Array(b));
    case "f2":
      return Float32Array.from(new Uint16Array(b), halfToFloat);
    default:
      return int64(new Uint32Array(b), n, d.kind === "i", where, opt);
  }
}

function swapBytes(buf: Uint8Array, size: number): void {
  for (let k = 0; k < buf.length; k += size) {
    for (let a = k, z = k + size - 1; a < z; a++, z--) {
      const t = buf[a];
      buf[a] = buf[z];
      buf[z] = t;
    }
  }
}

/** 64-bit integers (as native-order u32 word pairs) -> Float64Array; inexact values are refused. */
function int64(w: Uint32Array, n: number, signed: boolean, where: string, opt: ParseOptions): Float64Array {
  const out = new Float64Array(n);
  const [l, h] = HOST_LITTLE ? [0, 1] : [1, 0];
  for (let k = 0; k < n; k++) {
    const lo = w[2 * k + l], hu = w[2 * k + h];
    const hi = signed ? hu | 0 : hu;
    const x = hi * 4294967296 + lo; // one rounding at most; none when -2^21 <= hi < 2^21
    if ((hi >= 0x200000 || hi < -0x200000) && !opt.allowLossyInt64) {
      const exact = (BigInt(hi) << 32n) + BigInt(lo);
      if (BigInt(x) !== exact) {
        throw new InputError(
          `${where}: ${signed ? "int64" : "uint64"} value ${exact} at flat index ${k} cannot be held ` +
            `exactly (Hypatia keeps int64 in a Float64Array, exact up to 2^53); pass ` +
            `{ allowLossyInt64: true } to round such values to the nearest double`,
        );
      }
    }
    out[k] = x;
  }
  return out;
}

/** IEEE half-precision bits -> number. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Reorder Fortran-order data into C order. */
function fortranToC(f: TypedArray, shape: readonly number[]): TypedArray {
  const nd = shape.length, n = f.length;
  const out = new (f.constructor as new (n: number) => TypedArray)(n);
  const fStride = new Array<number>(nd);
  let acc = 1;
  for (let i = 0; i < nd; i++) {
    fStride[i] = acc;
    acc *= shape[i];
  }
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let c = 0; c < n; c++) {
    out[c] = f[off];
    for (let i = nd - 1; i >= 0; i--) {
      idx[i]++;
      off += fStride[i];
      if (idx[i] < shape[i]) break;
      off -= fStride[i] * shape[i];
      idx[i] = 0;
    }
  }
  return out;
}

/**
 * Write an array (an NDArray or anything `asarray` takes) as the bytes of a `.npy` file
 * that `numpy.load` reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asarray } from "../mod.ts";
 * import { toNpy } from "./mod.ts";
 * const bytes = toNpy(asarray([1.5, 2.5], { dtype: "float32" }));
 * assert(bytes.length === 128 + 8);
 * assert(new TextDecoder().decode(bytes.subarray(10, 30)) === "{'descr': '<f4', 'fo");
 * ```
 */
export function toNpy(array: NDArray | ArrayLike, options: { name?: string } = {}): Uint8Array {
  checkOptions(options.name ?? "toNpy", options, { name: str });
  const where = options.name ?? "toNpy";
  let a: NDArray;
  try {
    a = array instanceof NDArray ? array : asarray(array);
  } catch (e) {
    throw new InputError(`${where}: ${(e as Error).message}`);
  }
  const text = headerText(a.dtype, a.shape);
  // magic(6) + version(2) + length(2 or 4) + text + padding + "\n", a multiple of 64
  const padded = (pre: number) => Math.ceil((pre + text.length + 1) / 64) * 64;
  const v1 = padded(10) - 10 <= 65535;
  const pre = v1 ? 10 : 12;
  const total = padded(pre);
  const hlen = total - pre;
  const itemsize = a.dtype === "int64" ? 8 : STORAGE[a.dtype].BYTES_PER_ELEMENT;
  const out = new Uint8Array(total + a.size * itemsize);
  out.set(MAGIC);
  out[6] = v1 ? 1 : 2;
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, hlen, true);
  else view.setUint32(8, hlen, true);
  for (let k = 0; k < text.length; k++) out[pre + k] = text.charCodeAt(k);
  out.fill(0x20, pre + text.length, total - 1);
  out[total - 1] = 0x0a;
  encode(a, out.subarray(total), where);
  return out;
}

function encode(a: NDArray, dst: Uint8Array, where: string): void {
  const d = a.data;
  const dt: DType = a.dtype;
  if (dt === "bool") {
    for (let k = 0; k < d.length; k++) dst[k] = d[k] ? 1 : 0;
  } else if (dt === "int64") {
    const v = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
    for (let k = 0; k < d.length; k++) {
      const x = d[k];
      if (!Number.isInteger(x) || Math.abs(x) >= 2 ** 63) {
        throw new InputError(`${where}: int64 array holds ${x} at flat index ${k}, not a 64-bit integer`);
      }
      const lo = x >>> 0; // x mod 2^32, exact for every integer double
      v.setUint32(8 * k, lo, true);
      v.setInt32(8 * k + 4, (x - lo) / 4294967296, true);
    }
  } else {
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    dst.set(bytes);
    if (!HOST_LITTLE && d.BYTES_PER_ELEMENT > 1) swapBytes(dst, d.BYTES_PER_ELEMENT);
  }
}
