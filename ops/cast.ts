/**
 * cast(x, dtype): convert elementwise. One op per target dtype (elementwise ops carry
 * no params), made on demand and kept.
 * @module
 */
import { type DType, isDType, isFloat, toInt64 } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import type { Op, TensorLike, Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { defineElemwise, type ElemwiseParams, wgslType, wrapInt } from "./elemwise.ts";

const castOps = new Map<DType, Op<ElemwiseParams>>();

/** The op converting to `dtype`. */
export function castOp(dtype: DType): Op<ElemwiseParams> {
  let op = castOps.get(dtype);
  if (op) return op;
  op = defineElemwise({
    name: `cast_${dtype}`,
    arity: 1,
    accepts: "any",
    rawInputs: true,
    out: () => dtype,
    js: ([a]) =>
      dtype === "bool"
        ? `(${a} !== 0 ? 1 : 0)`
        : isFloat(dtype)
        ? `(+${a})`
        : dtype === "int64"
        ? `H.toInt64(${a})`
        : wrapInt(`Math.trunc(${a})`, dtype),
    helpers: dtype === "int64" ? { toInt64 } : undefined,
    wgsl: ([a]) => {
      const t = wgslType(dtype);
      if (!t) return undefined;
      if (dtype === "bool") return `select(0u, 1u, ${a} != 0)`;
      // f32 -> u32 saturates negatives to 0; go through i32 so uint8 wraps as the CPU's store does.
      if (dtype === "uint8") return `u32(i32(${a}))`;
      return `${t}(${a})`;
    },
    grad: isFloat(dtype) ? (_x, _z, gz) => [gz] : undefined,
    notDifferentiable: isFloat(dtype) ? undefined : `a cast to ${dtype} is piecewise constant`,
    format: ([a]) => `cast(${a}, ${dtype})`,
    rewrites: [{
      name: "cast_noop",
      stage: "canonicalize",
      apply: (node) => (node.inputs[0].dtype === dtype ? [node.inputs[0]] : null),
    }],
  });
  castOps.set(dtype, op);
  return op;
}

/**
 * Convert `x` to `dtype` (floats to ints truncate toward zero, as NumPy's astype).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cast, dvector } from "../mod.ts";
 * assert(cast(dvector("x"), "int32").dtype === "int32");
 * ```
 */
export function cast(x: TensorLike, dtype: DType): Variable {
  if (!isDType(dtype)) throw new HypatiaTypeError(`cast: unknown dtype ${JSON.stringify(dtype)}`);
  const v = asTensor(x);
  return v.dtype === dtype ? v : castOp(dtype).apply1([v], null);
}
