/**
 * Jacobian-vector products: `Rop(f, wrt, v)` (forward mode, J·v) and `Lop(f, wrt, v)`
 * (reverse mode, vᵀ·J), as Theano's `Rop` and `Lop`.
 *
 * Rop walks the graph forwards carrying tangents. Per node it uses, in order: the op's
 * own `jvp`; for elementwise ops, the sum over inputs of the op's `vjp` evaluated with
 * the input's tangent in place of the output gradient (valid because an elementwise
 * gradient is `gz` times the partial derivative, linear in `gz`); otherwise the
 * double-Lop trick on that node alone: `J·t = d(uᵀJ·t)/du` for a dummy `u`.
 * @module
 */
import { isFloat } from "../core/dtype.ts";
import { GradError, HypatiaTypeError } from "../core/errors.ts";
import { asTensor, constant } from "../core/constant.ts";
import { checkOptions, oneOf } from "../core/options.ts";
import { cloneReplace, markUses, toposort } from "../core/walk.ts";
import { type Apply, atUserCall, type TensorLike, type Variable } from "../core/graph.ts";
import { add } from "../ops/arith.ts";
import { cast } from "../ops/cast.ts";
import { fill } from "../ops/fill.ts";
import { fitGradient, grad, GRAD_OPTIONS, gradFromOutputs, type GradOptions } from "./grad.ts";

/** Options of `Rop`. */
export interface RopOptions {
  /** What to do when an output does not depend on `wrt`: "raise" (default) or return zeros. */
  disconnectedOutputs?: "raise" | "ignore";
}

/** Options of `Lop`. */
export type LopOptions = Pick<GradOptions, "considerConstant" | "disconnectedInputs">;

const LOP_OPTIONS = {
  considerConstant: GRAD_OPTIONS.considerConstant,
  disconnectedInputs: GRAD_OPTIONS.disconnectedInputs,
};

const listOf = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Eval points as variables of the types of the variables they go with. */
function points(what: string, targets: Variable[], values: TensorLike[]): Variable[] {
  if (values.length !== targets.length) {
    throw new HypatiaTypeError(`${what}: got ${values.length} eval points for ${targets.length} variables`);
  }
  return values.map((raw, i) => {
    const t = targets[i];
    let v = asTensor(raw, typeof raw === "number" ? t.dtype : undefined);
    if (v.ndim !== t.ndim) {
      throw new HypatiaTypeError(
        `${what}: eval point ${i} ${v.describe()} has ${v.ndim} dimensions, but ${t.describe()} has ${t.ndim}`,
      );
    }
    if (v.dtype !== t.dtype) v = cast(v, t.dtype);
    return v;
  });
}

/** A tangent in the type of `out`: broadcast to its shape and cast to its dtype. */
function fitTangent(t: Variable | null, out: Variable): Variable | null {
  if (!t || !isFloat(out.dtype)) return null;
  let r = t;
  if (r.ndim < out.ndim || r.type.shape.some((d, i) => d === 1 && out.type.shape[i] !== 1)) r = fill(out, r);
  return r.dtype === out.dtype ? r : cast(r, out.dtype);
}

const plus = (a: Variable | null, b: Variable | null) => (a && b ? add(a, b) : a ?? b);

/** Tangents of a node's outputs from its inputs' tangents. */
function jvpOf(node: Apply, tangents: (Variable | null)[]): (Variable | null)[] {
  const op = node.op;
  if (op.jvp) return op.jvp(node, tangents).map((t, k) => fitTangent(t, node.outputs[k]));
  if (!op.vjp) {
    if (op.notDifferentiable) return node.outputs.map(() => null);
    throw new GradError(`Rop: ${node.where()} has no forward rule and no gradient rule`);
  }
  if (op.scalar) {
    let total: Variable | null = null;
    tangents.forEach((t, i) => {
      if (t) total = plus(total, op.vjp!(node, [t])[i]);
    });
    return [fitTangent(total, node.outputs[0])];
  }
  // Double-Lop on this node: u ↦ Jᵀu is linear, so d<Jᵀu, t>/du = J t, free of u.
  const us = node.outputs.map((o) => (isFloat(o.dtype) ? o.type.make("u") : null));
  const gs = op.vjp(node, node.outputs.map((o, k) => us[k] ?? fill(o, constant(0, { dtype: o.dtype }))));
  const known: [Variable, Variable][] = [];
  node.inputs.forEach((input, i) => {
    const g = gs[i], t = tangents[i];
    if (g && t && isFloat(input.dtype)) known.push([fitGradient(g, input), t]);
  });
  const live = us.filter((u): u is Variable => u !== null);
  if (!known.length || !live.length) return node.outputs.map(() => null);
  const res = gradFromOutputs(known, live);
  // Any u left is only read for its shape: the output itself has the same.
  const back = new Map<Variable, Variable>();
  us.forEach((u, k) => u && back.set(u, node.outputs[k]));
  const clean = cloneReplace(res, back);
  return us.map((u) => (u ? clean[live.indexOf(u)] : null));
}

