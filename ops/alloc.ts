/**
 * Tensors made from shapes: alloc (a value broadcast to a shape), zeros, ones,
 * zerosLike, onesLike, eye and arange. Lengths and bounds may be numbers or symbolic
 * integer scalars (`arange(x.shape.get(0))`, `zeros(x.shape)`).
 * @module
 */
import { floatX } from "../core/config.ts";
import { type DType, isDType, isFloat, upcastAll } from "../core/dtype.ts";
import { HypatiaTypeError, InputError, ShapeError } from "../core/errors.ts";
import { type DtypeArg, dtypeArgument } from "../core/options.ts";
import { NDArray, stridesOf } from "../core/ndarray.ts";
import {
  Constant,
  defineOp,
  type Dim,
  type Op,
  type TensorLike,
  TensorType,
  Variable,
} from "../core/graph.ts";
import { asTensor, constant } from "../core/constant.ts";
import { fill } from "./fill.ts";
import { shapeEntries, shapeParams } from "./reshape.ts";
import { checkIntScalar, staticInt } from "./shape.ts";
import { walkRows } from "./subtensor_kernel.ts";

export { arangeOp, eyeOp } from "./arange.ts";
import { arangeOp, eyeOp } from "./arange.ts";

/** Params of alloc: each length is a number or "$" (the next scalar input after the value). */
export interface AllocParams {
  shape: (number | "$")[];
}

/** The alloc op: `value` broadcast to a shape (Theano's Alloc). */
export const allocOp: Op<AllocParams> = defineOp<AllocParams>({
  name: "alloc",
  inferType([v, ...sym], { shape }) {
    if (shape.filter((e) => e === "$").length !== sym.length) {
      throw new HypatiaTypeError(`alloc: expected ${shape.filter((e) => e === "$").length} symbolic lengths`);
    }
    sym.forEach((s) => checkIntScalar("alloc", s, "a length"));
    if (v.ndim > shape.length) {
      throw new HypatiaTypeError(
        `alloc: the value ${v.describe()} has more dimensions than the shape (${
          shape.join(", ")
        }) has lengths`,
      );
    }
    const lead = shape.length - v.ndim;
    const dims: Dim[] = shape.map((e, d) => {
      const own = d >= lead ? v.type.shape[d - lead] : 1;
      if (e === "$") return own !== 1 ? own : null;
      if (!Number.isInteger(e) || e < 0) throw new HypatiaTypeError(`alloc: invalid length ${e}`);
      if (own !== null && own !== 1 && own !== e) {
        throw new HypatiaTypeError(
          `alloc: the value ${v.describe()} does not broadcast to length ${e} on axis ${d}`,
        );
      }
      return e;
    });
    return [new TensorType(v.dtype, dims)];
  },
  perform([v, ...sym], { shape }, node) {
    let k = 0;
    const dims = shape.map((e) => (e === "$" ? sym[k++].data[0] : e));
    const vType = node.inputs[0].type, lead = dims.length - v.ndim, vs = stridesOf(v.shape);
    const name = node.inputs[0].describe();
    if (dims.some((d) => d < 0)) {
      throw new ShapeError(`alloc: negative length in (${dims.join(", ")}) for ${name}`);
    }
    const strides = dims.map((n, d) => {
      const i = d - lead;
      if (i < 0) return 0;
      if (v.shape[i] === n) return vs[i];
      if (v.shape[i] === 1 && vType.shape[i] === 1) return 0;
      throw new ShapeError(
        `alloc: the value ${name} of shape (${v.shape.join(", ")}) does not broadcast to (${
          dims.join(", ")
        })`,
      );
    });
    const out = new NDArray(v.dtype, dims), src = v.data, dst = out.data;
    if (v.size === 1) dst.fill(src[0]);
    else {
      walkRows(dims, stridesOf(dims), 0, strides, 0, (a, b, n, _sa, sb) => {
        if (sb === 1) dst.set(src.subarray(b, b + n), a);
        else for (let i = 0; i < n; i++) dst[a + i] = src[b + i * sb];
      });
    }
    return [out];
  },
  // The grad engine sums the broadcast axes away (fitGradient).
  vjp: (node, [gz]) => [gz, ...node.inputs.slice(1).map(() => null)],
  format([v, ...sym], { shape }) {
    let k = 0;
    return `alloc(${v}, ${shape.map((e) => (e === "$" ? sym[k++] : e)).join(", ")})`;
  },
  rewrites: [{
    name: "alloc_noop",
    stage: "canonicalize",
    apply(node) {
      const v = node.inputs[0], t = node.outputs[0].type;
      return v.ndim === t.ndim && t.shape.every((d, i) => d !== null && d === v.type.shape[i]) ? [v] : null;
    },
  }, {
    name: "alloc_inline_constants",
    stage: "canonicalize",
    apply(node) {
      const [v, ...sym] = node.inputs;
      if (!sym.some((s) => staticInt(s) !== undefined)) return null;
      let k = 0;
      const entries = (node.params as AllocParams).shape.map((e) => (e === "$" ? sym[k++] : e));
      const p = shapeParams("alloc", entries);
      try {
        return [allocOp.apply1([v, ...p.sym], { shape: p.shape })];
      } catch {
        return null;
      }
    },
  }],
});

