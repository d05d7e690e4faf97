/**
 * Loop layouts of the float64 rows GEMV (y = A·x, rows of A contiguous), generated
 * here and timed in one process on the same arena data: R rows a block, U vectors of
 * x a step, C accumulators a row, and every load either at its own constant offset or
 * at offset 0 with pointer bumps (V8 computes one bounds-check limit per distinct
 * offset). ns per multiply-add, best of rounds. An experiment kept for the record
 * (docs/ARCHITECTURE.md: no layout beat the engine's 4 × 4 × 2 under Deno).
 *
 *   deno run --allow-env bench/gemv_layouts.ts [--rows 400] [--cols 784]
 * @module
 */
import { parseArgs } from "node:util";
import { addTo, forRange } from "../backends/wasm/asm.ts";
import { I32, ModuleBuilder, V128 } from "../backends/wasm/emitter.ts";
import { madd } from "../backends/wasm/matmul_gen.ts";
import { arena } from "../backends/wasm/memory.ts";
import { hasRelaxedSimd } from "../backends/wasm/features.ts";
import { timeAll } from "./common.ts";

const { values: opts } = parseArgs({
  options: { rows: { type: "string", default: "400" }, cols: { type: "string", default: "784" } },
});
const M = Number(opts.rows), K = Number(opts.cols);
const fma = hasRelaxedSimd();
const a = arena();

/** gemv(m, k, A, rowBytes, x, y) for m a multiple of R and k of 2U. */
function layout(R: number, U: number, C: number, offset0: boolean) {
  const mb = new ModuleBuilder().importMemory(a.memoryImport());
  mb.func([I32, I32, I32, I32, I32, I32], [], (c) => {
    const [m, k, A, rs, x, y] = [0, 1, 2, 3, 4, 5];
    const i = c.local(I32), p = c.local(I32), xp = c.local(I32);
    const rows = Array.from({ length: R }, () => c.local(I32));
    const accs = Array.from({ length: R * C }, () => c.local(V128));
    const xv = Array.from({ length: U }, () => c.local(V128));
    forRange(c, i, () => c.i32(0), () => c.get(m), R, () => {
      for (let r = 0; r < R; r++) {
        c.get(A).get(i).i32(r).op("i32.add").get(rs).op("i32.mul", "i32.add").set(rows[r]);
        for (let q = 0; q < C; q++) c.v128(new Uint8Array(16)).set(accs[C * r + q]);
      }
      c.get(x).set(xp);
      forRange(c, p, () => c.i32(0), () => c.get(k), 2 * U, () => {
        for (let u = 0; u < U; u++) {
          c.get(xp).mem("v128.load", offset0 ? 0 : 16 * u, 0).set(xv[u]);
          if (offset0) addTo(c, xp, 16);
        }
        for (let u = 0; u < U; u++) {
          for (let r = 0; r < R; r++) {
            madd(c, "f64x2", fma, accs[C * r + (u % C)], () => {
              c.get(rows[r]).mem("v128.load", offset0 ? 0 : 16 * u, 0);
              if (offset0) addTo(c, rows[r], 16);
            }, xv[u]);
          }
        }
        if (!offset0) {
          for (let r = 0; r < R; r++) addTo(c, rows[r], 16 * U);
          addTo(c, xp, 16 * U);
        }
      });
      for (let r = 0; r < R; r++) {
        for (let q = 1; q < C; q++) c.get(accs[C * r]).get(accs[C * r + q]).op("f64x2.add").set(accs[C * r]);
        c.get(y).get(i).i32(r).op("i32.add").i32(8).op("i32.mul", "i32.add");
        c.get(accs[C * r]).lane("f64x2.extract_lane", 0).get(accs[C * r]).lane("f64x2.extract_lane", 1);
        c.op("f64.add").mem("f64.store");
      }
    });
  }, "gemv");
  return (a.instantiate(mb.build()) as unknown as { gemv: (...args: number[]) => void }).gemv;
}

const A = a.persist(M * K * 8), x = a.persist(K * 8), y = a.persist(M * 8);
a.f64(A, M * K).forEach((_, i, v) => (v[i] = Math.sin(i)));
a.f64(x, K).fill(0.5);
const shapes: [number, number, number][] = [[4, 4, 2], [4, 2, 2], [8, 2, 1], [4, 8, 2], [2, 4, 4], [8, 1, 1]];
const calls = Math.max(10, Math.round(2e8 / (M * K)));
const contenders: Record<string, () => void> = {};
let reference: number[] | undefined;
for (const [R, U, C] of shapes) {
  if (M % R !== 0 || K % (2 * U) !== 0) continue;
  for (const offset0 of [false, true]) {
    const run = layout(R, U, C, offset0), name = `${R}×${U}×${C}${offset0 ? " offset 0" : ""}`;
    run(M, K, A, K * 8, x, y);
    const out = [...a.f64(y, M)];
    reference ??= out;
    if (out.some((o, r) => Math.abs(o - reference![r]) > 1e-9 * (1 + Math.abs(o)))) {
      throw new Error(`gemv_layouts: ${name} disagrees with the first layout`);
    }
    contenders[name] = () => {
      for (let i = 0; i < calls; i++) run(M, K, A, K * 8, x, y);
    };
  }
}
for (const [name, { best }] of Object.entries(timeAll(contenders, { rounds: 12, warmup: 1 }))) {
  const ms = best / calls;
  console.log(
    `${name.padEnd(18)} ${(ms * 1000).toFixed(1)} µs (${((ms * 1e6) / (M * K)).toFixed(3)} ns/madd)`,
  );
}
