/**
 * tensordot: sum products over chosen axis pairs, with NumPy's semantics. Its own op
 * (not a composition of reshapes), so its static shape is exact and its gradient is
 * two more tensordots and a dimshuffle.
 * @module
 */
import { upcast } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import { defineOp, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";
import { add } from "./arith.ts";
import { dimshuffle, permuteCopy } from "./dimshuffle.ts";
import { accumulateMode, checkInner, checkStaticInner, referenceMatmul } from "./dot_kernel.ts";

/** Params: the axes of `a` summed against the axes of `b`, pairwise, non-negative. */
export interface TensordotParams {
  axesA: number[];
  axesB: number[];
}

/** The axes of a tensordot: a count (last of `a` against first of `b`) or two lists. */
export type TensordotAxes = number | [number | number[], number | number[]];

/**
 * How a tensordot maps onto one matrix product: `a` permuted to (free, summed) is an
 * (m, k) matrix, `b` permuted to (summed, free) a (k, n) one.
 */
export interface TensordotLayout {
  permA: number[];
  permB: number[];
  m: number;
  k: number;
  n: number;
  outShape: number[];
}

/** The layout of a tensordot of values of these shapes. *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensordotLayout } from "./tensordot.ts";
 * const l = tensordotLayout([2, 3, 4], [4, 3], { axesA: [1, 2], axesB: [1, 0] });
 * assert(l.m === 2 && l.k === 12 && l.n === 1 && l.outShape.length === 1);
 * ```
 */
export function tensordotLayout(
  shapeA: readonly number[],
  shapeB: readonly number[],
  { axesA, axesB }: TensordotParams,
): TensordotLayout {
  const freeA = [...shapeA.keys()].filter((d) => !axesA.includes(d));
  const freeB = [...shapeB.keys()].filter((d) => !axesB.includes(d));
  const prod = (s: readonly number[], ax: number[]) => ax.reduce((p, d) => p * s[d], 1);
  return {
    permA: [...freeA, ...axesA],
    permB: [...axesB, ...freeB],
    m: prod(shapeA, freeA),
    k: prod(shapeA, axesA),
    n: prod(shapeB, freeB),
    outShape: [...freeA.map((d) => shapeA[d]), ...freeB.map((d) => shapeB[d])],
  };
}

function checkAxes(name: string, v: Variable, axes: number[]) {
  for (const ax of axes) {
    if (!Number.isInteger(ax) || ax < 0 || ax >= v.ndim) {
      throw new HypatiaTypeError(`tensordot: axis ${ax} is out of range for ${name} ${v.describe()}`);
    }
  }
  if (new Set(axes).size !== axes.length) {
    throw new HypatiaTypeError(`tensordot: axes (${axes.join(", ")}) of ${name} ${v.describe()} repeat`);
  }
}

const isIdentity = (perm: number[]) => perm.every((p, i) => p === i);

/** The tensordot op. */
export const tensordotOp: Op<TensordotParams> = defineOp<TensordotParams>({
  name: "tensordot",
  inferType([a, b], params) {
    const { axesA, axesB } = params;
    if (axesA.length !== axesB.length) {
      throw new HypatiaTypeError(
        `tensordot: ${axesA.length} axes of ${a.describe()} cannot pair with ${axesB.length} axes of ${b.describe()}`,
      );
    }
    checkAxes("a", a, axesA);
    checkAxes("b", b, axesB);
    axesA.forEach((ax, i) => checkStaticInner("tensordot", a, ax, b, axesB[i]));
    const shape = [
      ...a.type.shape.filter((_, d) => !axesA.includes(d)),
      ...b.type.shape.filter((_, d) => !axesB.includes(d)),
    ];
    return [new TensorType(upcast(a.dtype, b.dtype), shape)];
  },
  perform([a, b], params, node) {
    checkInner("tensordot", node, a.shape, params.axesA, b.shape, params.axesB);
    const { permA, permB, m, k, n, outShape } = tensordotLayout(a.shape, b.shape, params);
    const pa = isIdentity(permA) ? a : permuteCopy(a, permA);
    const pb = isIdentity(permB) ? b : permuteCopy(b, permB);
    const dtype = node.outputs[0].dtype;
    const out = new NDArray(dtype, outShape);
    referenceMatmul(pa.data, pb.data, out.data, 1, m, k, n, 0, 0, accumulateMode(dtype));
    return [out];
  },
  vjp(node, [gz]) {
    const [a, b] = node.inputs;
    const { axesA, axesB } = node.params as TensordotParams;
    const freeA = [...Array(a.ndim).keys()].filter((d) => !axesA.includes(d));
    const freeB = [...Array(b.ndim).keys()].filter((d) => !axesB.includes(d));
    const nfa = freeA.length;
    const sortedB = [...axesB].sort((x, y) => x - y), sortedA = [...axesA].sort((x, y) => x - y);
    // gA: contract gz's b-part with b's free axes; what is left of b are its summed axes.
    const ra = tensordotOp.apply1([gz, b], { axesA: freeB.map((_, i) => nfa + i), axesB: freeB });
    const orderA = [...freeA, ...sortedB.map((bx) => axesA[axesB.indexOf(bx)])];
    // gB: contract a's free axes with gz's a-part; what is left of a are its summed axes.
    const rb = tensordotOp.apply1([a, gz], { axesA: freeA, axesB: freeA.map((_, i) => i) });
    const orderB = [...sortedA.map((ax) => axesB[axesA.indexOf(ax)]), ...freeB];
    return [
      dimshuffle(ra, ...[...Array(a.ndim).keys()].map((d) => orderA.indexOf(d))),
      dimshuffle(rb, ...[...Array(b.ndim).keys()].map((d) => orderB.indexOf(d))),
    ];
  },
  jvp(node, [ta, tb]) {
    const [a, b] = node.inputs, p = node.params as TensordotParams;
    const x = ta && tensordotOp.apply1([ta, b], p), y = tb && tensordotOp.apply1([a, tb], p);
    return [x && y ? add(x, y) : x ?? y];
  },
  format: ([a, b], { axesA, axesB }) =>
    `tensordot(${a}, ${b}, axes=[[${axesA.join(", ")}], [${axesB.join(", ")}]])`,
});

function axisList(v: number | number[], x: Variable, name: string): number[] {
  const list = typeof v === "number" ? [v] : v;
  if (!Array.isArray(list)) {
    throw new HypatiaTypeError(`tensordot: axes of ${name} must be a number or a list of numbers, got ${v}`);
  }
  return list.map((ax) => (Number.isInteger(ax) && ax < 0 ? ax + x.ndim : ax));
}

/**
 * Sum the products of `a` and `b` over pairs of axes, as `numpy.tensordot`: `axes` is
 * a count N (the last N axes of `a` against the first N of `b`; default 2) or a pair
 * of axis lists `[axesOfA, axesOfB]` (negative axes count from the end). The result
 * has the remaining axes of `a`, then those of `b`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dmatrix, dtensor3, tensordot } from "../mod.ts";
 * const z = tensordot(dtensor3("a"), dmatrix("b"), [[1, 2], [1, 0]]);
 * assert(z.ndim === 1);
 * assert(tensordot(dmatrix("c"), dmatrix("d"), 0).ndim === 4);
 * ```
 */
export function tensordot(a: TensorLike, b: TensorLike, axes: TensordotAxes = 2): Variable {
  const x = asTensor(a), y = asTensor(b);
  let params: TensordotParams;
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes > x.ndim || axes > y.ndim) {
      throw new HypatiaTypeError(
        `tensordot: cannot sum over the last ${axes} axes of ${x.describe()} and the first ${axes} of ${y.describe()}`,
      );
    }
    params = {
      axesA: [...Array(axes).keys()].map((i) => x.ndim - axes + i),
      axesB: [...Array(axes).keys()],
    };
  } else if (Array.isArray(axes) && axes.length === 2) {
    params = { axesA: axisList(axes[0], x, "a"), axesB: axisList(axes[1], y, "b") };
  } else {
    throw new HypatiaTypeError(`tensordot: axes must be a number or a pair of axis lists, got ${axes}`);
  }
  return tensordotOp.apply1([x, y], params);
}
