/**
 * Graph pictures: the DOT text (boxes for ops, ellipses for inputs and outputs, dtype and
 * shape on every edge), fused nodes expanded, two graphs side by side, Graphviz's SVG, the
 * PNG through resvg, and the refusals of bad input.
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import { graphDot, graphPicture, graphView, pydotprint } from "./mod.ts";

Deno.test("graphDot() draws ops as boxes, inputs and outputs as ellipses, dtype and shape on the edges", () => {
  const x = T.dvector("x");
  assert.equal(
    graphDot(T.exp(x)),
    [
      "digraph G {",
      `graph [rankdir=TB, fontname="sans-serif"];`,
      `node [fontname="sans-serif", fontsize=11];`,
      `edge [fontname="sans-serif", fontsize=9, color="#555555"];`,
      `n0 [shape=ellipse, style=solid, label="x\\nfloat64 (?,)"];`,
      `n1 [shape=box, label="exp"];`,
      `n0 -> n1 [label="float64 (?,)"];`,
      `nout0 [shape=ellipse, style=filled, fillcolor="#cfe2ff", label="output\\nfloat64 (?,)"];`,
      "n1 -> nout0;",
      "}",
      "",
    ].join("\n"),
  );
  // Shared variables are shaded, constants dashed with their value; several inputs are numbered.
  const w = T.shared(new Float64Array([1, 2]), { name: "w" });
  const dot = graphDot(T.mul(T.add(x, w), 3));
  assert.match(dot, /\[shape=ellipse, style=filled, fillcolor="#e8eef7", label="w\\nfloat64 \(\?,\)"\]/);
  assert.match(dot, /\[shape=ellipse, style=dashed, label="3\\nint64 \(\)"\]/);
  assert.match(dot, /-> n\d+ \[label="float64 \(\?,\)\\nin 1"\];/);
});

Deno.test("graphDot() of a compiled function: the optimised graph, fused nodes expanded on request", () => {
  const x = T.dvector("x");
  const cost = T.sum(T.exp(T.mul(T.add(x, 1), 2)));
  const f = T.function([x], [cost, T.grad(cost, x)]);
  const plain = graphDot(f);
  assert.match(plain, /label="fused\\n3 steps"/);
  assert.ok(!plain.includes("cluster"));
  const open = graphDot(f, { expandFused: true });
  const steps = [...open.matchAll(/\[shape=box, style=rounded, label="(\w+)\\nfloat64"\]/g)].map((m) => m[1]);
  assert.deepEqual(steps, ["add", "mul", "exp"]);
  assert.match(open, /subgraph cluster_n\d+ \{\nlabel="fused";/);
  assert.equal(
    (plain.match(/shape=ellipse, style=filled, fillcolor="#cfe2ff"/g) ?? []).length,
    2,
    "two outputs",
  );

  const both = graphDot(f, { before: [cost, T.grad(cost, x)] });
  assert.match(
    both,
    /subgraph cluster_before \{\nlabel="before";[^]*\}\nsubgraph cluster_after \{\nlabel="after";/,
  );
  assert.ok(both.includes(`label="fill"`), "the unoptimised gradient still has its fill");
  assert.ok(
    !both.slice(both.indexOf("cluster_after")).includes(`label="fill"`),
    "the optimised one has none",
  );
});

Deno.test("graphDot() walks a 20,000-node chain without overflowing the stack", () => {
  let y: T.Variable = T.dscalar("y");
  for (let i = 0; i < 20_000; i++) y = T.add(y, 1);
  assert.equal((graphDot(y).match(/\[shape=box, label="add"\]/g) ?? []).length, 20_000);
});

Deno.test("graphPicture() draws SVG with Graphviz and shows variables in a notebook with their picture", async () => {
  const x = T.dvector("x");
  const y = T.tanh(x);
  const svg = await graphPicture(y);
  assert.match(svg, /<svg [^>]*width="\d+pt" height="\d+pt"/);
  assert.ok(svg.includes(">tanh</text>") && svg.includes(">x</text>"), svg);
  assert.equal(await graphPicture(y, { format: "dot" }), graphDot(y));
  const bundle = await (y as unknown as Record<symbol, () => Promise<T.MimeBundle>>)
    [Symbol.for("Jupyter.display")]();
  assert.equal(bundle["text/plain"], "tanh(x)");
  assert.equal(bundle["image/svg+xml"], svg);
  assert.ok(bundle["text/html"].startsWith("<div><svg") || bundle["text/html"].startsWith("<div><?xml"));
});

Deno.test("graphPicture() refuses an unknown option, a bad format and what is not a graph, naming them", async () => {
  const x = T.dvector("x");
  await assert.rejects(
    () => graphPicture(x, { fromat: "png" } as Record<string, unknown>),
    /graphPicture: unknown option "fromat"; did you mean "format"\? \(options: format, expandFused, before, scale\)/,
  );
  await assert.rejects(
    () => graphPicture(x, { format: "jpg" as "svg" }),
    /format must be "svg", "png" or "dot", not "jpg"/,
  );
  assert.throws(() => graphDot(42 as unknown as T.Variable), /graphPicture: cannot draw 42/);
  assert.throws(
    () => graphDot(x, { scale: 2 } as Record<string, unknown>),
    /graphDot: unknown option "scale"/,
  );
});

Deno.test("graphPicture() gives PNG through resvg, as large as Graphviz's SVG at the scale asked", async () => {
  // In a child process: the PNG renderer needs --allow-ffi, which the test task does not grant.
  const script = new URL("./testdata/graph_png.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", "--allow-read", "--allow-env", "--allow-ffi", "--allow-sys", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const svg = await graphPicture(T.exp(T.dvector("x")));
  const [w, h] = /width="(\d+)pt" height="(\d+)pt"/.exec(svg)!.slice(1).map(Number);
  const [pw, ph] = new TextDecoder().decode(out.stdout).trim().split("x").map(Number);
  // Graphviz sizes in points; resvg draws 4/3 pixels a point at scale 1.
  assert.ok(Math.abs(pw - w * 4 / 3) <= 2 && Math.abs(ph - h * 4 / 3) <= 2, `${pw}x${ph} for ${w}x${h}pt`);
});

Deno.test("graphView() of a compiled function shows in a notebook as its picture, with its pp text", async () => {
  const x = T.dvector("x");
  const cost = T.sum(T.mul(x, x));
  const f = T.function([x], T.grad(cost, x));
  const view = graphView(f, { before: T.grad(cost, x) });
  assert.equal(String(view), "(x + x)");
  const bundle = await (view[Symbol.for("Jupyter.display")] as () => Promise<T.MimeBundle>)();
  assert.equal(bundle["text/plain"], "(x + x)");
  assert.equal(bundle["image/svg+xml"], await graphPicture(f, { before: T.grad(cost, x) }));
  assert.ok(
    bundle["image/svg+xml"].includes(">before</text>") && bundle["image/svg+xml"].includes(">after</text>"),
  );
  assert.throws(
    () => graphView(f, { format: "png" } as Record<string, unknown>),
    /graphView: unknown option "format" \(options: expandFused, before\)/,
  );
});

Deno.test("pydotprint is graphPicture under Theano's name, exported from the plot entry", async () => {
  assert.equal(pydotprint, graphPicture);
  const x = T.dvector("x");
  const f = T.function([x], T.exp(T.Print("x")(x)));
  const svg = await pydotprint(f);
  assert.ok(svg.includes("<svg") && svg.includes("Print"), "the picture shows the Print node");
});
