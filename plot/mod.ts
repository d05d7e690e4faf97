/**
 * Charts for Hypatia's example scripts: line charts described in Vega-Lite, compiled
 * to Vega and rendered headless to SVG by `vega`, then rasterised to PNG by
 * `@resvg/resvg-js` (a Rust renderer shipped as a native binary inside npm packages).
 *
 * Not part of the library core: `mod.ts` imports nothing from here, and this entry
 * point (`hypatia/plot`) is the only place that needs the plotting packages from npm.
 * They are imported by `npm:` specifiers, which Deno resolves even when this file is
 * imported from a URL with no import map; the npm build rewrites them to bare names,
 * optional peer dependencies of this entry (`npm install vega vega-lite`, and
 * `@resvg/resvg-js dejavu-fonts-ttf` for PNG). Text in the PNG is drawn with DejaVu Sans
 * from the `dejavu-fonts-ttf` npm package, so a machine with no system fonts draws the
 * same picture.
 *
 * ```ts
 * import { lineChartSpec, renderSvg } from "./mod.ts";
 * const xs = [0, 1, 2, 3];
 * const spec = lineChartSpec([{ name: "x²", x: xs, y: xs.map((v) => v * v) }], { xTitle: "x", yTitle: "y" });
 * const svg = await renderSvg(spec);
 * if (!svg.startsWith("<svg")) throw new Error("not an SVG");
 * ```
 * @module
 */
// An inline npm: specifier, not the import map, so that importing this file from a URL works.
// deno-lint-ignore no-import-prefix
import * as vega from "npm:vega@6.4.0";
// deno-lint-ignore no-import-prefix
import { compile, type TopLevelSpec } from "npm:vega-lite@6.4.3";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cwd } from "node:process";

export { graphDot, graphPicture, graphView } from "./graph.ts";
export type { GraphPictureOptions, GraphSource, GraphView } from "./graph.ts";
import { graphPicture } from "./graph.ts";

/**
 * Theano's `theano.printing.pydotprint`, as a thin alias: the same function as
 * `graphPicture` (the graph of a variable or a compiled function, drawn by Graphviz: SVG
 * by default, `{ format: "png" }` for PNG bytes, `"dot"` for the DOT text). Theano wrote
 * the file itself (`outfile`); write the result with `Deno.writeFile` or `saveChart`'s
 * neighbours instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * import { pydotprint } from "./mod.ts";
 * const x = T.dvector("x");
 * const dot = await pydotprint(T.function([x], T.exp(x)), { format: "dot" });
 * assert(dot.startsWith("digraph"));
 * ```
 */
export const pydotprint: typeof graphPicture = graphPicture;

/**
 * A Vega-Lite specification as JSON (https://vega.github.io/vega-lite/docs/spec.html).
 * `TopLevelSpec` from the `vega-lite` package types it in full; this entry keeps that
 * package's types out of its own API.
 */
export interface ChartSpec {
  /** Vega-Lite's top-level properties (`data`, `mark`, `encoding`, `width`, ...). */
  [key: string]: unknown;
}

/** One line of a chart: a name for the legend and its points. */
export interface Series {
  /** Legend entry. */
  name: string;
  /** Abscissae. */
  x: ArrayLike<number>;
  /** Ordinates, as many as `x`. */
  y: ArrayLike<number>;
}

/** Options of {@link lineChartSpec}. */
export interface LineChartOptions {
  /** Title above the chart. */
  title?: string;
  /** Title of the horizontal axis (default "x"). */
  xTitle?: string;
  /** Title of the vertical axis (default "y"). */
  yTitle?: string;
  /** Width of the plotting area in CSS pixels (default 600). */
  width?: number;
  /** Height of the plotting area in CSS pixels (default 360). */
  height?: number;
  /** Scale of the vertical axis (default "linear"). */
  yScale?: "linear" | "log";
}

/**
 * A Vega-Lite specification of a line chart with one coloured line per series and a
 * legend (none for a single series); in a Jupyter notebook it shows as the drawn chart. Non-finite points (NaN, ±Infinity; non-positive ones on a log scale) are left
 * out, since Vega would draw them at the edge of the chart.
 *
 * @example
 * ```ts
 * import { lineChartSpec } from "./mod.ts";
 * const spec = lineChartSpec([{ name: "cost", x: [1, 2, 3], y: [3, 2, 1] }], { yTitle: "cost" });
 * if ((spec as { data: { values: unknown[] } }).data.values.length !== 3) throw new Error("3 points");
 * ```
 */
