/**
 * The LU and Cholesky family: matrixInverse, det, solve, cholesky and the triangular
 * solves, on matrices and stacks of them (..., n, n). Their reference rules are the routines of lu_kernel.ts; their
 * gradients are the matrix-calculus rules, built from graph ops.
 * @module
 */
import { upcast } from "../../core/dtype.ts";
import { HypatiaTypeError, InputError, ShapeError } from "../../core/errors.ts";
import {
  type Apply,
  defineOp,
  type Op,
  type TensorLike,
  TensorType,
  type Variable,
} from "../../core/graph.ts";
import { asTensor } from "../../core/constant.ts";
import type { NDArray } from "../../core/ndarray.ts";
import { bool, checkOptions } from "../../core/options.ts";
import { add, mul, neg } from "../arith.ts";
import { dot } from "../dot.ts";
import * as K from "./lu_kernel.ts";
import {
  asColumn,
  asRow,
  eachMatrix,
  eyeLike,
  leadingType,
  linalgDtype,
  lowerGrad,
  matrixOf,
  matrixType,
  mm,
  mT,
  type ProductRule,
  squareOrder,
  type Stack,
  stackOf,
  tril,
} from "./util.ts";

/** A square-matrix-to-square-matrix op's inferType (stacks keep their leading axes). */
const squareMap = (name: string) => ([x]: readonly Variable[]) => {
  const [n, m] = matrixType(name, x, true);
  const d = n ?? m;
  return [new TensorType(linalgDtype(name, x), [...leadingType(x), d, d])];
};

/** The LinAlgError NumPy raises for a singular matrix, naming the node, the matrix of a stack and the pivot. */
function singular(node: Apply, what: string, s: Stack, i: number, at: number): never {
  const which = s.count > 1 || s.lead.length ? ` (matrix ${i} of the stack)` : "";
  throw new InputError(`${node.where()}: ${what}${which} is singular (LinAlgError: zero pivot at row ${at})`);
}

/** A⁻¹ by LU with partial pivoting, the LU's trailing updates by `product`; each matrix of a stack. */
export const inverseRule: ProductRule = ([a], node, product) => {
  const n = squareOrder(node, a), s = stackOf(a), out = new Float64Array(a.size);
  eachMatrix(s, [out], (m, i) => {
    const f = K.luFactor(m, n, product);
    if (f.singularAt >= 0) singular(node, `matrix of shape (${a.shape.join(", ")})`, s, i, f.singularAt);
    return [K.luInverse(f, n, product)];
  });
  return [matrixOf(node, 0, a.shape, out)];
};

/** matrixInverse: A⁻¹ by LU with partial pivoting. */
export const matrixInverseOp: Op<null> = defineOp<null>({
  name: "matrix_inverse",
  inferType: squareMap("matrixInverse"),
  perform: (xs, _p, node) => inverseRule(xs, node, K.matmul),
  // Y = A⁻¹: dA = -Yᵀ gY Yᵀ.
  vjp: (node, [g]) => {
    const yt = mT(node.outputs[0]);
    return [neg(mm(mm(yt, g), yt))];
  },
  format: ([a]) => `matrix_inverse(${a})`,
});

/** The determinant from the LU factorisation; each matrix of a stack. */
export const detRule: ProductRule = ([a], node, product) => {
  const n = squareOrder(node, a), s = stackOf(a), out = new Float64Array(s.count);
  eachMatrix(s, [out], (m) => [[K.luDet(K.luFactor(m, n, product), n)]]);
  return [matrixOf(node, 0, s.lead, out)];
};

/** det: the determinant, from the LU factorisation. */
export const detOp: Op<null> = defineOp<null>({
  name: "det",
  inferType([a]) {
    matrixType("det", a, true);
    return [new TensorType(linalgDtype("det", a), leadingType(a))];
  },
  perform: (xs, _p, node) => detRule(xs, node, K.matmul),
  // d det(A) = det(A) A⁻ᵀ (A nonsingular).
  vjp: (node, [g]) => {
    const scale = asColumn(asColumn(mul(g, node.outputs[0])));
    return [mul(scale, mT(matrixInverseOp.apply1([node.inputs[0]], null)))];
  },
  format: ([a]) => `det(${a})`,
});

