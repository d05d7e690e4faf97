/**
 * The linear algebra functions that are graph compositions of other ops, so they run
 * wherever those ops run and get their gradients from them: matrixPower, matrixDot,
 * kron, norm, pinv, tensorinv and tensorsolve.
 * @module
 */
import { asTensor } from "../../core/constant.ts";
import { HypatiaTypeError, InputError } from "../../core/errors.ts";
import type { TensorLike, Variable } from "../../core/graph.ts";
import { bool, checkOptions, num } from "../../core/options.ts";
import { add, mul, sub } from "../arith.ts";
import { eye, zeros, zerosLike } from "../alloc.ts";
import { cast } from "../cast.ts";
import { gt, neq } from "../compare.ts";
import { div } from "../div.ts";
import { dimshuffle } from "../dimshuffle.ts";
import { dot } from "../dot.ts";
import { concatenate } from "../join.ts";
import { sqrt } from "../exp_log.ts";
import { pow } from "../pow.ts";
import { max, min, sum } from "../reduce.ts";
import { abs } from "../rounding.ts";
import { reshape } from "../reshape.ts";
import { shapeI } from "../shape.ts";
import { svd } from "./decomp.ts";
import { matrixInverse, solve } from "./nlinalg.ts";
import { asRow, linalgDtype, matrixType, mm, mT } from "./util.ts";

/**
 * The `n`-th power of a square matrix (NumPy's `matrix_power`) by repeated squaring:
 * `n = 0` gives the identity, a negative `n` powers the inverse.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * assert.deepEqual(T.function([a], T.matrixPower(a, 3))([[1, 1], [0, 1]]).toArray(), [[1, 3], [0, 1]]);
 * ```
 */
export function matrixPower(a: TensorLike, n: number): Variable {
  const x = asTensor(a);
  matrixType("matrixPower", x, true);
  if (!Number.isInteger(n)) throw new InputError(`matrixPower: the exponent must be an integer, got ${n}`);
  if (n === 0) { // the identity, once per matrix of a stack
    const id = eye(shapeI(x, x.ndim - 1), undefined, 0, x.dtype === "bool" ? "int64" : x.dtype);
    return x.ndim === 2 ? id : add(zerosLike(x, id.dtype), id);
  }
  let base = n < 0 ? matrixInverse(x) : x, result: Variable | undefined;
  for (let k = Math.abs(n);; k >>= 1) {
    if (k & 1) result = result ? mm(result, base) : base;
    if (k <= 1) break;
    base = mm(base, base);
  }
  return result!;
}

/**
 * The product of several matrices in order, `dot(dot(a, b), c)…` (Theano's `matrix_dot`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const [a, b, c] = [T.dmatrix("a"), T.dmatrix("b"), T.dvector("c")];
 * assert.equal(T.matrixDot(a, b, c).ndim, 1);
 * ```
 */
export function matrixDot(...args: TensorLike[]): Variable {
  if (args.length === 0) throw new InputError("matrixDot: needs at least one argument");
  return args.slice(1).reduce<Variable>((acc, m) => dot(acc, m), asTensor(args[0]));
}

/**
 * The Kronecker product (NumPy's `kron`, Theano's `kron`): for a of shape (p, q) and b
 * of shape (r, s), the (p·r, q·s) block matrix of blocks `a[i, j] * b`. The lower-rank
 * input gets leading axes of length 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const [a, b] = [T.dmatrix("a"), T.dmatrix("b")];
 * const k = T.function([a, b], T.kron(a, b))([[1, 2]], [[1], [10]]);
 * assert.deepEqual(k.toArray(), [[1, 2], [10, 20]]);
 * ```
 */
export function kron(a: TensorLike, b: TensorLike): Variable {
  let x = asTensor(a), y = asTensor(b);
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  const nd = Math.max(x.ndim, y.ndim);
  const pad = (v: Variable) =>
    v.ndim < nd ? dimshuffle(v, ...Array(nd - v.ndim).fill("x"), ...[...Array(v.ndim).keys()]) : v;
  [x, y] = [pad(x), pad(y)];
  // out[i0, j0, i1, j1, …] = x[i0, i1, …] y[j0, j1, …], then merge each (i, j) pair.
  const xp: (number | "x")[] = [], yp: (number | "x")[] = [];
  for (let d = 0; d < nd; d++) xp.push(d, "x"), yp.push("x", d);
  const prod = mul(dimshuffle(x, ...xp), dimshuffle(y, ...yp));
  return reshape(prod, [...Array(nd).keys()].map((d) => mul(shapeI(x, d), shapeI(y, d))));
}

/** The `ord` of `norm`: NumPy's. */
export type NormOrd = number | "fro" | "nuc";

/** Options of `norm`. */
export interface NormOptions {
  /** Keep the normed axes as length 1 (default false). */
  keepdims?: boolean;
}