function lengths(op: string, shape: (number | Variable)[] | Variable): (number | Variable)[] {
  return shapeEntries(op, shape as TensorLike);
}

/**
 * `value` broadcast to the given lengths (Theano's `alloc`). The value's own axes
 * line up with the last lengths; an axis of the value broadcasts only when its type
 * says length 1. A bare JS integer value gives int64 (as NumPy's `full`), a bare
 * float floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alloc, dvector, iscalar } from "../mod.ts";
 * const m = alloc(dvector("row"), iscalar("n"), 3);
 * assert(m.ndim === 2 && m.staticShape[1] === 3);
 * ```
 */
export function alloc(value: TensorLike, ...shape: (number | Variable)[]): Variable {
  let v = asTensor(value);
  if (v instanceof Constant && v.weak && v.ndim === 0 && !isFloat(v.dtype) && v.dtype !== "bool") {
    v = constant(v.value.data[0], { dtype: "int64" });
  }
  const entries = shape.length === 1 && shape[0] instanceof Variable && shape[0].ndim === 1
    ? lengths("alloc", shape[0])
    : shape;
  const p = shapeParams("alloc", entries);
  return allocOp.apply1([v, ...p.sym], { shape: p.shape });
}

function filled(op: string, value: number, shape: (number | Variable)[] | Variable, dtype: DType): Variable {
  if (!isDType(dtype)) throw new HypatiaTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}`);
  const p = shapeParams(op, lengths(op, shape));
  return allocOp.apply1([constant(value, { dtype }), ...p.sym], { shape: p.shape });
}

/**
 * A tensor of zeros with the given lengths (a list of numbers and symbolic integer
 * scalars, or an integer vector such as `x.shape`); dtype defaults to floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, shapeOf, zeros } from "../mod.ts";
 * assert(zeros([2, 3]).staticShape.join() === "2,3" && zeros(shapeOf(dmatrix("m"))).ndim === 2);
 * ```
 */
export function zeros(shape: (number | Variable)[] | Variable, dtype?: DtypeArg): Variable {
  return filled("zeros", 0, shape, dtypeArgument("zeros", dtype) ?? floatX());
}

/**
 * A tensor of ones with the given lengths (see `zeros`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ones } from "../mod.ts";
 * assert(ones([4], "int32").dtype === "int32");
 * ```
 */
export function ones(shape: (number | Variable)[] | Variable, dtype?: DtypeArg): Variable {
  return filled("ones", 1, shape, dtypeArgument("ones", dtype) ?? floatX());
}

/**
 * Zeros with the shape of `x` and its dtype (or `dtype`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmatrix, zerosLike } from "../mod.ts";
 * assert(zerosLike(fmatrix("m")).dtype === "float32");
 * ```
 */
export function zerosLike(x: TensorLike, dtype?: DtypeArg): Variable {
  const v = asTensor(x);
  return fill(v, constant(0, { dtype: dtypeArgument("zerosLike", dtype) ?? v.dtype }));
}

/**
 * Ones with the shape of `x` and its dtype (or `dtype`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, onesLike } from "../mod.ts";
 * assert(onesLike(dvector("v"), "int8").dtype === "int8");
 * ```
 */