export function lineChartSpec(series: Series[], options: LineChartOptions = {}): ChartSpec {
  if (series.length === 0) throw new RangeError("lineChartSpec: no series to draw");
  const log = options.yScale === "log";
  const values: { x: number; y: number; series: string }[] = [];
  for (const s of series) {
    if (s.x.length !== s.y.length) {
      throw new RangeError(
        `lineChartSpec: series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values`,
      );
    }
    for (let i = 0; i < s.x.length; i++) {
      const x = Number(s.x[i]), y = Number(s.y[i]);
      if (Number.isFinite(x) && Number.isFinite(y) && (!log || y > 0)) values.push({ x, y, series: s.name });
    }
  }
  const xTitle = options.xTitle ?? "x", yTitle = options.yTitle ?? "y";
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 600,
    height: options.height ?? 360,
    background: "white",
    data: { values },
    mark: { type: "line", strokeWidth: 2 },
    encoding: {
      x: { field: "x", type: "quantitative", title: xTitle },
      y: {
        field: "y",
        type: "quantitative",
        title: yTitle,
        scale: log ? { type: "log", nice: false } : { zero: false },
      },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        sort: series.map((s) => s.name),
        // One series needs no legend; the label limit is generous because headless Vega
        // estimates text widths (0.8 em a character) rather than measuring them.
        legend: series.length === 1
          ? null
          : { orient: "top-left", fillColor: "white", padding: 6, labelLimit: 400 },
      },
    },
  };
  return displayable(spec as unknown as ChartSpec, `line chart of ${series.map((s) => s.name).join(", ")}`);
}

/**
 * Gives a chart specification the display method of Deno's Jupyter kernel (a notebook
 * cell ending with the chart draws it as SVG); not enumerable, so the JSON is unchanged.
 */
function displayable(spec: ChartSpec, text: string): ChartSpec {
  Object.defineProperty(spec, Symbol.for("Jupyter.display"), {
    value: async () => ({ "image/svg+xml": await renderSvg(spec), "text/plain": text }),
  });
  return spec;
}

/**
 * Render a Vega-Lite specification to an SVG document, headless (no DOM, no canvas).
 *
 * @example
 * ```ts
 * import { lineChartSpec, renderSvg } from "./mod.ts";
 * const svg = await renderSvg(lineChartSpec([{ name: "a", x: [0, 1], y: [0, 1] }], { xTitle: "time" }));
 * if (!svg.includes("time")) throw new Error("axis title missing");
 * ```
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixels per CSS pixel of the SVG (default 2, for crisp lines on high-density screens). */
  scale?: number;
  /** TrueType/OpenType files to draw text with (default: DejaVu Sans from `dejavu-fonts-ttf`). */
  fontFiles?: string[];
}

/**
 * The font files shipped by the `dejavu-fonts-ttf` npm package (regular and bold DejaVu
 * Sans), or an empty list when that package is not installed. It is looked up beside
 * this file and, when this file was imported from a URL, in the current directory's
 * project (an npm font package holds no module, so no `npm:` specifier can find it).
 *
 * @example
 * ```ts
 * import { defaultFontFiles } from "./mod.ts";
 * if (!defaultFontFiles().every((f) => f.endsWith(".ttf"))) throw new Error("not TrueType");
 * ```
 */
export function defaultFontFiles(): string[] {
  for (const base of [import.meta.url, join(cwd(), "package.json")]) {
    try {
      const dir = join(dirname(createRequire(base).resolve("dejavu-fonts-ttf/package.json")), "ttf");
      const files = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => join(dir, f)).filter((f) =>
        existsSync(f)
      );
      if (files.length > 0) return files;
    } catch {
      // not installed there (or `base` is not a file): try the next place
    }
  }
  return [];
}