/**
 * Vector and matrix norms with NumPy's `ord` and `axis` (`numpy.linalg.norm`). With no
 * axis, a vector gets the vector norm, a matrix the matrix norm, and with no `ord` any
 * tensor gets the 2-norm of its flattened values. One axis: vector norms (p-norms for
 * any number p, ±Infinity for the largest/smallest |x|, 0 for the count of non-zeros).
 * Two axes (or a matrix): "fro" (default), "nuc" (sum of singular values), 1/-1 (max/min
 * column sum of |x|), Infinity/-Infinity (max/min row sum), 2/-2 (largest/smallest
 * singular value). With two axes, every other axis is a batch axis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const [v, m] = [T.dvector("v"), T.dmatrix("m")];
 * assert.equal(T.function([v], T.norm(v))([3, 4]).item(), 5);
 * assert.equal(T.function([m], T.norm(m, Infinity))([[1, -2], [3, 4]]).item(), 7);
 * ```
 */
export function norm(
  x: TensorLike,
  ord?: NormOrd | null,
  axis?: number | [number, number] | null,
  options: NormOptions = {},
): Variable {
  checkOptions("norm", options, { keepdims: bool });
  const keepdims = options.keepdims ?? false;
  let v = asTensor(x);
  linalgDtype("norm", v);
  if (!isFloatType(v)) v = cast(v, linalgDtype("norm", v));
  if (ord !== undefined && ord !== null && typeof ord !== "number" && ord !== "fro" && ord !== "nuc") {
    throw new InputError(`norm: ord must be a number, "fro" or "nuc", got ${JSON.stringify(ord)}`);
  }
  const none = ord === undefined || ord === null;
  if (axis === undefined || axis === null) {
    if (none) return sqrt(sum(mul(v, v), null, { keepdims }));
    if (v.ndim === 1) return vectorNorm(v, ord ?? 2, 0, keepdims);
    if (v.ndim === 2) return matrixNorm(v, ord ?? "fro", [0, 1], keepdims);
    throw new InputError(`norm: an ord needs a vector or a matrix (or an axis), got ${v.describe()}`);
  }
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => {
    if (!Number.isInteger(a) || a < -v.ndim || a >= v.ndim) {
      throw new InputError(`norm: axis ${a} is out of range for ${v.describe()}`);
    }
    return a < 0 ? a + v.ndim : a;
  });
  if (axes.length === 1) return vectorNorm(v, ord ?? 2, axes[0], keepdims);
  if (axes.length === 2 && axes[0] !== axes[1]) {
    return matrixNorm(v, ord ?? "fro", axes as [number, number], keepdims);
  }
  throw new InputError(`norm: axis must be one axis or two distinct axes, got ${JSON.stringify(axis)}`);
}

const isFloatType = (v: Variable) => v.dtype === "float32" || v.dtype === "float64";

function vectorNorm(v: Variable, ord: NormOrd, axis: number, keepdims: boolean): Variable {
  const o = { keepdims };
  if (typeof ord !== "number") {
    throw new InputError(`norm: ord "${ord}" is a matrix norm; a vector norm takes a number`);
  }
  if (ord === Infinity) return max(abs(v), axis, o);
  if (ord === -Infinity) return min(abs(v), axis, o);
  if (ord === 0) return sum(cast(neq(v, 0), v.dtype), axis, o);
  if (ord === 1) return sum(abs(v), axis, o);
  if (ord === 2) return sqrt(sum(mul(v, v), axis, o));
  return pow(sum(pow(abs(v), ord), axis, o), 1 / ord);
}

function matrixNorm(v: Variable, ord: NormOrd, [r, c]: [number, number], keepdims: boolean): Variable {
  const o = { keepdims };
  if (ord === "fro") return sqrt(sum(mul(v, v), [r, c], o));
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    // 1: the largest column sum (sum over rows r, then the extreme over columns c).
    const [inner, outer] = Math.abs(ord) === 1 ? [r, c] : [c, r];
    const sums = sum(abs(v), inner, { keepdims: true });
    const pick = ord > 0 ? max(sums, outer, { keepdims: true }) : min(sums, outer, { keepdims: true });
    return keepdims ? pick : sum(pick, [r, c]);
  }
  if (ord === 2 || ord === -2 || ord === "nuc") {
    // The singular values of the matrices on axes (r, c): those axes moved last, a stack for svd.
    const others = [...Array(v.ndim).keys()].filter((d) => d !== r && d !== c);
    const s = svd(dimshuffle(v, ...others, r, c), { computeUv: false }) as Variable, last = s.ndim - 1;
    const res = ord === "nuc" ? sum(s, last) : ord === 2 ? max(s, last) : min(s, last);
    if (!keepdims) return res;
    // Put length-1 axes back where r and c were.
    let k = 0;
    return dimshuffle(
      res,
      ...[...Array(v.ndim).keys()].map((d) => (d === r || d === c ? "x" as const : k++)),
    );
  }
  throw new InputError(`norm: invalid ord ${ord} for a matrix norm (use "fro", "nuc", ±1, ±2 or ±Infinity)`);
}

