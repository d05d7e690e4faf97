/**
 * The LU and Cholesky family: matrixInverse, det, solve, cholesky and the triangular
 * solves, on matrices (2-d). Their reference rules are the routines of kernels.ts; their
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
import { NDArray } from "../../core/ndarray.ts";
import { bool, checkOptions } from "../../core/options.ts";
import { add, mul, neg } from "../arith.ts";
import { dot, outer } from "../dot.ts";
import * as K from "./kernels.ts";
import {
  eyeLike,
  linalgDtype,
  lowerGrad,
  matrixOf,
  matrixType,
  mT,
  type ProductRule,
  squareOrder,
  tril,
} from "./util.ts";

/** A square-matrix-to-square-matrix op's inferType. */
const squareMap = (name: string) => ([x]: readonly Variable[]) => {
  const [n, m] = matrixType(name, x, true);
  const d = n ?? m;
  return [new TensorType(linalgDtype(name, x), [d, d])];
};

/** The LinAlgError NumPy raises for a singular matrix, naming the node and the pivot. */
function singular(node: Apply, what: string, at: number): never {
  throw new InputError(`${node.where()}: ${what} is singular (LinAlgError: zero pivot at row ${at})`);
}

/** A⁻¹ by LU with partial pivoting, the LU's trailing updates by `mm`. */
export const inverseRule: ProductRule = ([a], node, mm) => {
  const n = squareOrder(node, a), f = K.luFactor(a.data, n, mm);
  if (f.singularAt >= 0) singular(node, `matrix of shape (${n}, ${n})`, f.singularAt);
  return [matrixOf(node, 0, [n, n], K.luInverse(f, n, mm))];
};

/** matrixInverse: A⁻¹ by LU with partial pivoting. */
export const matrixInverseOp: Op<null> = defineOp<null>({
  name: "matrix_inverse",
  inferType: squareMap("matrixInverse"),
  perform: (xs, _p, node) => inverseRule(xs, node, K.matmul),
  // Y = A⁻¹: dA = -Yᵀ gY Yᵀ.
  vjp: (node, [g]) => {
    const yt = mT(node.outputs[0]);
    return [neg(dot(dot(yt, g), yt))];
  },
  format: ([a]) => `matrix_inverse(${a})`,
});

/** The determinant from the LU factorisation. */
export const detRule: ProductRule = ([a], node, mm) => {
  const n = squareOrder(node, a);
  const out = new NDArray(node.outputs[0].dtype, []);
  out.data[0] = K.luDet(K.luFactor(a.data, n, mm), n);
  return [out];
};

/** det: the determinant, from the LU factorisation. */
export const detOp: Op<null> = defineOp<null>({
  name: "det",
  inferType([a]) {
    matrixType("det", a, true);
    return [new TensorType(linalgDtype("det", a), [])];
  },
  perform: (xs, _p, node) => detRule(xs, node, K.matmul),
  // d det(A) = det(A) A⁻ᵀ (A nonsingular).
  vjp: (node, [g]) => [mul(mul(g, node.outputs[0]), mT(matrixInverseOp.apply1([node.inputs[0]], null)))],
  format: ([a]) => `det(${a})`,
});

/** The type of x in a x = b: b's shape, the float dtype of both. */
function solveType(name: string, a: Variable, b: Variable): TensorType[] {
  const [n] = matrixType(name, a, true, "a");
  if (b.ndim !== 1 && b.ndim !== 2) {
    throw new HypatiaTypeError(`${name}: b must be a vector or a matrix, got ${b.describe()}`);
  }
  linalgDtype(name, b);
  const bn = b.type.shape[0];
  if (n !== null && bn !== null && n !== bn) {
    throw new ShapeError(`${name}: a has ${n} rows but b has ${bn} (static shapes)`);
  }
  const dtype = upcast(linalgDtype(name, a), linalgDtype(name, b));
  return [new TensorType(dtype, b.type.shape)];
}

