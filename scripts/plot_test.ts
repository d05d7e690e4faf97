/**
 * The plotting scripts write real, non-trivial PNG and SVG files under Deno and Bun:
 * scripts/plot_logistic.ts and scripts/logistic_regression.ts --plot.
 */
import assert from "node:assert/strict";
import { pngInfo } from "../plot/mod.ts";
import { countColor, decodePng, linePaths } from "../plot/test_util.ts";

const dir = new URL(".", import.meta.url).pathname;
const bun = new URL("../node_modules/.bin/bun", import.meta.url).pathname;
/** What a user passes to plot under Deno (resvg is a native addon: ffi, and sys for its CPU probe). */
const PLOT_PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-ffi", "--allow-sys"];
// Vega's default category colours: the first and second series.
const BLUE = "#4c78a8", ORANGE = "#f58518";

async function run(cmd: string, args: string[], ok = true) {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const stdout = new TextDecoder().decode(out.stdout), stderr = new TextDecoder().decode(out.stderr);
  if (ok) assert.equal(out.code, 0, `${cmd} ${args.join(" ")} failed:\n${stderr}`);
  return { code: out.code, stdout, stderr };
}
const deno = (script: string, perms: string[], ...args: string[]) =>
  run(Deno.execPath(), ["run", "--no-check", ...perms, `${dir}${script}`, ...args]);

async function withTempDir(fn: (tmp: string) => Promise<void>) {
  const tmp = await Deno.makeTempDir({ prefix: "hypatia_plot_" });
  try {
    await fn(tmp);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

/** Signature, IHDR size twice the SVG's (scale 2), a real size, and mostly white with some colour. */
function checkPng(png: Uint8Array, svg: string, colours: string[]) {
  const info = pngInfo(png);
  const [w, h] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!.slice(1).map(Number);
  assert.equal(info.width, 2 * w);
  assert.equal(info.height, 2 * h);
  assert.ok(info.bytes > 20_000, `PNG of ${info.bytes} bytes is too small to hold a chart`);
  const img = decodePng(png);
  const white = countColor(img, "#ffffff", 4);
  assert.ok(
    white > 0.7 * info.width * info.height && white < 0.99 * info.width * info.height,
    `white ${white}`,
  );
  assert.ok(countColor(img, "#000000", 60) > 1000, "no dark pixels: no text or axes drawn");
  for (const c of colours) assert.ok(countColor(img, c) > 2000, `too few ${c} pixels for a line`);
}

Deno.test("scripts/plot_logistic.ts draws s(x) and s'(x) from grad to PNG and SVG, the same under Bun", async () => {
  await withTempDir(async (tmp) => {
    const { stdout } = await deno("plot_logistic.ts", PLOT_PERMS, "--out", `${tmp}/deno/logistic.png`);
    assert.match(stdout, /largest difference from s\(x\)\(1 - s\(x\)\): 0\.00e\+0|: \d\.\d\de-1[6-9]/);
    const svg = await Deno.readTextFile(`${tmp}/deno/logistic.svg`);
    const png = await Deno.readFile(`${tmp}/deno/logistic.png`);
    for (const t of ["x", "s(x), s'(x)", "The logistic function and its derivative", "s'(x) from T.grad"]) {
      assert.ok(svg.includes(`>${t}</text>`), `SVG lacks the text ${t}`);
    }
    checkPng(png, svg, [BLUE, ORANGE]);

    const [s, ds] = linePaths(svg);
    assert.equal(s.points.length, 241);
    assert.equal(ds.points.length, 241);
    // s rises everywhere (SVG y falls); s' peaks at x = 0, the middle point, and is even.
    for (let i = 1; i < 241; i++) assert.ok(s.points[i][1] < s.points[i - 1][1]);
    const dy = ds.points.map((p) => p[1]);
    assert.equal(dy.indexOf(Math.min(...dy)), 120);
    for (let i = 0; i <= 120; i++) assert.ok(Math.abs(dy[i] - dy[240 - i]) < 2e-3);
    // The vertical scale is linear: calibrate it on s(-6) and s(6), then s(0) = 1/2 and
    // s'(0) = 1/4 must sit at the matching heights.
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const slope = (s.points[240][1] - s.points[0][1]) / (sig(6) - sig(-6));
    const yOf = (v: number) => s.points[0][1] + slope * (v - sig(-6));
    assert.ok(Math.abs(s.points[120][1] - yOf(0.5)) < 0.01, `${s.points[120][1]} vs ${yOf(0.5)}`);
    assert.ok(Math.abs(dy[120] - yOf(0.25)) < 0.01, `${dy[120]} vs ${yOf(0.25)}`);

    await run(bun, [`${dir}plot_logistic.ts`, "--out", `${tmp}/bun/logistic.png`]);
    assert.equal(await Deno.readTextFile(`${tmp}/bun/logistic.svg`), svg);
    assert.deepEqual(await Deno.readFile(`${tmp}/bun/logistic.png`), png);
  });
});

Deno.test("scripts/plot_logistic.ts --out a.svg writes the SVG alone; --points 2 is the least", async () => {
  await withTempDir(async (tmp) => {
    await deno("plot_logistic.ts", PLOT_PERMS, "--out", `${tmp}/a.svg`, "--points", "2");
    assert.deepEqual([...Deno.readDirSync(tmp)].map((e) => e.name), ["a.svg"]);
    assert.equal(linePaths(await Deno.readTextFile(`${tmp}/a.svg`))[0].points.length, 2);
    const bad = await run(Deno.execPath(), [
      "run",
      "--no-check",
      ...PLOT_PERMS,
      `${dir}plot_logistic.ts`,
      "--points",
      "1",
    ], false);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--points >= 2/);
  });
});

Deno.test("scripts/plot_logistic.ts without --allow-ffi under Deno says which permissions it needs", async () => {
  await withTempDir(async (tmp) => {
    // The Deno binary itself (not Deno.execPath()), so the test means the same under the Bun shim.
    const out = await run(
      new URL("../node_modules/.bin/deno", import.meta.url).pathname,
      [
        "run",
        "--no-check",
        "--no-prompt",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        `${dir}plot_logistic.ts`,
      ],
      false,
    );
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /could not load @resvg\/resvg-js: it is a native addon, .*--allow-ffi/);
    assert.doesNotMatch(out.stderr, /npm install/, "the package is installed: the permission is missing");
    assert.doesNotMatch(out.stderr, /^ +at /m, "a message, not a stack trace");
    assert.deepEqual([...Deno.readDirSync(tmp)], []);
  });
});