/**
 * The R-operator: the Jacobian of `f` with respect to `wrt`, times `evalPoints`
 * (one per `wrt` variable, of its shape). A list of `f` gives a list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const W = T.dmatrix("W"), V = T.dmatrix("V"), x = T.dvector("x");
 * const jv = T.Rop(T.dot(x, W), W, V);
 * const f = T.function([W, V, x], jv); // J·V = T.dot(x, V) does not read W, which counts as used
 * assert(f([[1, 1], [1, 1]], [[2, 2], [2, 2]], [0, 1]).toString() === "[2. 2.]");
 * ```
 */
export function Rop(
  f: Variable,
  wrt: Variable | Variable[],
  evalPoints: TensorLike | TensorLike[],
  options?: RopOptions,
): Variable;
/**
 * The R-operator of a list of expressions: one Jacobian-vector product per expression.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvector, mul, Rop } from "../mod.ts";
 * const x = dvector("x"), v = dvector("v");
 * const [a, b] = Rop([mul(x, 2), mul(x, x)], x, v); // 2v and 2xv
 * assert(a.ndim === 1 && b.ndim === 1);
 * ```
 */
export function Rop(
  f: Variable[],
  wrt: Variable | Variable[],
  evalPoints: TensorLike | TensorLike[],
  options?: RopOptions,
): Variable[];
export function Rop(
  f: Variable | Variable[],
  wrt: Variable | Variable[],
  evalPoints: TensorLike | TensorLike[],
  options: RopOptions = {},
): Variable | Variable[] {
  return atUserCall(() => {
    checkOptions("Rop", options, { disconnectedOutputs: oneOf("raise", "ignore") });
    const fs = listOf(f), ws = listOf(wrt);
    const vs = points(
      "Rop",
      ws,
      Array.isArray(wrt) ? listOf(evalPoints as TensorLike[]) : [evalPoints as TensorLike],
    );
    const tangents = new Map<Variable, Variable>();
    ws.forEach((w, i) => tangents.set(w, vs[i]));
    for (const node of toposort(fs, new Set(ws))) {
      const ins = node.inputs.map((i) => tangents.get(i) ?? null);
      if (ins.every((t) => t === null)) continue;
      jvpOf(node, ins).forEach((t, k) => t && tangents.set(node.outputs[k], t));
    }
    const out = fs.map((y) => {
      const t = tangents.get(y);
      if (t) return t;
      if ((options.disconnectedOutputs ?? "raise") === "raise") {
        throw new GradError(
          `Rop: ${y.describe()} does not depend on ${ws.map((w) => w.describe()).join(", ")}` +
            ` (or only through integer or non-differentiable ops); pass disconnectedOutputs: "ignore" for zeros`,
        );
      }
      return fill(y, constant(0, { dtype: isFloat(y.dtype) ? y.dtype : "float64" }));
    });
    markUses(out, ws);
    return Array.isArray(f) ? out : out[0];
  });
}

/**
 * The L-operator: `evalPoints` (one per `f`, of its shape) times the Jacobian of `f`
 * with respect to `wrt`, by reverse mode. A list of `wrt` gives a list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const W = T.dmatrix("W"), v = T.dvector("v"), x = T.dvector("x");
 * const f = T.function([W, v, x], T.Lop(T.dot(x, W), W, v));
 * assert(f([[1, 1], [1, 1]], [2, 2], [0, 1]).toString() === "[[0. 0.]\n [2. 2.]]");
 * ```
 */
export function Lop(
  f: Variable | Variable[],
  wrt: Variable,
  evalPoints: TensorLike | TensorLike[],
  options?: LopOptions,
): Variable;
/**
 * The L-operator with respect to a list of variables: one vector-Jacobian product per variable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dvectors, Lop, mul } from "../mod.ts";
 * const [x, y, v] = dvectors("x", "y", "v");
 * const [gx, gy] = Lop(mul(x, y), [x, y], v); // v * y and v * x
 * assert(gx.ndim === 1 && gy.ndim === 1);
 * ```
 */
export function Lop(
  f: Variable | Variable[],
  wrt: Variable[],
  evalPoints: TensorLike | TensorLike[],
  options?: LopOptions,
): Variable[];
export function Lop(
  f: Variable | Variable[],
  wrt: Variable | Variable[],
  evalPoints: TensorLike | TensorLike[],
  options: LopOptions = {},
): Variable | Variable[] {
  return atUserCall(() => {
    checkOptions("Lop", options, LOP_OPTIONS);
    const fs = listOf(f);
    const vs = points(
      "Lop",
      fs,
      Array.isArray(f) ? listOf(evalPoints as TensorLike[]) : [evalPoints as TensorLike],
    );
    const known = new Map<Variable, Variable>();
    fs.forEach((y, i) => known.set(y, plus(known.get(y) ?? null, vs[i])!));
    const ws = listOf(wrt);
    const gs = grad(null, ws, { ...options, knownGrads: known });
    return Array.isArray(wrt) ? gs : gs[0];
  });
}