/** Whether `b` of `solve(a, b)` holds vectors (..., n) rather than matrices (..., n, k): NumPy 1's rule. */
const vectorRhs = (aNdim: number, bNdim: number) => bNdim === aNdim - 1;

/** The type of x in a x = b: b's shape, the float dtype of both. */
function solveType(name: string, a: Variable, b: Variable): TensorType[] {
  const [n] = matrixType(name, a, true, "a");
  if (b.ndim !== a.ndim && b.ndim !== a.ndim - 1) {
    throw new HypatiaTypeError(
      `${name}: b must have the rank of a (matrices of right-hand sides) or one less (vectors), got a ` +
        `${a.describe()} and b ${b.describe()}`,
    );
  }
  linalgDtype(name, b);
  const bn = b.type.shape[vectorRhs(a.ndim, b.ndim) ? b.ndim - 1 : b.ndim - 2];
  if (n !== null && bn !== null && n !== bn) {
    throw new ShapeError(`${name}: a has ${n} rows but b has ${bn} (static shapes)`);
  }
  const dtype = upcast(linalgDtype(name, a), linalgDtype(name, b));
  return [new TensorType(dtype, b.type.shape)];
}

/** The stacks of a and b in a x = b, checked against each other; b's matrices are n×k (k = 1 for vectors). */
function solveStacks(node: Apply, a: NDArray, b: NDArray): [Stack, Stack] {
  const n = squareOrder(node, a, "a"), sa = stackOf(a), sb = stackOf(b, vectorRhs(a.ndim, b.ndim));
  if (sb.r !== n || sb.lead.join() !== sa.lead.join()) {
    throw new ShapeError(
      `${node.where()}: a has shape (${a.shape.join(", ")}) but b has shape (${b.shape.join(", ")}): ` +
        `b needs ${n} rows` + (sa.lead.length ? ` and the leading shape (${sa.lead.join(", ")})` : ""),
    );
  }
  return [sa, sb];
}

/** x with A x = b by LU, the LU's trailing updates by `product`; each matrix of a stack. */
export const solveRule: ProductRule = ([a, b], node, product) => {
  const [sa, sb] = solveStacks(node, a, b), n = sa.r, out = new Float64Array(b.size);
  eachMatrix(sa, [out], (m, i) => {
    const f = K.luFactor(m, n, product);
    if (f.singularAt >= 0) singular(node, `a (shape (${a.shape.join(", ")}))`, sa, i, f.singularAt);
    return [K.luSolve(f, n, sb.at(i), sb.c, product)];
  });
  return [matrixOf(node, 0, b.shape, out)];
};

/** gb xᵀ for vectors (an outer product per stack entry) or matrices. */
const outerOrProduct = (gb: Variable, x: Variable, vector: boolean) =>
  vector ? mul(asColumn(gb), asRow(x)) : mm(gb, mT(x));

/** solve(A, b): x with A x = b, b a vector or a matrix of right-hand sides. */
export const solveOp: Op<null> = defineOp<null>({
  name: "solve",
  inferType: ([a, b]) => solveType("solve", a, b),
  perform: (xs, _p, node) => solveRule(xs, node, K.matmul),
  // x = A⁻¹ b: gb = A⁻ᵀ g, gA = -gb xᵀ.
  vjp: (node, [g]) => {
    const [a] = node.inputs, x = node.outputs[0];
    const gb = solveOp.apply1([mT(a), g], null);
    return [neg(outerOrProduct(gb, x, vectorRhs(a.ndim, x.ndim))), gb];
  },
  rewrites: [{
    // solve(inv(A), b) = A b: a product instead of two factorisations.
    name: "solve_of_inverse",
    stage: "canonicalize",
    apply: (node) => {
      const [ai, b] = node.inputs;
      if (ai.owner?.op !== matrixInverseOp || ai.ndim !== 2) return null;
      const r = dot(ai.owner.inputs[0], b);
      return r.type.equals(node.outputs[0].type) ? [r] : null;
    },
  }],
  format: ([a, b]) => `solve(${a}, ${b})`,
});

