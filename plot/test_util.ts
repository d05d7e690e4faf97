/**
 * Test helpers for charts: a small PNG decoder (8-bit RGB/RGBA, not interlaced, the
 * kind resvg writes) and a reader of the line paths in Vega's SVG output.
 * @module
 */
import { inflateSync } from "node:zlib";
import { pngInfo } from "./mod.ts";

/** Decoded PNG pixels, RGBA, row-major. */
export interface Pixels {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/**
 * Decode a PNG of 8-bit RGB or RGBA pixels (colour types 2 and 6, no interlacing).
 *
 * ```ts
 * import { decodePng } from "./test_util.ts";
 * import { svgToPng } from "./mod.ts";
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="1"><rect width="2" height="1" fill="#f00"/></svg>';
 * const { rgba } = decodePng(await svgToPng(svg, { scale: 1 }));
 * if (rgba[0] !== 255 || rgba[1] !== 0) throw new Error("not red");
 * ```
 */
export function decodePng(bytes: Uint8Array): Pixels {
  const { width, height } = pngInfo(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const depth = bytes[24], colorType = bytes[25], interlace = bytes[28];
  if (depth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
    throw new Error(
      `decodePng: unsupported depth ${depth}, colour type ${colorType}, interlace ${interlace}`,
    );
  }
  const channels = colorType === 6 ? 4 : 3;
  const idat: Uint8Array[] = [];
  for (let off = 8; off + 8 <= bytes.length;) {
    const len = view.getUint32(off), type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    if (type === "IDAT") idat.push(bytes.subarray(off + 8, off + 8 + len));
    if (type === "IEND") break;
    off += 12 + len;
  }
  const joined = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of idat) joined.set(c, at), at += c.length;
  const raw = new Uint8Array(inflateSync(joined));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error("decodePng: wrong amount of pixel data");
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)], src = y * (stride + 1) + 1, row = y * stride, prev = row - stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? px[row + i - channels] : 0;
      const b = y > 0 ? px[prev + i] : 0;
      const c = y > 0 && i >= channels ? px[prev + i - channels] : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`decodePng: bad filter ${filter}`);
      px[row + i] = (raw[src + i] + pred) & 255;
    }
  }
  if (channels === 4) return { width, height, rgba: px };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < px.length; i += 3, j += 4) rgba.set(px.subarray(i, i + 3), j), rgba[j + 3] = 255;
  return { width, height, rgba };
}

/**
 * How many pixels are within `tol` (per channel) of the colour `#rrggbb`.
 *
 * ```ts
 * import { countColor } from "./test_util.ts";
 * const n = countColor({ width: 1, height: 1, rgba: new Uint8Array([76, 120, 168, 255]) }, "#4c78a8");
 * if (n !== 1) throw new Error(String(n));
 * ```
 */
export function countColor(img: Pixels, hex: string, tol = 24): number {
  const r = parseInt(hex.slice(1, 3), 16),
    g = parseInt(hex.slice(3, 5), 16),
    b = parseInt(hex.slice(5, 7), 16);
  let n = 0;
  for (let i = 0; i < img.rgba.length; i += 4) {
    const d = img.rgba;
    if (Math.abs(d[i] - r) <= tol && Math.abs(d[i + 1] - g) <= tol && Math.abs(d[i + 2] - b) <= tol) n++;
  }
  return n;
}

/** A line mark of a Vega SVG: its aria label and its vertices in SVG coordinates. */
export interface LinePath {
  label: string;
  points: [number, number][];
}

/**
 * The line marks of an SVG written by Vega (`aria-roledescription="line mark"`), with
 * the vertices of each path (`M x,y L x,y ...`).
 *
 * ```ts
 * import { linePaths } from "./test_util.ts";
 * const [p] = linePaths('<path aria-label="a" aria-roledescription="line mark" d="M0,1L2,3"/>');
 * if (p.points.length !== 2 || p.points[1][1] !== 3) throw new Error(JSON.stringify(p));
 * ```
 */
export function linePaths(svg: string): LinePath[] {
  const out: LinePath[] = [];
  for (const m of svg.matchAll(/<path\b[^>]*>/g)) {
    const tag = m[0];
    if (!tag.includes('aria-roledescription="line mark"')) continue;
    const d = /\sd="([^"]*)"/.exec(tag)?.[1] ?? "";
    const points = [...d.matchAll(/[ML]\s*(-?[\d.e+-]+)[ ,](-?[\d.e+-]+)/g)].map((p) =>
      [Number(p[1]), Number(p[2])] as [number, number]
    );
    out.push({ label: /aria-label="([^"]*)"/.exec(tag)?.[1] ?? "", points });
  }
  return out;
}
