/**
 * Jupyter display of NDArrays (an HTML table truncated like NumPy's text, and that text),
 * of variables and of compiled functions (their `pp` text and `debugprint` tree).
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as T from "../mod.ts";

const DISPLAY = Symbol.for("Jupyter.display");
type Displayable = { [DISPLAY](): T.MimeBundle };
const show = (x: unknown) => (x as Displayable)[DISPLAY]();

/** The cells of an HTML table, in order (`…` for a summary). */
const cells = (html: string) => [...html.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
/** The elements of NumPy's text, in order (`...` for a summary). */
const tokens = (text: string) => text.replace(/[[\]]/g, " ").trim().split(/\s+/).filter((t) => t !== "");

Deno.test("NDArray in Jupyter: the text, and a table showing exactly the elements the text shows", () => {
  const cases: T.NDArray[] = [
    T.asarray([1.5, -2, 3e-5], { dtype: "float64" }),
    T.asarray([[1, 2, 3], [4, 5, 6]], { dtype: "int32" }),
    T.asarray([0.1, 0.2], { dtype: "float32" }),
    T.asarray([true, false], { dtype: "bool" }),
    T.asarray(Array.from({ length: 2000 }, (_, i) => i / 7)), // one row, summarised
    T.asarray(Array.from({ length: 40 }, (_, i) => Array.from({ length: 30 }, (_, j) => i * 30 + j))),
  ];
  for (const a of cases) {
    const bundle = show(a);
    assert.equal(bundle["text/plain"], a.toString());
    const text = tokens(a.toString()).filter((t) => t !== "...");
    const shown = cells(bundle["text/html"]);
    // A summarised matrix has a row of `…` and a `…` column: the text has one `...` per row and one row `...`.
    assert.deepEqual(shown.filter((c) => c !== "…"), text, a.toString());
    assert.match(
      bundle["text/html"],
      new RegExp(`<caption>${a.dtype} \\(${a.shape.join(", ")},?\\)</caption>`),
    );
  }
});

Deno.test("NDArray in Jupyter: a large tensor shows 3 matrices at each edge of its leading axis, like NumPy", () => {
  const a = T.asarray(Array.from({ length: 20 }, (_, i) => [[i, i + 0.5], [-i, 1]]));
  const t = T.asarray(Array.from({ length: 20 * 60 }, (_, k) => k)).reshape([20, 2, 30]);
  for (const x of [a, t]) {
    const html = show(x)["text/html"];
    const blocks = [...html.matchAll(/<caption>\[(\d+), :, :\]<\/caption>/g)].map((m) => Number(m[1]));
    assert.deepEqual(blocks, x.size > 1000 ? [0, 1, 2, 17, 18, 19] : [...Array(20).keys()]);
    assert.equal(html.includes("<p>…</p>"), x.size > 1000);
  }
  assert.deepEqual(
    cells(show(t)["text/html"]).filter((c) => c !== "…"),
    tokens(t.toString()).filter((c) => c !== "..."),
  );
});

Deno.test("NDArray in Jupyter: a 0-d array is its value; HTML is escaped", () => {
  const b = show(T.asarray(2.5));
  assert.equal(b["text/plain"], "2.5");
  assert.equal(b["text/html"], "<code>2.5</code> <small>float64</small>");
  assert.equal(T.arrayHtml(T.asarray(-1, { dtype: "int8" })), "<code>-1</code> <small>int8</small>");
  const x = T.dvector("<x & y>");
  assert.match(show(x)["text/html"], /<pre>&lt;x &amp; y&gt;<\/pre>/);
});

Deno.test("Variables and compiled functions in Jupyter and console.log: pp text, type, debugprint", () => {
  const x = T.dvector("x");
  const cost = T.sum(T.mul(x, x));
  const g = T.grad(cost, x);
  const b = show(g);
  assert.equal(b["text/plain"], T.pp(g));
  assert.match(b["text/html"], /^<div><small>TensorType\(float64, \(\?,\)\)<\/small><pre>/);
  assert.ok(b["text/html"].includes(`<details><summary>debugprint</summary><pre>`));

  const f = T.function([x], g, { name: "dcost" });
  assert.equal(show(f)["text/plain"], "(x + x)", "the optimised graph, as T.pp(f)");
  assert.equal(T.pp(f), "(x + x)");
  assert.match(show(f)["text/html"], /compiled function, 1 output \(optimised graph\)/);
  assert.equal(inspect(f), "<compiled dcost>\n(x + x)"); // console.log's text in Node, Bun and Deno
  assert.equal(f([1, 2]).toString(), "[2. 4.]", "still a function");
});
