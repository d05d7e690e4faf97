/**
 * The npm build installs and runs: tools/build_npm.ts compiles the package, `npm pack`
 * makes the tarball a user would download, and a scratch Node project (npm install) and
 * a scratch Bun project (bun add) each run a script that compiles a function, uses the
 * `./expr`, `./io`, `./plot` and `./onnx` entries, and prints known results. A TypeScript consumer
 * is type checked against the emitted `.d.ts` files without skipLibCheck. The package
 * installs nothing else: the optional entries' npm packages are optional peers, which the
 * projects install beside it.
 */
import assert from "node:assert/strict";
import { buildNpm } from "../tools/build_npm.ts";

const root = new URL("..", import.meta.url).pathname;
const bun = `${root}node_modules/.bin/bun`;
const tsc = `${root}node_modules/.bin/tsc`;

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(
    out.code,
    0,
    `${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${text}\n${new TextDecoder().decode(out.stderr)}`,
  );
  return text;
}

/** The user's script: each line of output is checked against an independent value. */
const SCRIPT = `import * as T from "hypatia";
import { expr } from "hypatia/expr";
import { parseNpy, toNpy } from "hypatia/io";
import { lineChartSpec, renderSvg } from "hypatia/plot";
import { toOnnx } from "hypatia/onnx";

const x = T.dvector("x");
const f = T.function([x], T.grad(T.sum(T.mul(x, x)), x));
console.log("grad " + f([1, 2, 3]).toString());

const s = expr\`1 / (1 + exp(-\${x}))\`;
const g = T.function([x], s);
console.log("logistic " + Array.from(g([0, 1]).data).join(","));

const a = parseNpy(toNpy(T.asarray([[1, 2, 3]], { dtype: "int16" })));
console.log("npy " + a.dtype + " " + a.shape.join("x") + " " + Array.from(a.data).join(","));

const w = T.shared(0, { name: "w" });
const step = T.function([], w, { updates: [[w, T.add(w, 1)]] });
for (let i = 0; i < 5; i++) step();
console.log("shared " + w.getValue().item());

const svg = await renderSvg(lineChartSpec([{ name: "w", x: [0, 1], y: [0, 1] }], { xTitle: "step" }));
console.log("plot " + (svg.startsWith("<svg") && svg.includes("step")));

const model = toOnnx(f); // a ModelProto: field 1 (ir_version, a varint) first
console.log("onnx " + (model.length > 50 && model[0] === 0x08 && model[1] === 8));
`;

const CONSUMER_TS = `import * as T from "hypatia";
import { expr } from "hypatia/expr";
import { parseNpy, toNpy } from "hypatia/io";
import { toOnnx } from "hypatia/onnx";
const x: T.Variable = T.dvector("x");
const f = T.function([x], T.grad(T.sum(T.mul(x, x)), x));
const out: T.NDArray = f([1, 2, 3]);
const y: T.Variable = expr\`1 / (1 + exp(-\${x}))\`;
const a: T.NDArray = parseNpy(toNpy(T.asarray([1, 2])));
const model: Uint8Array = toOnnx(f, { sharedAsInputs: true });
console.log(out.toString(), y.type.dtype, a.shape, model.length);
`;

function checkOutput(out: string, runtime: string) {
  const lines = out.trim().split("\n");
  assert.equal(lines[0], "grad [2. 4. 6.]", `${runtime}: d/dx sum(x*x) = 2x`);
  const logistic = lines[1].replace("logistic ", "").split(",").map(Number);
  assert.equal(logistic[0], 0.5, runtime);
  assert.ok(Math.abs(logistic[1] - 1 / (1 + Math.exp(-1))) < 1e-15, `${runtime}: ${lines[1]}`);
  assert.equal(lines[2], "npy int16 1x3 1,2,3", runtime);
  assert.equal(lines[3], "shared 5", runtime);
  assert.equal(lines[4], "plot true", `${runtime}: an SVG chart with its axis title`);
  assert.equal(lines[5], "onnx true", `${runtime}: an ONNX ModelProto of IR version 8`);
}

Deno.test("npm package: builds, packs, installs and runs under Node and Bun; its .d.ts type-check", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "hypatia_npm_" });
  try {
    const { out, packageJson } = buildNpm({ out: `${tmp}/package` });
    assert.equal(packageJson.name, "hypatia");
    assert.deepEqual(Object.keys(packageJson.exports as object), [
      ".",
      "./expr",
      "./io",
      "./plot",
      "./progress",
      "./onnx",
    ]);
    assert.equal(packageJson.dependencies, undefined, "the package depends on nothing");
    const peers = packageJson.peerDependencies as Record<string, string>;
    const meta = packageJson.peerDependenciesMeta as Record<string, { optional: boolean }>;
    assert.deepEqual(Object.keys(meta), Object.keys(peers), "every peer is optional");
    assert.ok(Object.values(meta).every((m) => m.optional));
    assert.equal(peers.mathjs, "^15.2.0", "the range written in expr.ts's npm: specifier");
    // The script's entries need these peers; resvg and the fonts only for PNG.
    const used = Object.entries(peers).filter(([n]) => !["@resvg/resvg-js", "dejavu-fonts-ttf"].includes(n))
      .map(([n, r]) => `${n}@${r}`);
    const packed = await run("npm", ["pack", "--silent", "--pack-destination", tmp], out);
    const tarball = `${tmp}/${packed.trim().split("\n").at(-1)}`;
    const scratch = JSON.stringify({ name: "scratch", private: true, type: "module" });

    const nodeDir = `${tmp}/node-project`;
    await Deno.mkdir(nodeDir);
    await Deno.writeTextFile(`${nodeDir}/package.json`, scratch);
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], nodeDir);
    const installed = [...Deno.readDirSync(`${nodeDir}/node_modules`)].map((e) => e.name).filter((n) =>
      !n.startsWith(".")
    );
    assert.deepEqual(installed, ["hypatia"], "installing hypatia installs no other package");
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...used], nodeDir);
    await Deno.writeTextFile(`${nodeDir}/script.mjs`, SCRIPT);
    checkOutput(await run("node", ["script.mjs"], nodeDir), "node");
    await Deno.writeTextFile(`${nodeDir}/consumer.ts`, CONSUMER_TS);
    await run(tsc, [
      "--ignoreConfig",
      "--noEmit",
      "--strict",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--target",
      "es2022",
      "--lib", // esnext.disposable (or @types/node): asynchronous functions are disposable
      "es2023,dom,esnext.disposable",
      "--types",
      "",
      "consumer.ts",
    ], nodeDir);

    const bunDir = `${tmp}/bun-project`;
    await Deno.mkdir(bunDir);
    await Deno.writeTextFile(`${bunDir}/package.json`, scratch);
    await run(bun, ["add", tarball, ...used], bunDir);
    await Deno.writeTextFile(`${bunDir}/script.mjs`, SCRIPT);
    checkOutput(await run(bun, ["script.mjs"], bunDir), "bun");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