export function onesLike(x: TensorLike, dtype?: DtypeArg): Variable {
  const v = asTensor(x);
  return fill(v, constant(1, { dtype: dtypeArgument("onesLike", dtype) ?? v.dtype }));
}

function intArg(op: string, v: number | Variable, what: string): number | Variable {
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < 0) {
      throw new InputError(`${op}: ${what} must be an integer >= 0, got ${v}`);
    }
    return v;
  }
  checkIntScalar(op, v, what);
  return staticInt(v) ?? v;
}

/**
 * An `n`×`m` matrix with ones on diagonal `k` (0 = main, >0 above, <0 below) and zeros
 * elsewhere, as NumPy's `eye`; `n` and `m` may be symbolic. dtype defaults to floatX.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eye } from "../mod.ts";
 * assert(eye(3).staticShape.join() === "3,3" && eye(2, 4, 1).staticShape.join() === "2,4");
 * ```
 */
export function eye(n: number | Variable, m?: number | Variable, k = 0, dtypeArg?: DtypeArg): Variable {
  if (!Number.isInteger(k)) throw new InputError(`eye: k must be an integer, got ${k}`);
  const dtype = dtypeArgument("eye", dtypeArg) ?? floatX();
  const a = intArg("eye", n, "n"), b = m === undefined || m === null ? a : intArg("eye", m, "m");
  const sym = [a, b].filter((e): e is Variable => e instanceof Variable);
  const p = (e: number | Variable) => (typeof e === "number" ? e : "$" as const);
  return eyeOp.apply1(sym, { n: p(a), m: p(b), k, dtype });
}

/** A bound of `arange`: a JS number or a symbolic scalar. */
export type ArangeBound = number | Variable;

/**
 * Evenly spaced values in `[start, stop)` with `step`, as NumPy's `arange`
 * (`arange(stop)` starts at 0). Bounds may be symbolic scalars. The dtype, unless
 * given: int64 when every bound is an integer (a JS integer or an integer variable);
 * otherwise floatX, or the widest dtype among float variables given as bounds
 * (NumPy would say float64). A JS number written `1.0` is an integer to JavaScript.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import "./methods.ts"; // installs x.shape (mod.ts does this for you)
 * import { arange, dmatrix } from "../mod.ts";
 * const x = dmatrix("x");
 * assert(arange(x.shape.get(0)).dtype === "int64" && arange(0, 1, 0.25).staticShape[0] === 4);
 * ```
 */
export function arange(
  start: ArangeBound,
  stop?: ArangeBound,
  step?: ArangeBound,
  dtypeArg?: DtypeArg,
): Variable {
  const dtype = dtypeArgument("arange", dtypeArg);
  if (stop === undefined || stop === null) [start, stop] = [0, start];
  const args: ArangeBound[] = [start, stop, step ?? 1];
  const sym: Variable[] = [];
  const entries = args.map((a, i) => {
    const what = ["start", "stop", "step"][i];
    if (typeof a === "number") {
      if (!Number.isFinite(a)) throw new InputError(`arange: ${what} must be finite, got ${a}`);
      return a;
    }
    if (!(a instanceof Variable) || a.ndim !== 0 || a.dtype === "bool") {
      throw new HypatiaTypeError(
        `arange: ${what} must be a number or a numeric scalar, got ${a?.describe?.() ?? a}`,
      );
    }
    if (a instanceof Constant) return a.value.data[0];
    const s = staticInt(a);
    if (s !== undefined) return s;
    sym.push(a);
    return "$" as const;
  });
  if (entries[2] === 0) throw new InputError("arange: step cannot be zero");
  const floatVars = args.filter((a): a is Variable => a instanceof Variable && isFloat(a.dtype)).map((a) =>
    a.dtype
  );
  const anyFloat = floatVars.length > 0 || args.some((a) => typeof a === "number" && !Number.isInteger(a));
  const out = dtype ?? (floatVars.length ? upcastAll(floatVars) : anyFloat ? floatX() : "int64");
  return arangeOp.apply1(sym, { start: entries[0], stop: entries[1], step: entries[2], dtype: out });
}
