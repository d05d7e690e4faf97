/**
 * The text header of a `.npy` file: a Python dict literal such as
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, parsed by a small
 * bounded parser (never `eval`), and its `descr` mapped to a Hypatia dtype.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { InputError } from "../core/errors.ts";

/** A parsed Python literal: str, int, bool, None, list, tuple or dict. */
export type PyValue =
  | string
  | number
  | boolean
  | null
  | PyValue[]
  | { tuple: PyValue[] }
  | Map<string, PyValue>;

const MAX_DEPTH = 16;

/**
 * Parse a Python literal as NumPy writes it in a `.npy` header (str, int, True/False/
 * None, tuples, lists, dicts with str keys). Integers beyond 2^53 are refused.
 * `where` prefixes error messages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePyLiteral } from "./npy_header.ts";
 * const d = parsePyLiteral("{'shape': (2, 3), 'fortran_order': False}", "test") as Map<string, unknown>;
 * assert(d.get("fortran_order") === false);
 * ```
 */
export function parsePyLiteral(text: string, where: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    const near = JSON.stringify(text.slice(Math.max(0, i - 10), i + 20));
    throw new InputError(`${where}: malformed .npy header: ${what} at character ${i} (near ${near})`);
  };
  const skip = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    skip();
    const c = text[i];
    if (c === undefined) return fail("unexpected end of header");
    if (c === "'" || c === '"') return str(c);
    if (c === "{") return dict(depth);
    if (c === "(" || c === "[") return seq(depth, c === "(" ? ")" : "]");
    if (/[-+0-9]/.test(c)) return int();
    for (const [word, v] of [["True", true], ["False", false], ["None", null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(`unexpected ${JSON.stringify(c)}`);
  };
  const str = (q: string): string => {
    let out = "";
    i++;
    while (i < text.length && text[i] !== q) {
      if (text[i] === "\\") {
        i++;
        if (i >= text.length) break;
      }
      out += text[i++];
    }
    if (text[i] !== q) fail("unterminated string");
    i++;
    return out;
  };
  const int = (): number => {
    const m = /^[-+]?[0-9]+L?/.exec(text.slice(i, i + 40));
    if (!m) return fail("expected an integer");
    i += m[0].length;
    if (/^[.eE]/.test(text[i] ?? "")) fail("expected an integer, found a float");
    const n = Number(m[0].replace("L", ""));
    if (!Number.isSafeInteger(n)) fail(`integer ${m[0]} is too large`);
    return n;
  };
  const seq = (depth: number, close: string): PyValue => {
    i++;
    const items: PyValue[] = [];
    let commas = 0;
    for (;;) {
      skip();
      if (text[i] === close) break;
      items.push(value(depth + 1));
      skip();
      if (text[i] === ",") {
        i++;
        commas++;
      } else if (text[i] !== close) fail(`expected ',' or '${close}'`);
    }
    i++;
    // (3) is the number 3 in Python; (3,) is a tuple.
    if (close === ")" && items.length === 1 && commas === 0) return items[0];
    return close === ")" ? { tuple: items } : items;
  };
  const dict = (depth: number): Map<string, PyValue> => {
    i++;
    const out = new Map<string, PyValue>();
    for (;;) {
      skip();
      if (text[i] === "}") break;
      const k = value(depth + 1);
      if (typeof k !== "string") fail("dict keys must be strings");
      skip();
      if (text[i] !== ":") fail("expected ':'");
      i++;
      out.set(k as string, value(depth + 1));
      skip();
      if (text[i] === ",") i++;
      else if (text[i] !== "}") fail("expected ',' or '}'");
    }
    i++;
    return out;
  };
  const v = value(0);
  skip();
  if (i < text.length) fail("trailing characters after the literal");
  return v;
}

/** What a `descr` string means: the stored kind and size, and the dtype it loads as. */
export interface Descr {
  /** True when multi-byte elements are stored little-endian. */
  little: boolean;
  /** NumPy kind letter: b (bool), i, u, f. */
  kind: "b" | "i" | "u" | "f";
  /** Bytes per stored element. */
  size: number;
  /** The Hypatia dtype the data loads as. */
  dtype: DType;
}

const LOADS_AS: Record<string, DType> = {
  b1: "bool",
  u1: "uint8",
  i1: "int8",
  i2: "int16",
  i4: "int32",
  i8: "int64",
  f4: "float32",
  f8: "float64",
  // widened without loss (Hypatia has no uint16, uint32, uint64 or float16):
  u2: "int32",
  u4: "int64",
  u8: "int64",
  f2: "float32",
};

const KIND_NAMES: Record<string, string> = {
  c: "complex",
  O: "object (pickled Python objects)",
  U: "unicode string",
  S: "byte string",
  a: "byte string",
  V: "void/structured",
  M: "datetime64",
  m: "timedelta64",
};

/**
 * Interpret a NumPy `descr` such as `'<f8'`, `'>i4'`, `'|b1'`. Byte order `'='`, `'|'`
 * or none is read as little-endian (the order of every platform NumPy writes `.npy`
 * files on today).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDescr } from "./npy_header.ts";
 * const d = parseDescr(">i4", "test");
 * assert(d.dtype === "int32" && !d.little && d.size === 4);
 * ```
 */
export function parseDescr(descr: PyValue, where: string): Descr {
  if (typeof descr !== "string") {
    throw new InputError(
      `${where}: structured dtypes (a descr that is a list of fields) are not supported; ` +
        `save each field as its own array`,
    );
  }
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(descr);
  if (!m) throw new InputError(`${where}: unknown dtype descr '${descr}' in the .npy header`);
  const kind = m[2] === "?" ? "b" : m[2];
  const size = m[3] === "" ? (kind === "b" ? 1 : NaN) : Number(m[3]);
  if (KIND_NAMES[kind]) {
    throw new InputError(
      `${where}: dtype '${descr}' (${KIND_NAMES[kind]}) is not supported; Hypatia loads bool, ` +
        `int8/16/32/64, uint8/16/32/64 and float16/32/64`,
    );
  }
  const dtype = LOADS_AS[`${kind}${size}`];
  if (!dtype) {
    throw new InputError(
      `${where}: dtype '${descr}' is not supported; Hypatia loads bool, int8/16/32/64, ` +
        `uint8/16/32/64 and float16/32/64`,
    );
  }
  return { little: m[1] !== ">", kind: kind as Descr["kind"], size, dtype };
}

/** The descr Hypatia writes for each dtype (always little-endian). */
export const DESCR_OF: Record<DType, string> = {
  float64: "<f8",
  float32: "<f4",
  int64: "<i8",
  int32: "<i4",
  int16: "<i2",
  int8: "|i1",
  uint8: "|u1",
  bool: "|b1",
};

/**
 * The header dict text NumPy writes, e.g. `{'descr': '<f8', 'fortran_order': False,
 * 'shape': (3,), }` (not yet padded).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { headerText } from "./npy_header.ts";
 * assert(headerText("int32", [3]) === "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }");
 * ```
 */
export function headerText(dtype: DType, shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  return `{'descr': '${DESCR_OF[dtype]}', 'fortran_order': False, 'shape': ${dims}, }`;
}