/**
 * Rasterise an SVG document to PNG bytes with resvg. Sans-serif text uses DejaVu Sans
 * from npm when it is installed, and the system's fonts otherwise. Under Deno the native
 * renderer needs `--allow-ffi` (and `--allow-read`, `--allow-env`, `--allow-sys`).
 *
 * @example
 * ```ts
 * import { svgToPng } from "./mod.ts";
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3" fill="red"/></svg>';
 * const png = await svgToPng(svg, { scale: 1 });
 * if (png[1] !== 0x50) throw new Error("not a PNG");
 * ```
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  let Resvg: typeof import("npm:@resvg/resvg-js@2.6.2").Resvg;
  try {
    // deno-lint-ignore no-import-prefix
    ({ Resvg } = await import("npm:@resvg/resvg-js@2.6.2"));
  } catch (e) {
    throw new Error(`svgToPng: could not load @resvg/resvg-js: ${resvgLoadAdvice(e as Error)}`);
  }
  const fontFiles = options.fontFiles ?? defaultFontFiles();
  const family = fontFiles.length > 0 ? "DejaVu Sans" : undefined;
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: options.scale ?? 2 },
    font: {
      loadSystemFonts: fontFiles.length === 0,
      fontFiles,
      ...(family ? { defaultFontFamily: family, sansSerifFamily: family } : {}),
    },
  });
  return new Uint8Array(resvg.render().asPng());
}

/**
 * What to do when the renderer does not load: a permission Deno refused (the package is
 * there) needs flags, not an install; a missing package needs an install.
 */
function resvgLoadAdvice(e: Error): string {
  if (e.name === "NotCapable" || e.name === "PermissionDenied") {
    return "it is a native addon, which Deno loads only with --allow-ffi (and --allow-read --allow-env " +
      `--allow-sys); run again with those flags (${e.message})`;
  }
  if (/cannot find|not found|ERR_MODULE_NOT_FOUND/i.test(e.message)) {
    return `it is not installed; run \`npm install @resvg/resvg-js\` (${e.message})`;
  }
  return e.message;
}

/** Paths written by {@link saveChart}. */
export interface SavedChart {
  /** The SVG file. */
  svg: string;
  /** The PNG file, unless only an SVG was asked for. */
  png?: string;
}

/**
 * Render a Vega-Lite specification and write it as PNG to `path` and as SVG beside it
 * (the same name ending in `.svg`). A path ending in `.svg` writes the SVG only.
 * Parent directories are created; nothing is written when rendering fails.
 *
 * @example
 * ```ts
 * import { lineChartSpec, saveChart } from "./mod.ts";
 * const dir = Deno.makeTempDirSync();
 * const out = await saveChart(lineChartSpec([{ name: "a", x: [0, 1], y: [1, 0] }]), `${dir}/a.png`);
 * if (Deno.statSync(out.svg).size === 0) throw new Error("empty SVG");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function saveChart(
  spec: ChartSpec,
  path: string,
  options: PngOptions = {},
): Promise<SavedChart> {
  const svg = await renderSvg(spec);
  const dir = dirname(path);
  if (dir && dir !== ".") await mkdir(dir, { recursive: true });
  if (path.toLowerCase().endsWith(".svg")) {
    await writeFile(path, svg);
    return { svg: path };
  }
  const png = await svgToPng(svg, options); // before writing anything: a failure leaves no half
  const svgPath = path.replace(/\.png$/i, "") + ".svg";
  await writeFile(svgPath, svg);
  await writeFile(path, png);
  return { png: path, svg: svgPath };
}

/** Width, height and size in bytes of a PNG image, read from its IHDR chunk. */
export interface PngInfo {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Length of the file in bytes. */
  bytes: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Check a PNG's 8-byte signature and read its dimensions from the IHDR chunk that must
 * follow it. Throws on anything else.
 *
 * @example
 * ```ts
 * import { pngInfo, svgToPng } from "./mod.ts";
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"></svg>';
 * const { width, height } = pngInfo(await svgToPng(svg, { scale: 2 }));
 * if (width !== 8 || height !== 6) throw new Error(`${width}x${height}`);
 * ```
 */
export function pngInfo(bytes: Uint8Array): PngInfo {
  if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new Error("pngInfo: not a PNG file (bad signature)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== "IHDR" || view.getUint32(8) !== 13) throw new Error("pngInfo: first chunk is not IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20), bytes: bytes.length };
}
