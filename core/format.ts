/**
 * NumPy's `str()` of an array: precision 8, trailing zeros trimmed, columns aligned,
 * scientific notation when magnitudes call for it, `...` summaries past 1000 elements.
 * @module
 */
import type { DType, TypedArray } from "./dtype.ts";

/** What printing reads of an array (ndarray.ts's NDArray, which prints itself with this file). */
export interface Printable {
  /** The element type. */
  readonly dtype: DType;
  /** Length of each dimension. */
  readonly shape: readonly number[];
  /** The elements in C order. */
  readonly data: TypedArray;
  /** Number of elements. */
  readonly size: number;
  /** Number of dimensions. */
  readonly ndim: number;
}

const PRECISION = 8;
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE = 3;

/** Shortest decimal that reads back as the same float32. */
function shortestFloat32(x: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

/** Split a finite number's shortest repr into [sign+int part, fraction digits]. */
function positional(x: number, f32: boolean): [string, string] {
  let s = f32 ? shortestFloat32(x) : String(x);
  if (s.includes("e")) s = x.toFixed(PRECISION + 2);
  let [ip, fp = ""] = s.split(".");
  if (fp.length > PRECISION) {
    [ip, fp = ""] = x.toFixed(PRECISION).split(".");
    fp = fp.replace(/0+$/, "");
  }
  if (ip === "-0" && Object.is(x, -0) === false && x === 0) ip = "0";
  return [ip, fp];
}

/** Mantissa digits and exponent for scientific notation. */
function scientific(x: number, f32: boolean): [string, string, number] {
  const unique = f32 ? Number(shortestFloat32(x)) : x;
  let s = unique.toExponential();
  let [m, e] = s.split("e");
  if ((m.split(".")[1] ?? "").length > PRECISION) {
    s = unique.toExponential(PRECISION);
    [m, e] = s.split("e");
    if (m.includes(".")) m = m.replace(/0+$/, "");
  }
  const [ip, fp = ""] = m.split(".");
  return [ip, fp, Number(e)];
}

function floatFormatter(values: number[], f32: boolean): (x: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  const sci = abs.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
  const special = (x: number) => (Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf");
  if (sci) {
    const parts = finite.map((v) => scientific(v, f32));
    const padL = Math.max(1, ...parts.map((p) => p[0].length));
    const padR = Math.max(0, ...parts.map((p) => p[1].length));
    const expW = Math.max(2, ...parts.map((p) => String(Math.abs(p[2])).length));
    const width = padL + 1 + padR + 2 + expW;
    return (x) => {
      if (!Number.isFinite(x)) return special(x).padStart(width);
      const [ip, fp, e] = scientific(x, f32);
      return ip.padStart(padL) + "." + fp.padEnd(padR, "0") + "e" + (e < 0 ? "-" : "+") +
        String(Math.abs(e)).padStart(expW, "0");
    };
  }
  const parts = finite.map((v) => positional(v, f32));
  const padL = Math.max(0, ...parts.map((p) => p[0].length));
  const padR = Math.max(0, ...parts.map((p) => p[1].length));
  const specialW = values.some((v) => !Number.isFinite(v))
    ? Math.max(...values.filter((v) => !Number.isFinite(v)).map((v) => special(v).length))
    : 0;
  const width = Math.max(padL + 1 + padR, specialW);
  return (x) => {
    if (!Number.isFinite(x)) return special(x).padStart(width);
    const [ip, fp] = positional(x, f32);
    return (ip.padStart(padL) + "." + fp.padEnd(padR)).padStart(width);
  };
}

/** Format one element's value alone, as NumPy prints a scalar. */
export function scalarString(x: number, dtype: string): string {
  if (dtype === "bool") return x ? "True" : "False";
  if (dtype !== "float32" && dtype !== "float64") return String(x);
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const f32 = dtype === "float32";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [ip, fp, e] = scientific(x, f32);
    return `${ip}${fp ? "." + fp : ""}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const s = f32 ? shortestFloat32(x) : String(x);
  return s.includes(".") || s.includes("e") ? s : s + ".0";
}

/** How {@link elementLayout} shows an array's elements. */
export interface ElementLayout {
  /** The indices shown along an axis of length `len`; -1 marks the `...` of a summary. */
  keep(len: number): number[];
  /** An element as text, padded to the common width of the shown elements. */
  fmt(x: number): string;
  /** C-order strides of the array, in elements. */
  strides: number[];
}

/**
 * Which elements NumPy shows (all, or 3 at each edge of every axis past 1000 elements)
 * and how it writes them (one width and precision for all): shared by the text and the
 * HTML table (core/display_array.ts). For arrays of rank 1 or more.
 */
export function elementLayout(a: Printable): ElementLayout {
  const { shape, data, dtype } = a;
  const summarize = a.size > THRESHOLD;
  // Collect the indices of the elements that will be printed (edges when summarising).
  const keep = (len: number): number[] =>
    summarize && len > 2 * EDGE
      ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => len - EDGE + i)]
      : [...Array(len).keys()];
  const strides: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  const shown: number[] = [];
  const collect = (dim: number, off: number) => {
    if (dim === shape.length) {
      shown.push(data[off]);
      return;
    }
    for (const i of keep(shape[dim])) if (i >= 0) collect(dim + 1, off + i * strides[dim]);
  };
  collect(0, 0);
  let fmt: (x: number) => string;
  if (dtype === "bool") fmt = (x) => (x ? " True" : "False");
  else if (dtype === "float32" || dtype === "float64") fmt = floatFormatter(shown, dtype === "float32");
  else {
    const w = Math.max(...shown.map((v) => String(v).length));
    fmt = (x) => String(x).padStart(w);
  }
  return { keep, fmt, strides };
}

/** NumPy-style string of an NDArray. */
export function formatArray(a: Printable): string {
  const { shape, data, dtype } = a;
  if (shape.length === 0) return scalarString(data[0], dtype);
  if (a.size === 0) return "[]"; // NumPy prints every zero-size array so, whatever its shape
  const { keep, fmt, strides } = elementLayout(a);
  const render = (dim: number, off: number, indent: string): string => {
    if (dim === shape.length - 1) {
      // one row, wrapped at the line width like NumPy
      const items: string[] = [];
      for (const i of keep(shape[dim])) items.push(i < 0 ? "..." : fmt(data[off + i * strides[dim]]));
      const lines: string[] = [];
      let line = "[";
      for (let j = 0; j < items.length; j++) {
        const piece = items[j] + (j === items.length - 1 ? "]" : "");
        const sep = j === 0 ? "" : " ";
        if (line.length + sep.length + piece.length > LINE_WIDTH && j > 0) {
          lines.push(line);
          line = indent + " " + piece;
        } else line += sep + piece;
      }
      lines.push(line);
      return lines.join("\n");
    }
    const blank = "\n".repeat(shape.length - dim - 1);
    const parts: string[] = [];
    for (const i of keep(shape[dim])) {
      parts.push(i < 0 ? "..." : render(dim + 1, off + i * strides[dim], indent + " "));
    }
    return "[" + parts.join(blank + indent + " ") + "]";
  };
  return render(0, 0, "");
}
