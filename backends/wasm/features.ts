/**
 * Feature detection: whether this runtime validates WebAssembly SIMD (128-bit) and
 * relaxed SIMD (its fused multiply-add), each checked once with a tiny module.
 * @module
 */
import { F32, ModuleBuilder, V128 } from "./emitter.ts";

let simd: boolean | undefined, relaxed: boolean | undefined;

function validates(build: (mb: ModuleBuilder) => void): boolean {
  try {
    if (typeof WebAssembly !== "object" || typeof WebAssembly.validate !== "function") return false;
    const mb = new ModuleBuilder();
    build(mb);
    return WebAssembly.validate(mb.build());
  } catch {
    return false;
  }
}

/**
 * Whether WebAssembly 128-bit SIMD is available.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasSimd } from "./features.ts";
 * assert(typeof hasSimd() === "boolean");
 * ```
 */
export function hasSimd(): boolean {
  return simd ??= validates((mb) =>
    mb.func(
      [F32],
      [F32],
      (c) => c.get(0).op("f32x4.splat").get(0).op("f32x4.splat", "f32x4.add").lane("f32x4.extract_lane", 0),
    )
  );
}

/**
 * Whether relaxed SIMD (f32x4.relaxed_madd) is available too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasRelaxedSimd, hasSimd } from "./features.ts";
 * assert(!hasRelaxedSimd() || hasSimd());
 * ```
 */
export function hasRelaxedSimd(): boolean {
  return relaxed ??= hasSimd() && validates((mb) =>
    mb.func([F32], [F32], (c) => {
      const v = c.local(V128);
      c.get(0).op("f32x4.splat").tee(v).get(v).get(v).op("f32x4.relaxed_madd").lane("f32x4.extract_lane", 0);
    })
  );
}

/**
 * Whether the polynomial kernels should use relaxed SIMD's multiply-add: where it
 * validates, except under JavaScriptCore (Bun), which was measured running the
 * elementwise kernels about 2× slower with it (V8 maps it to one FMA instruction).
 *
 * @example
 * ```ts
 * import { fastRelaxedMadd, hasRelaxedSimd } from "./features.ts";
 * import assert from "node:assert/strict";
 * assert(!fastRelaxedMadd() || hasRelaxedSimd());
 * ```
 */
export function fastRelaxedMadd(): boolean {
  const ua = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? "";
  return hasRelaxedSimd() && !ua.startsWith("Bun/");
}
