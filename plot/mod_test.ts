/**
 * plot/: the Vega-Lite specification, the headless SVG and the PNG header reader.
 * Rasterising to PNG needs --allow-ffi under Deno, so it is tested through the scripts
 * (scripts/plot_test.ts), which run with the permissions a user would give.
 */
import assert from "node:assert/strict";
import { lineChartSpec, pngInfo, renderSvg, saveChart } from "./mod.ts";
import { linePaths } from "./test_util.ts";

type Row = { x: number; y: number; series: string };
const rows = (spec: unknown) => (spec as { data: { values: Row[] } }).data.values;
const grid = (n: number, a: number, b: number) =>
  Array.from({ length: n }, (_, i) => a + (b - a) * i / (n - 1));

Deno.test("lineChartSpec() keeps every finite point in order, tagged with its series", () => {
  const spec = lineChartSpec([
    { name: "a", x: [0, 1, 2], y: [5, NaN, 7] },
    { name: "b", x: Float64Array.of(0, 1, Infinity), y: Float64Array.of(-1, -2, -3) },
  ]);
  assert.deepEqual(rows(spec), [
    { x: 0, y: 5, series: "a" },
    { x: 2, y: 7, series: "a" },
    { x: 0, y: -1, series: "b" },
    { x: 1, y: -2, series: "b" },
  ]);
  const log = lineChartSpec([{ name: "c", x: [1, 2, 3, 4], y: [1, 0, -1, 0.5] }], { yScale: "log" });
  assert.deepEqual(rows(log).map((r) => r.y), [1, 0.5]);
});

Deno.test("lineChartSpec() titles, sizes and a legend only for several series", () => {
  const one = lineChartSpec([{ name: "a", x: [0], y: [0] }], {
    xTitle: "t",
    yTitle: "u",
    width: 300,
    height: 200,
  });
  type Enc = { encoding: Record<string, { title?: string; legend?: unknown }> };
  const enc = (one as unknown as Enc).encoding;
  assert.equal(enc.x.title, "t");
  assert.equal(enc.y.title, "u");
  assert.equal(enc.color.legend, null);
  assert.equal((one as { width: number }).width, 300);
  const two = lineChartSpec([{ name: "a", x: [0], y: [0] }, { name: "b", x: [0], y: [1] }]);
  assert.notEqual((two as unknown as Enc).encoding.color.legend, null);
});

Deno.test("lineChartSpec() rejects no series and x/y of different lengths", () => {
  assert.throws(() => lineChartSpec([]), RangeError);
  assert.throws(
    () => lineChartSpec([{ name: "bad", x: [1, 2], y: [1] }]),
    /"bad" has 2 x values but 1 y values/,
  );
});

Deno.test("renderSvg() draws axis titles and one line through every point, in place", async () => {
  const xs = grid(101, -3, 3);
  const svg = await renderSvg(
    lineChartSpec([{ name: "tanh", x: xs, y: xs.map(Math.tanh) }, {
      name: "x²/9",
      x: xs,
      y: xs.map((v) => v * v / 9),
    }], {
      title: "two curves",
      xTitle: "input",
      yTitle: "output",
      width: 400,
      height: 250,
    }),
  );
  assert.match(svg, /^<svg [^>]*width="\d+" height="\d+"/);
  const [w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number);
  assert.ok(w > 400 && h > 250, `${w}x${h} leaves no room for the axes`);
  for (const text of ["input", "output", "two curves", "tanh", "x²/9"]) {
    assert.ok(svg.includes(`>${text}</text>`), text);
  }
  const [tanh, parabola] = linePaths(svg);
  assert.equal(tanh.points.length, 101);
  assert.equal(parabola.points.length, 101);
  // Evenly spaced x values land evenly spaced across the 400 px plotting area.
  const px = tanh.points.map((p) => p[0]);
  assert.ok(Math.abs(px[0]) < 1e-9 && Math.abs(px[100] - 400) < 1e-9, `${px[0]} .. ${px[100]}`);
  for (let i = 1; i <= 100; i++) assert.ok(Math.abs(px[i] - px[i - 1] - 4) < 1e-3);
  // SVG y grows downwards: tanh rises, so its y falls; the parabola is lowest (largest y) at x = 0.
  for (let i = 1; i <= 100; i++) assert.ok(tanh.points[i][1] < tanh.points[i - 1][1]);
  const ys = parabola.points.map((p) => p[1]);
  assert.equal(ys.indexOf(Math.max(...ys)), 50);
  for (let i = 0; i <= 50; i++) assert.ok(Math.abs(ys[i] - ys[100 - i]) < 1e-3);
});

Deno.test("renderSvg() on a log scale puts powers of ten at equal heights apart", async () => {
  const ys = [1e-3, 1e-2, 1e-1, 1, 10];
  const svg = await renderSvg(lineChartSpec([{ name: "p", x: [0, 1, 2, 3, 4], y: ys }], { yScale: "log" }));
  const pts = linePaths(svg)[0].points.map((p) => p[1]);
  const step = pts[0] - pts[1];
  assert.ok(step > 0);
  for (let i = 1; i < 4; i++) assert.ok(Math.abs(pts[i] - pts[i + 1] - step) < 1e-3, pts.join(" "));
});

Deno.test("pngInfo() reads the IHDR size and rejects what is not a PNG", () => {
  const png = new Uint8Array(33);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(png.buffer).setUint32(16, 1300);
  new DataView(png.buffer).setUint32(20, 70000);
  assert.deepEqual(pngInfo(png), { width: 1300, height: 70000, bytes: 33 });
  assert.throws(() => pngInfo(new TextEncoder().encode("<svg></svg> and more text here")), /bad signature/);
  assert.throws(() => pngInfo(png.subarray(0, 20)), /bad signature/);
  const noIhdr = png.slice();
  noIhdr[12] = 0x58;
  assert.throws(() => pngInfo(noIhdr), /not IHDR/);
});

Deno.test("saveChart() with a .svg path writes the SVG only, creating directories", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sub/chart.svg`;
    const out = await saveChart(
      lineChartSpec([{ name: "a", x: [0, 1, 2], y: [2, 0, 1] }], { xTitle: "k" }),
      path,
    );
    assert.deepEqual(out, { svg: path });
    const svg = await Deno.readTextFile(path);
    assert.ok(svg.startsWith("<svg") && svg.includes(">k</text>"));
    assert.deepEqual([...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name), ["chart.svg"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lineChartSpec() shows as its SVG in a Jupyter notebook; its JSON is unchanged", async () => {
  const spec = lineChartSpec([{ name: "cost", x: [0, 1, 2], y: [3, 1, 2] }], { xTitle: "epoch" });
  const display =
    (spec as Record<symbol, () => Promise<Record<string, string>>>)[Symbol.for("Jupyter.display")];
  const bundle = await display();
  assert.deepEqual(Object.keys(bundle).sort(), ["image/svg+xml", "text/plain"]);
  assert.equal(bundle["image/svg+xml"], await renderSvg(spec));
  assert.equal(bundle["text/plain"], "line chart of cost");
  assert.ok(!JSON.stringify(spec).includes("Jupyter"));
  assert.ok(!Object.keys(spec).some((k) => k.includes("display")));
});