/** Params of the triangular solve: which triangle of A is read, and whether its diagonal is taken as ones. */
export interface TriangularParams {
  lower: boolean;
  unitDiagonal: boolean;
}

/** Triangular solve: x with T x = b, reading only T's lower (or upper) triangle. */
export const solveTriangularOp: Op<TriangularParams> = defineOp<TriangularParams>({
  name: "solve_triangular",
  inferType: ([a, b], { lower }) => solveType(lower ? "solveLowerTriangular" : "solveUpperTriangular", a, b),
  perform([a, b], { lower, unitDiagonal }, node) {
    const [sa, sb] = solveStacks(node, a, b), n = sa.r, out = new Float64Array(b.size);
    eachMatrix(sa, [out], (m, i) => {
      const x = K.triSolve(m, n, sb.at(i), sb.c, lower, unitDiagonal);
      if (typeof x === "number") singular(node, `triangular a (shape (${a.shape.join(", ")}))`, sa, i, x);
      return [x];
    });
    return [matrixOf(node, 0, b.shape, out)];
  },
  // x = T⁻¹ b: gb = T⁻ᵀ g (the other triangle of Tᵀ), gT = -tri(gb xᵀ).
  vjp: (node, [g]) => {
    const [a] = node.inputs, x = node.outputs[0], p = node.params as TriangularParams;
    const gb = solveTriangularOp.apply1([mT(a), g], { ...p, lower: !p.lower });
    const full = neg(outerOrProduct(gb, x, vectorRhs(a.ndim, x.ndim)));
    const tri = p.lower ? tril(full, p.unitDiagonal ? -1 : 0) : mT(tril(mT(full), p.unitDiagonal ? -1 : 0));
    return [tri, gb];
  },
  format: ([a, b], { lower }) => `solve_triangular(${a}, ${b}, lower=${lower})`,
});

/** cholesky: the lower factor L with A = L Lᵀ, reading A's lower triangle. */
export const choleskyOp: Op<null> = defineOp<null>({
  name: "cholesky",
  inferType: squareMap("cholesky"),
  perform([a], _p, node) {
    const n = squareOrder(node, a), s = stackOf(a), out = new Float64Array(a.size);
    eachMatrix(s, [out], (m, i) => {
      const l = K.cholesky(m, n);
      if (typeof l === "number") {
        const which = s.count > 1 || s.lead.length ? ` (matrix ${i} of the stack)` : "";
        throw new InputError(
          `${node.where()}: matrix of shape (${a.shape.join(", ")})${which} is not positive definite ` +
            `(LinAlgError: the leading minor of order ${l} is not positive)`,
        );
      }
      return [l];
    });
    return [matrixOf(node, 0, a.shape, out)];
  },
  // Murray (2016) / Theano's CholeskyGrad: S = L⁻ᵀ Φ(Lᵀ gL) L⁻¹, Φ = tril with the
  // diagonal halved; A's lower triangle gets tril(S + Sᵀ) - diag(S).
  vjp: (node, [g]) => {
    const l = node.outputs[0];
    const m = mm(mT(l), g);
    const phi = add(tril(m, -1), mul(0.5, mul(m, eyeLike(m))));
    const upper = { lower: false, unitDiagonal: false };
    // L⁻ᵀ Φ L⁻¹ = solve(Lᵀ, (solve(Lᵀ, Φᵀ))ᵀ)
    const s = solveTriangularOp.apply1([mT(l), mT(solveTriangularOp.apply1([mT(l), mT(phi)], upper))], upper);
    return [lowerGrad(s)];
  },
  format: ([a]) => `cholesky(${a})`,
});

/**
 * The inverse of a square matrix, or of each of a stack (..., n, n) (Theano's
 * `matrix_inverse`, NumPy's `inv`), by LU with
 * partial pivoting. A singular matrix raises an InputError naming the zero pivot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * const f = T.function([a], T.matrixInverse(a));
 * assert.deepEqual(f([[2, 0], [0, 4]]).toArray(), [[0.5, 0], [0, 0.25]]);
 * ```
 */
