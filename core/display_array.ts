/**
 * How an NDArray shows in a Jupyter notebook (Deno's kernel calls the
 * `Symbol.for("Jupyter.display")` method of the value a cell ends with): an HTML table
 * that shows and truncates the elements as NumPy's text does (3 at each edge of every axis
 * past 1000 elements, `…` between), with the dtype and shape above, and the text itself.
 * @module
 */
import { elementLayout, formatArray, type Printable, scalarString } from "./format.ts";

/** The key of Deno's Jupyter kernel's display method. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** What a display method returns: text by MIME type. */
export type MimeBundle = Record<string, string>;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** `text` with HTML's special characters escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c]);
}

const STYLE = "border-collapse:collapse;font-family:monospace;text-align:right";

/**
 * An HTML table of the array: one row for a vector, rows and columns for a matrix, and
 * for higher ranks one matrix per index of the leading axes (`[0, 1, :, :]`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const html = T.arrayHtml(T.asarray([[1, 2], [3, 4]], { dtype: "float64" }));
 * assert.match(html, /<caption>float64 \(2, 2\)<\/caption>/);
 * assert.match(html, /<th>1<\/th><td>3\.<\/td><td>4\.<\/td>/);
 * ```
 */
export function arrayHtml(a: Printable): string {
  const caption = `<caption>${a.dtype} (${a.shape.join(", ")}${a.ndim === 1 ? "," : ""})</caption>`;
  if (a.ndim === 0) {
    return `<code>${escapeHtml(scalarString(a.data[0], a.dtype))}</code> <small>${a.dtype}</small>`;
  }
  const { keep, fmt, strides } = elementLayout(a);
  const { shape, data } = a;
  const cell = (x: number) => `<td>${escapeHtml(fmt(x).trim())}</td>`;
  const ellipsis = "<td>…</td>";
  const cols = keep(shape[a.ndim - 1]);
  const header = `<tr><th></th>${cols.map((j) => `<th>${j < 0 ? "…" : j}</th>`).join("")}</tr>`;
  const row = (off: number) =>
    cols.map((j) => (j < 0 ? ellipsis : cell(data[off + j * strides[a.ndim - 1]]))).join("");
  const matrix = (off: number, title: string) => {
    const rows = a.ndim === 1
      ? [`<tr><th></th>${row(off)}</tr>`]
      : keep(shape[a.ndim - 2]).map((i) =>
        i < 0
          ? `<tr><th>…</th>${cols.map(() => ellipsis).join("")}</tr>`
          : `<tr><th>${i}</th>${row(off + i * strides[a.ndim - 2])}</tr>`
      );
    return `<table style="${STYLE}">${title}${header}${rows.join("")}</table>`;
  };
  if (a.ndim <= 2) return matrix(0, caption);
  // Leading axes: every kept index tuple gets its own matrix, a `…` paragraph for a summary.
  const parts: string[] = [`<div>${caption.replace(/caption>/g, "b>")}</div>`];
  const walk = (dim: number, off: number, index: string[]) => {
    if (dim === a.ndim - 2) {
      parts.push(matrix(off, `<caption>[${[...index, ":", ":"].join(", ")}]</caption>`));
      return;
    }
    for (const i of keep(shape[dim])) {
      if (i < 0) parts.push("<p>…</p>");
      else walk(dim + 1, off + i * strides[dim], [...index, String(i)]);
    }
  };
  walk(0, 0, []);
  return parts.join("");
}

/** The array's Jupyter display: its HTML table and NumPy's text. */
export function arrayMimeBundle(a: Printable): MimeBundle {
  return { "text/plain": formatArray(a), "text/html": arrayHtml(a) };
}
