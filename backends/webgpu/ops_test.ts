/**
 * GPU against CPU for every elementwise op that has a WGSL rule. The ops are found by
 * importing every module of ops/ and taking each exported op with a scalar rule, so a
 * new op file is tested here without editing this one. Casts (made per target dtype by
 * `castOp`) are tested over every pair of GPU dtypes.
 *
 * Tolerance: integer and bool results must be equal. float32 results may differ by at
 * most 8 units in the last place (the CPU rounds a float64 result once; WGSL allows exp
 * 3 + 2·|x| ulps). pow is computed as exp2(y·log2(x)), and WGSL allows exp2(t) 3 + 2·|t|
 * ulps, so pow gets 8 + 2·|y·log2(x)| ulps; erfc and erfcx, which take e^(∓x²), 8 + 2·x².
 * No absolute tolerance: results near zero (log1p, expm1, sin of small x) must be relatively
 * accurate too. Measured on llvmpipe: at most 4 ulps except pow (40 ulps at 19^-20, where WGSL
 * allows 173) and erfc/erfcx (32 ulps at 5.35, where it allows 65).
 */
import assert from "node:assert/strict";
import type { DType } from "../../core/dtype.ts";
import { HypatiaTypeError } from "../../core/errors.ts";
import type { NDArray } from "../../core/ndarray.ts";
import { type Op, TensorType, type Variable } from "../../core/graph.ts";
import { compileFunction } from "../../compile/function.ts";
import { castOp } from "../../ops/cast.ts";
import { gammalnJs, psiJs } from "../../ops/gamma.ts";
import { chi2sfJs } from "../../ops/chi2sf.ts";
import { requireAdapter, testValues, ulpDistance } from "./test_util.ts";
import { quietly } from "./kernel_test_util.ts";

const ULP_TOL = 8;
/** Ops whose WGSL lowering is allowed more ulps, as a function of the arguments (see above). */
const ULP_TOL_OF: Record<string, (args: number[]) => number> = {
  pow: ([x, y]) => ULP_TOL + 2 * Math.abs(y * Math.log2(Math.abs(x))),
  // e^(∓x²) of WGSL is allowed 3 + 2·x² ulps (measured on llvmpipe: 32 ulps at x = 5.35).
  erfc: ([x]) => ULP_TOL + 2 * x * x,
  erfcx: ([x]) => ULP_TOL + 2 * x * x,
  // Reflection (x < 0) subtracts terms larger than the result near ψ's and log Γ's negative roots,
  // and chi2sf's prefactor e^(a ln y - y - lgamma a) carries its argument's rounding: these get
  // 4 ulps of the terms, counted in ulps of the result (at most 86 ulps measured on llvmpipe).
  psi: ([x]) =>
    x >= 0
      ? ULP_TOL
      : ULP_TOL + termUlps(Math.abs(psiJs(1 - x)) + Math.abs(Math.PI / Math.tan(Math.PI * x)), psiJs(x)),
  gammaln: ([x]) =>
    x >= 0.5 ? ULP_TOL : ULP_TOL +
      termUlps(
        Math.abs(Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x)))) + Math.abs(gammalnJs(1 - x)),
        gammalnJs(x),
      ),
  chi2sf: ([x, k]) => {
    const a = k / 2, y = x / 2, q = chi2sfJs(x, k);
    return ULP_TOL + 4 * (Math.abs(a * Math.log(y)) + y + Math.abs(gammalnJs(a))) * Math.max(1, (1 - q) / q);
  },
};

/** 4 ulps of `terms` in ulps of `result` (f32). */
function termUlps(terms: number, result: number): number {
  return (4 * terms) / Math.max(Math.abs(result), 1e-38);
}
const N = 96;

/** The dtypes a WebGPU buffer holds (int8/int16 in i32 lanes, uint8/bool in u32 lanes). */
const GPU_DTYPES: DType[] = ["float32", "int32", "int16", "int8", "uint8", "bool"];

/** Every exported op with a scalar (elementwise) rule in ops/, by op object. */
async function discoverElementwiseOps(): Promise<Map<Op, string>> {
  const dir = new URL("../../ops/", import.meta.url);
  const found = new Map<Op, string>();
  const files = [...Deno.readDirSync(dir)].map((e) => e.name)
    .filter((n) => n.endsWith(".ts") && !n.endsWith("_test.ts")).sort();
  for (const file of files) {
    const mod = await import(new URL(file, dir).href);
    for (const [key, value] of Object.entries(mod)) {
      const op = value as Op;
      if (op && typeof op === "object" && op.scalar && typeof op.make === "function" && !found.has(op)) {
        found.set(op, `${file}:${key}`);
      }
    }
  }
  return found;
}