export function matrixInverse(a: TensorLike): Variable {
  return matrixInverseOp.apply1([asTensor(a)], null);
}

/**
 * The determinant of a square matrix (from its LU factorisation); a stack (..., n, n)
 * gives one per matrix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * const d = T.function([a], T.det(a))([[1, 2], [3, 4]]).item();
 * assert(Math.abs(d + 2) < 1e-12);
 * ```
 */
export function det(a: TensorLike): Variable {
  return detOp.apply1([asTensor(a)], null);
}

/**
 * The solution x of `a x = b` for a square `a` and a vector or matrix `b` (NumPy's and
 * SciPy's `solve`; Theano's `solve` with the default "general" structure). For a stack
 * `a` (..., n, n), `b` has the same leading shape and holds vectors (..., n) when it has
 * one axis less than `a` (NumPy 1's rule), else matrices (..., n, k); leading shapes do
 * not broadcast. A singular `a` raises an InputError (NumPy's LinAlgError). The compiler
 * rewrites `solve(matrixInverse(a), b)` into `dot(a, b)` for a matrix `a`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const [a, b] = [T.dmatrix("a"), T.dvector("b")];
 * assert.deepEqual(T.function([a, b], T.solve(a, b))([[2, 0], [0, 4]], [2, 2]).toArray(), [1, 0.5]);
 * ```
 */
export function solve(a: TensorLike, b: TensorLike): Variable {
  return solveOp.apply1([asTensor(a), asTensor(b)], null);
}

/** Options of the triangular solves. */
export interface TriangularOptions {
  /** Take the diagonal of `a` as ones without reading it (default false). */
  unitDiagonal?: boolean;
}

function triangular(lower: boolean, a: TensorLike, b: TensorLike, options: TriangularOptions): Variable {
  const name = lower ? "solveLowerTriangular" : "solveUpperTriangular";
  checkOptions(name, options, { unitDiagonal: bool });
  return solveTriangularOp.apply1([asTensor(a), asTensor(b)], {
    lower,
    unitDiagonal: options.unitDiagonal ?? false,
  });
}

/**
 * The solution x of `a x = b` for a lower triangular `a` (only its lower triangle is
 * read), by forward substitution (Theano's `solve_lower_triangular`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const [a, b] = [T.dmatrix("a"), T.dvector("b")];
 * const f = T.function([a, b], T.solveLowerTriangular(a, b));
 * assert.deepEqual(f([[2, 99], [1, 1]], [4, 3]).toArray(), [2, 1]);
 * ```
 */
export function solveLowerTriangular(
  a: TensorLike,
  b: TensorLike,
  options: TriangularOptions = {},
): Variable {
  return triangular(true, a, b, options);
}

/**
 * The solution x of `a x = b` for an upper triangular `a` (only its upper triangle is
 * read), by back substitution (Theano's `solve_upper_triangular`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const [a, b] = [T.dmatrix("a"), T.dvector("b")];
 * const f = T.function([a, b], T.solveUpperTriangular(a, b));
 * assert.deepEqual(f([[1, 1], [99, 2]], [3, 4]).toArray(), [1, 2]);
 * ```
 */
export function solveUpperTriangular(
  a: TensorLike,
  b: TensorLike,
  options: TriangularOptions = {},
): Variable {
  return triangular(false, a, b, options);
}

/**
 * The lower Cholesky factor L of a symmetric positive definite matrix, `a = L Lᵀ`; only
 * the lower triangle of `a` is read (as NumPy). A matrix that is not positive definite
 * raises an InputError naming the first leading minor that is not positive. The gradient
 * goes to the lower triangle (Theano's convention).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * assert.deepEqual(T.function([a], T.cholesky(a))([[4, 2], [2, 5]]).toArray(), [[2, 0], [1, 2]]);
 * ```
 */
export function cholesky(a: TensorLike): Variable {
  return choleskyOp.apply1([asTensor(a)], null);
}