/** Options of `pinv`. */
export interface PinvOptions {
  /** Singular values at or below rcond × the largest are taken as zero (default 1e-15, NumPy's). */
  rcond?: number;
}

/**
 * The Moore–Penrose pseudo-inverse (NumPy's `pinv`), from the thin SVD: singular values
 * at or below `rcond` times the largest are dropped. Differentiable where the rank is
 * constant and the kept singular values are distinct.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.dmatrix("a");
 * assert.deepEqual(T.function([a], T.pinv(a))([[2, 0], [0, 0]]).toArray(), [[0.5, 0], [0, 0]]);
 * ```
 */
export function pinv(a: TensorLike, options: PinvOptions = {}): Variable {
  checkOptions("pinv", options, { rcond: num });
  const x = asTensor(a);
  matrixType("pinv", x, false);
  const [u, s, vt] = svd(x, { fullMatrices: false }) as Variable[];
  // The largest singular value of each matrix, 0 for an empty one (singular values are ≥ 0,
  // so the extra 0 changes nothing).
  const last = s.ndim - 1, lead = [...Array(last).keys()].map((d) => shapeI(s, d));
  const largest = max(concatenate([s, zeros([...lead, 1], s.dtype)], last), last, { keepdims: true });
  const keep = cast(gt(s, mul(options.rcond ?? 1e-15, largest)), s.dtype);
  // keep / s where kept, 0 elsewhere, without dividing by a zero singular value.
  const sInv = div(keep, add(s, sub(1, keep)));
  return mm(mul(mT(vt), asRow(sInv)), mT(u));
}

/** Static or symbolic product of the lengths of `x`'s axes in [from, to). */
function lengthOf(x: Variable, from: number, to: number): Variable | number {
  let p: Variable | number = 1;
  for (let d = from; d < to; d++) p = p === 1 ? shapeI(x, d) : mul(p, shapeI(x, d));
  return p;
}

/**
 * The inverse of a tensor for `tensordot(…, ind)` (NumPy's `tensorinv`): `a` reshaped to
 * a square matrix of its first `ind` axes by the rest, inverted, and reshaped to
 * `a.shape[ind:] + a.shape[:ind]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const a = T.tensor3("a");
 * assert.equal(T.tensorinv(a, 1).ndim, 3);
 * ```
 */
export function tensorinv(a: TensorLike, ind = 2): Variable {
  const x = asTensor(a);
  if (!Number.isInteger(ind) || ind <= 0 || ind >= x.ndim) {
    throw new InputError(
      `tensorinv: ind must be an integer in [1, ${x.ndim - 1}] for ${x.describe()}, got ${ind}`,
    );
  }
  const m = matrixInverse(reshape(x, [lengthOf(x, 0, ind), lengthOf(x, ind, x.ndim)]));
  const order = [...Array(x.ndim - ind).keys()].map((d) => d + ind).concat([...Array(ind).keys()]);
  return reshape(m, order.map((d) => shapeI(x, d)));
}

/**
 * The x with `tensordot(a, x, x.ndim) = b` (NumPy's `tensorsolve`): x has the shape of
 * `a`'s trailing axes after `b.ndim`. `axes` first moves those axes of `a` to the end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../../mod.ts";
 * const [a, b] = [T.tensor4("a"), T.dmatrix("b")];
 * assert.equal(T.tensorsolve(a, b).ndim, 2);
 * ```
 */
export function tensorsolve(a: TensorLike, b: TensorLike, axes?: number[] | null): Variable {
  let x = asTensor(a);
  const y = asTensor(b);
  if (axes !== undefined && axes !== null) {
    const moved = axes.map((d) => {
      if (!Number.isInteger(d) || d < -x.ndim || d >= x.ndim) {
        throw new InputError(`tensorsolve: axis ${d} is out of range for ${x.describe()}`);
      }
      return d < 0 ? d + x.ndim : d;
    });
    const rest = [...Array(x.ndim).keys()].filter((d) => !moved.includes(d));
    x = dimshuffle(x, ...rest, ...moved);
  }
  if (y.ndim >= x.ndim) {
    throw new HypatiaTypeError(
      `tensorsolve: a must have more axes than b, got ${x.describe()} and ${y.describe()}`,
    );
  }
  const xs = [...Array(x.ndim - y.ndim).keys()].map((d) => d + y.ndim);
  const sol = solve(reshape(x, [-1, lengthOf(x, y.ndim, x.ndim)]), reshape(y, [-1]));
  return reshape(sol, xs.map((d) => shapeI(x, d)));
}