/** Input dtype combinations to try for an op of `arity` inputs. */
function combos(arity: number): DType[][] {
  const out: DType[][] = GPU_DTYPES.map((d) => Array(arity).fill(d));
  if (arity === 2) out.push(["int16", "float32"], ["bool", "float32"], ["uint8", "int8"], ["int32", "bool"]);
  if (arity === 3) {
    out.push(["bool", "float32", "float32"], ["bool", "int32", "int32"], ["int8", "float32", "int16"]);
  }
  return out;
}

/** Assert GPU and CPU results agree within the stated tolerance; returns the largest ulp distance. */
function agree(
  gpu: NDArray,
  cpu: NDArray,
  inputs: NDArray[],
  what: string,
  tolOf: (args: number[]) => number = () => ULP_TOL,
): number {
  assert.equal(gpu.dtype, cpu.dtype, `${what}: dtype`);
  assert.deepEqual(gpu.shape, cpu.shape, `${what}: shape`);
  let worst = 0;
  const bad: string[] = [];
  for (let i = 0; i < cpu.size; i++) {
    const g = gpu.data[i], c = cpu.data[i];
    const argv = inputs.map((x) => x.data[i]), args = argv.join(", ");
    if (cpu.dtype !== "float32") {
      if (g !== c) bad.push(`[${i}] (inputs ${args}): GPU ${g}, CPU ${c}`);
      continue;
    }
    const d = ulpDistance(g, c), tol = tolOf(argv);
    if (d > tol) {
      bad.push(`[${i}] (inputs ${args}): GPU ${g}, CPU ${c}: ${d} ulps apart (tolerance ${tol})`);
    }
    if (Number.isFinite(d)) worst = Math.max(worst, d);
  }
  if (bad.length) {
    assert.fail(`${what}: ${bad.length} of ${cpu.size} elements differ:\n  ${bad.join("\n  ")}`);
  }
  return worst;
}

/** Compile `y` from `vars` on both devices (no rewrites: the op itself is tested); compare. */
async function checkNode(
  vars: Variable[],
  y: Variable,
  what: string,
  tolOf?: (args: number[]) => number,
): Promise<"gpu" | string> {
  const cpu = compileFunction(vars, y, { mode: "FAST_COMPILE" });
  const gpu = quietly(() => compileFunction(vars, y, { mode: "FAST_COMPILE", device: "webgpu" }));
  const off = gpu.placement.find((p) => p.device === "cpu");
  if (off) return off.reason ?? "on the CPU";
  const values = vars.map((v, k) => testValues(v.dtype, N, 7 + 13 * k));
  agree(await gpu(...values), cpu(...values), values, what, tolOf);
  return "gpu";
}

await requireAdapter();
const ops = await discoverElementwiseOps();

Deno.test("webgpu: elementwise ops are discovered from ops/ (arith, exp_log, pow, fill at least)", () => {
  const names = [...ops.keys()].map((o) => o.name);
  for (const n of ["add", "sub", "mul", "true_div", "exp", "log", "pow", "fill"]) {
    assert.ok(names.includes(n), `op ${n} not discovered among ${names.join(", ")}`);
  }
});

for (const [op, where] of ops) {
  if (!op.scalar?.wgsl) continue;
  Deno.test(`${op.name}() on WebGPU agrees with the CPU (${where})`, async () => {
    const ran: string[] = [], skipped: string[] = [];
    for (const dtypes of combos(op.scalar!.arity)) {
      const vars = dtypes.map((d, k) => new TensorType(d, [null]).make(`x${k}`));
      let y: Variable;
      try {
        y = op.make(vars, null as never).outputs[0];
      } catch (e) {
        if (e instanceof HypatiaTypeError) continue; // the op does not take these dtypes
        throw e;
      }
      const what = `${op.name}(${dtypes.join(", ")}) -> ${y.dtype}`;
      const r = await checkNode(vars, y, what, ULP_TOL_OF[op.name]);
      (r === "gpu" ? ran : skipped).push(r === "gpu" ? what : `${what}: ${r}`);
    }
    assert.ok(
      ran.length > 0,
      `${op.name} has a wgsl rule, but no dtype combination ran on the GPU:\n${skipped.join("\n")}`,
    );
  });
}

Deno.test("cast() on WebGPU agrees with the CPU for every pair of GPU dtypes", async () => {
  for (const from of GPU_DTYPES) {
    for (const to of GPU_DTYPES) {
      if (from === to) continue;
      const x = new TensorType(from, [null]).make("x");
      const y = castOp(to).make([x], null).outputs[0];
      const r = await checkNode([x], y, `cast(${from} -> ${to})`);
      assert.equal(r, "gpu", `cast ${from} -> ${to} did not run on the GPU: ${r}`);
    }
  }
});