/** x with A x = b by LU, the LU's trailing updates by `mm`. */
export const solveRule: ProductRule = ([a, b], node, mm) => {
  const n = squareOrder(node, a, "a");
  if (b.shape[0] !== n) {
    throw new ShapeError(
      `${node.where()}: a has shape (${a.shape.join(", ")}) but b has shape (${b.shape.join(", ")}): ` +
        `b needs ${n} rows`,
    );
  }
  const f = K.luFactor(a.data, n, mm);
  if (f.singularAt >= 0) singular(node, `a (shape (${n}, ${n}))`, f.singularAt);
  const m = b.ndim === 1 ? 1 : b.shape[1];
  return [matrixOf(node, 0, [...b.shape], K.luSolve(f, n, b.data, m, mm))];
};

/** solve(A, b): x with A x = b, b a vector or a matrix of right-hand sides. */
export const solveOp: Op<null> = defineOp<null>({
  name: "solve",
  inferType: ([a, b]) => solveType("solve", a, b),
  perform: (xs, _p, node) => solveRule(xs, node, K.matmul),
  // x = A⁻¹ b: gb = A⁻ᵀ g, gA = -gb xᵀ.
  vjp: (node, [g]) => {
    const [a] = node.inputs, x = node.outputs[0];
    const gb = solveOp.apply1([mT(a), g], null);
    return [neg(x.ndim === 1 ? outer(gb, x) : dot(gb, mT(x))), gb];
  },
  rewrites: [{
    // solve(inv(A), b) = A b: a product instead of two factorisations.
    name: "solve_of_inverse",
    stage: "canonicalize",
    apply: (node) => {
      const [ai, b] = node.inputs;
      if (ai.owner?.op !== matrixInverseOp) return null;
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
    const n = squareOrder(node, a, "a");
    if (b.shape[0] !== n) {
      throw new ShapeError(
        `${node.where()}: a has shape (${a.shape.join(", ")}) but b has shape (${b.shape.join(", ")})`,
      );
    }
    const m = b.ndim === 1 ? 1 : b.shape[1];
    const x = K.triSolve(a.data, n, b.data, m, lower, unitDiagonal);
    if (typeof x === "number") singular(node, `triangular a (shape (${n}, ${n}))`, x);
    return [matrixOf(node, 0, [...b.shape], x)];
  },
  // x = T⁻¹ b: gb = T⁻ᵀ g (the other triangle of Tᵀ), gT = -tri(gb xᵀ).
  vjp: (node, [g]) => {
    const [a] = node.inputs, x = node.outputs[0], p = node.params as TriangularParams;
    const gb = solveTriangularOp.apply1([mT(a), g], { ...p, lower: !p.lower });
    const full = neg(x.ndim === 1 ? outer(gb, x) : dot(gb, mT(x)));
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
    const n = squareOrder(node, a);
    const l = K.cholesky(a.data, n);
    if (typeof l === "number") {
      throw new InputError(
        `${node.where()}: matrix of shape (${n}, ${n}) is not positive definite ` +
          `(LinAlgError: the leading minor of order ${l} is not positive)`,
      );
    }
    return [matrixOf(node, 0, [n, n], l)];
  },
  // Murray (2016) / Theano's CholeskyGrad: S = L⁻ᵀ Φ(Lᵀ gL) L⁻¹, Φ = tril with the
  // diagonal halved; A's lower triangle gets tril(S + Sᵀ) - diag(S).
  vjp: (node, [g]) => {
    const l = node.outputs[0];
    const m = dot(mT(l), g);
    const phi = add(tril(m, -1), mul(0.5, mul(m, eyeLike(m))));
    const upper = { lower: false, unitDiagonal: false };
    // L⁻ᵀ Φ L⁻¹ = solve(Lᵀ, (solve(Lᵀ, Φᵀ))ᵀ)
    const s = solveTriangularOp.apply1([mT(l), mT(solveTriangularOp.apply1([mT(l), mT(phi)], upper))], upper);
    return [lowerGrad(s)];
  },
  format: ([a]) => `cholesky(${a})`,
});

/**
 * The inverse of a square matrix (Theano's `matrix_inverse`, NumPy's `inv`), by LU with
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
 * The determinant of a square matrix (from its LU factorisation).
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
 * SciPy's `solve`; Theano's `solve` with the default "general" structure). A singular
 * `a` raises an InputError (NumPy's LinAlgError). The compiler rewrites
 * `solve(matrixInverse(a), b)` into `dot(a, b)`.
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
