/**
 * Installs the tensor methods declared in core/graph.ts (`x.add(y)`, `x.sum()`,
 * `x.T`, `x.shape`…) on Variable.prototype. Each is the free function of the same
 * name with `this` first. Imported by ops/mod.ts, so every entry point has them.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { InputError } from "../core/errors.ts";
import { describeValue } from "../core/options.ts";
import { asTensor } from "../core/constant.ts";
import { type Axis, type AxisOptions, type TensorLike, type TensorMethods, Variable } from "../core/graph.ts";
import { add, intDiv, mod, mul, neg, sqr, sub } from "./arith.ts";
import { div } from "./div.ts";
import { pow } from "./pow.ts";
import { exp, expm1, log, log1p, log2, sqrt } from "./exp_log.ts";
import { cos, sin, tan, tanh } from "./trig.ts";
import { erf, sigmoid, softplus } from "./special.ts";
import { abs, ceil, floor, round, sign } from "./rounding.ts";
import { clip, maximum, minimum } from "./minmax.ts";
import { and, eq, ge, gt, le, lt, neq, not, or } from "./compare.ts";
import { cast } from "./cast.ts";
import { all, any, argmax, argmin, max, mean, min, prod, type ReduceOptions, sum } from "./reduce.ts";
import { std, variance } from "./statistics.ts";
import { dot } from "./dot.ts";
import { dimshuffle, transpose } from "./dimshuffle.ts";
import { shapeOf } from "./shape.ts";
import { flatten, reshape } from "./reshape.ts";
import { compress } from "./compress.ts";
import { cumprod, cumsum } from "./cumulative.ts";
import { searchsorted, type SearchsortedOptions } from "./sorted.ts";
import { squeeze } from "./squeeze.ts";
import { get, type IndexArg, type IndexArray, slice } from "./indexing.ts";
import { imag, real } from "./real_parts.ts";
// Issue 16, shape and array ops (h-array).
import { take, type TakeOptions } from "./take.ts";
import { argsort, sort, type SortOptions } from "./sort.ts";
import { ravel, repeat } from "./tile_repeat.ts";
import { diagonal, trace } from "./diagonal.ts";
import { ptp } from "./extremes.ts";
import { copy } from "./copy.ts";
import { zerosLike } from "./alloc.ts";
import { choose, type ChooseOptions } from "./choose.ts";
import { nonzero, type NonzeroOptions, nonzeroValues } from "./nonzero.ts";
import type { DtypeArg } from "../core/options.ts";

type ExtraOpsMethods = "cumsum" | "cumprod" | "squeeze" | "compress" | "searchsorted";
type Methods = Omit<TensorMethods, "T" | "shape" | "real" | "imag" | ExtraOpsMethods>;

const methods: Methods = {
  add(this: Variable, o: TensorLike) {
    return add(this, o);
  },
  sub(this: Variable, o: TensorLike) {
    return sub(this, o);
  },
  rsub(this: Variable, o: TensorLike) {
    return sub(asTensor(o), this);
  },
  mul(this: Variable, o: TensorLike) {
    return mul(this, o);
  },
  div(this: Variable, o: TensorLike) {
    return div(this, o);
  },
  rdiv(this: Variable, o: TensorLike) {
    return div(asTensor(o), this);
  },
  intDiv(this: Variable, o: TensorLike) {
    return intDiv(this, o);
  },
  mod(this: Variable, o: TensorLike) {
    return mod(this, o);
  },
  pow(this: Variable, o: TensorLike) {
    return pow(this, o);
  },
  rpow(this: Variable, o: TensorLike) {
    return pow(asTensor(o), this);
  },
  neg(this: Variable) {
    return neg(this);
  },
  abs(this: Variable) {
    return abs(this);
  },
  sqr(this: Variable) {
    return sqr(this);
  },
  sqrt(this: Variable) {
    return sqrt(this);
  },
  exp(this: Variable) {
    return exp(this);
  },
  expm1(this: Variable) {
    return expm1(this);
  },
  log(this: Variable) {
    return log(this);
  },
  log1p(this: Variable) {
    return log1p(this);
  },
  log2(this: Variable) {
    return log2(this);
  },
  sin(this: Variable) {
    return sin(this);
  },
  cos(this: Variable) {
    return cos(this);
  },
  tan(this: Variable) {
    return tan(this);
  },
  tanh(this: Variable) {
    return tanh(this);
  },
  sigmoid(this: Variable) {
    return sigmoid(this);
  },
  softplus(this: Variable) {
    return softplus(this);
  },
  erf(this: Variable) {
    return erf(this);
  },
  floor(this: Variable) {
    return floor(this);
  },
  ceil(this: Variable) {
    return ceil(this);
  },
  round(this: Variable) {
    return round(this);
  },
  sign(this: Variable) {
    return sign(this);
  },
  maximum(this: Variable, o: TensorLike) {
    return maximum(this, o);
  },
  minimum(this: Variable, o: TensorLike) {
    return minimum(this, o);
  },
  clip(this: Variable, lo: TensorLike, hi: TensorLike) {
    return clip(this, lo, hi);
  },
  eq(this: Variable, o: TensorLike) {
    return eq(this, o);
  },
  neq(this: Variable, o: TensorLike) {
    return neq(this, o);
  },
  lt(this: Variable, o: TensorLike) {
    return lt(this, o);
  },
  le(this: Variable, o: TensorLike) {
    return le(this, o);
  },
  gt(this: Variable, o: TensorLike) {
    return gt(this, o);
  },
  ge(this: Variable, o: TensorLike) {
    return ge(this, o);
  },
  and(this: Variable, o: TensorLike) {
    return and(this, o);
  },
  or(this: Variable, o: TensorLike) {
    return or(this, o);
  },
  not(this: Variable) {
    return not(this);
  },
  astype(this: Variable, dtype: DType) {
    return cast(this, dtype);
  },
  sum(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return sum(this, axis, o);
  },
  mean(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return mean(this, axis, o);
  },
  prod(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return prod(this, axis, o);
  },
  max(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return max(this, axis, o);
  },
  min(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return min(this, axis, o);
  },
  argmax(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return argmax(this, axis, o);
  },
  argmin(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return argmin(this, axis, o);
  },
  any(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return any(this, axis, o);
  },
  all(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return all(this, axis, o);
  },
  var(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return variance(this, axis, o);
  },
  std(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return std(this, axis, o);
  },
  dot(this: Variable, o: TensorLike) {
    return dot(this, o);
  },
  dimshuffle(this: Variable, ...pattern: (number | "x")[]) {
    return dimshuffle(this, ...pattern);
  },
  transpose(this: Variable, ...axes: number[]) {
    return transpose(this, ...axes);
  },
  reshape(this: Variable, shape: TensorLike | (number | Variable)[]) {
    return reshape(this, shape);
  },
  flatten(this: Variable, ndim?: number) {
    return flatten(this, ndim);
  },
  get(this: Variable, ...index: (number | IndexArray)[]) {
    return get(this, ...index);
  },
  slice(this: Variable, ...args: IndexArg[]) {
    return slice(this, ...args);
  },
  // Issue 16, shape and array ops (h-array).
  take(this: Variable, indices: TensorLike, axis?: number | null | TakeOptions) {
    return take(this, indices, axis);
  },
  sort(this: Variable, axis?: number | null | SortOptions) {
    return sort(this, axis);
  },
  argsort(this: Variable, axis?: number | null | SortOptions) {
    return argsort(this, axis);
  },
  repeat(this: Variable, repeats: TensorLike, axis?: number | null) {
    return repeat(this, repeats, axis);
  },
  ravel(this: Variable) {
    return ravel(this);
  },
  diagonal(this: Variable, offset?: number, axis1?: number, axis2?: number) {
    return diagonal(this, offset, axis1, axis2);
  },
  trace(this: Variable, offset?: number, axis1?: number, axis2?: number) {
    return trace(this, offset, axis1, axis2);
  },
  ptp(this: Variable, axis?: Axis | AxisOptions, o?: ReduceOptions) {
    return ptp(this, axis, o);
  },
  copy(this: Variable) {
    return copy(this);
  },
  zerosLike(this: Variable, dtype?: DtypeArg) {
    return zerosLike(this, dtype);
  },
  choose(this: Variable, choices: TensorLike[], o?: ChooseOptions) {
    return choose(this, choices, o);
  },
  nonzero: function (this: Variable, o?: NonzeroOptions) {
    return nonzero(this, o as { returnMatrix: true });
  } as TensorMethods["nonzero"],
  nonzeroValues(this: Variable) {
    return nonzeroValues(this);
  },
  norm(this: Variable, L: number, axis?: Axis) {
    // Theano's TensorVariable.norm: an entrywise p-norm (L = 0 has no such formula there either).
    if (typeof L !== "number" || !(L > 0)) {
      throw new InputError(
        `norm: L must be a positive number (Theano's x.norm(L, axis)), got ${describeValue(L)}`,
      );
    }
    if (L === Infinity) return max(abs(this), axis);
    if (L === 2) return sqrt(sum(sqr(this), axis));
    return pow(sum(pow(abs(this), L), axis), 1 / L);
  },
};

Object.assign(Variable.prototype, methods);
Object.defineProperty(Variable.prototype, "T", {
  get(this: Variable) {
    return transpose(this);
  },
  configurable: true,
});
Object.defineProperty(Variable.prototype, "shape", {
  get(this: Variable) {
    return shapeOf(this);
  },
  configurable: true,
});

// Issue 16, extra_ops (h-index): Theano's tensor methods for them.
const extraOpsMethods: Pick<TensorMethods, ExtraOpsMethods> = {
  cumsum(this: Variable, axis?: number | null) {
    return cumsum(this, axis);
  },
  cumprod(this: Variable, axis?: number | null) {
    return cumprod(this, axis);
  },
  squeeze(this: Variable, axis?: number | number[] | null) {
    return squeeze(this, axis);
  },
  compress(this: Variable, condition: TensorLike, axis?: number | null) {
    return compress(condition, this, axis);
  },
  searchsorted(this: Variable, v: TensorLike, options?: SearchsortedOptions) {
    return searchsorted(this, v, options);
  },
};
Object.assign(Variable.prototype, extraOpsMethods);
// Theano's `x.real` and `x.imag` properties (issue 16).
Object.defineProperty(Variable.prototype, "real", {
  get(this: Variable) {
    return real(this);
  },
  configurable: true,
});
Object.defineProperty(Variable.prototype, "imag", {
  get(this: Variable) {
    return imag(this);
  },
  configurable: true,
});