Deno.test("scripts/logistic_regression.ts --plot draws the falling cost and prints what it printed before", async () => {
  await withTempDir(async (tmp) => {
    const args = ["--steps", "200", "--every", "50"];
    const costLines = (s: string) => s.split("\n").filter((l) => /^step +\d+ +cost /.test(l));
    const plain = await deno("logistic_regression.ts", ["--allow-read", "--allow-env"], ...args);
    const plotted = await deno("logistic_regression.ts", PLOT_PERMS, ...args, "--plot", `${tmp}/cost.png`);
    assert.equal(costLines(plain.stdout).length, 5);
    assert.deepEqual(costLines(plotted.stdout), costLines(plain.stdout));
    assert.match(plotted.stdout, /cost plot written to .*cost\.png and .*cost\.svg/);
    const svg = await Deno.readTextFile(`${tmp}/cost.svg`);
    for (const t of ["step", "cost (cross-entropy + L2)"]) assert.ok(svg.includes(`>${t}</text>`), t);
    checkPng(await Deno.readFile(`${tmp}/cost.png`), svg, [BLUE]);
    const [cost] = linePaths(svg);
    assert.equal(cost.points.length, 200);
    // The printed costs fall, so the line goes down the chart (SVG y grows) at every printed step.
    for (const i of [1, 50, 100, 150, 199]) assert.ok(cost.points[i][1] > cost.points[i - 1][1]);

    const bunOut = await run(bun, [`${dir}logistic_regression.ts`, ...args, "--plot", `${tmp}/bun.png`]);
    assert.deepEqual(costLines(bunOut.stdout), costLines(plain.stdout));
    assert.equal(
      pngInfo(await Deno.readFile(`${tmp}/bun.png`)).width,
      2 * Number(/width="(\d+)"/.exec(svg)![1]),
    );
  });
});
