/**
 * `subgraphGrad`: Theano's `subgraph_grad`, back-propagation one piece of a graph at a
 * time. The gradients of a piece's `end` variables become the known gradients (`start`)
 * of the piece before it, so a long chain can be differentiated piece by piece (and
 * the pieces' gradients inspected or changed in between).
 * @module
 */
import { GradError } from "../core/errors.ts";
import { anyValue, bool, checkOptions, describeValue, isPlainObject } from "../core/options.ts";
import { atUserCall, Variable } from "../core/graph.ts";
import { add } from "../ops/arith.ts";
import { grad } from "./grad.ts";

/** Arguments of `subgraphGrad`, named as Theano's keywords. */
export interface SubgraphGradOptions {
  /** The variables whose gradients are wanted. */
  wrt: Variable | Variable[];
  /** Where the back-propagation stops: their gradients are returned for the next piece. */
  end: Variable[];
  /** Known gradients of variables of this piece (the previous piece's end gradients). */
  start?: Map<Variable, Variable> | [Variable, Variable][];
  /** A scalar cost of this piece, whose gradient is added to what `start` gives. */
  cost?: Variable | null;
  /** Also return the gradients from `start` and from `cost` apart. */
  details?: boolean;
}

const OPTIONS = { wrt: anyValue, end: anyValue, start: anyValue, cost: anyValue, details: bool };

/** What `subgraphGrad` returns: the wrt gradients and the end variables' gradients. */
export type SubgraphGradResult = [Variable[], Map<Variable, Variable>];

/** With `details`: also the gradients of every `wrt` and `end` variable from `start` and from `cost`. */
export type SubgraphGradDetails = [
  Variable[],
  Map<Variable, Variable>,
  Variable[] | null,
  Variable[] | null,
];

/**
 * Gradients of `wrt` through one piece of a graph, stopping at `end`: returns
 * `[wrtGrads, endGrads]`, where `endGrads` maps each `end` variable to its gradient,
 * ready to be the next (earlier) piece's `start`. The piece's gradient comes from
 * `start` (known gradients), `cost`, or both added. Every `end` variable is held
 * constant, and variables the piece does not reach get zeros (Theano's
 * `subgraph_grad`). Theano's positional order also works:
 * `subgraphGrad(wrt, end, start, cost, details)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dscalar("x"), w1 = T.dscalar("w1"), w2 = T.dscalar("w2");
 * const h = T.mul(x, w1), cost = T.sqr(T.mul(h, w2)); // (x·w1·w2)²
 * // The top piece: from the cost back to h, and to w2.
 * const [[g2], next] = T.subgraphGrad({ wrt: [w2], end: [h], cost });
 * // The piece below starts from h's gradient.
 * const [[g1]] = T.subgraphGrad({ wrt: [w1], end: [x], start: next });
 * const f = T.function([x, w1, w2], [g1, g2]);
 * assert.deepEqual(f(1, 2, 3).map((v) => v.item()), [36, 24]);
 * ```
 */
export function subgraphGrad(options: SubgraphGradOptions & { details?: false }): SubgraphGradResult;
/** `subgraphGrad` with `details`: also the gradients from `start` and from `cost` apart. */
export function subgraphGrad(options: SubgraphGradOptions & { details: true }): SubgraphGradDetails;
/** Theano's positional form: `subgraphGrad(wrt, end, start, cost, details)`. */
export function subgraphGrad(
  wrt: Variable | Variable[],
  end: Variable[],
  start?: SubgraphGradOptions["start"] | null,
  cost?: Variable | null,
  details?: boolean,
): SubgraphGradResult | SubgraphGradDetails;
export function subgraphGrad(
  first: SubgraphGradOptions | Variable | Variable[],
  end?: Variable[],
  start?: SubgraphGradOptions["start"] | null,
  cost?: Variable | null,
  details?: boolean,
): SubgraphGradResult | SubgraphGradDetails {
  return atUserCall(() => {
    const o: SubgraphGradOptions = isPlainObject(first)
      ? checkOptions("subgraphGrad", first as unknown as SubgraphGradOptions, OPTIONS)
      : { wrt: first as Variable | Variable[], end: end!, start: start ?? undefined, cost, details };
    const wrt = Array.isArray(o.wrt) ? o.wrt : [o.wrt];
    if (!Array.isArray(o.end)) {
      throw new GradError(`subgraphGrad: end must be a list of variables, got ${describeValue(o.end)}`);
    }
    for (const v of [...wrt, ...o.end]) {
      if (!(v instanceof Variable)) {
        throw new GradError(`subgraphGrad: wrt and end must hold variables, got ${describeValue(v)}`);
      }
    }
    const startPairs = o.start === undefined || o.start === null ? undefined : [...o.start];
    if ((!startPairs || !startPairs.length) && !o.cost) {
      throw new GradError("subgraphGrad: give a cost or start (the known gradients), or both");
    }
    const params = [...new Set([...wrt, ...o.end])];
    const common = { considerConstant: o.end, disconnectedInputs: "ignore" as const };
    const startGrads = startPairs?.length ? grad(null, params, { ...common, knownGrads: startPairs }) : null;
    const costGrads = o.cost ? grad(o.cost, params, common) : null;
    const grads = startGrads && costGrads
      ? startGrads.map((g, i) => add(g, costGrads[i]))
      : (startGrads ?? costGrads)!;
    const of = new Map(params.map((p, i) => [p, grads[i]]));
    const wrtGrads = wrt.map((w) => of.get(w)!);
    const endGrads = new Map(o.end.map((e) => [e, of.get(e)!]));
    return o.details ? [wrtGrads, endGrads, startGrads, costGrads] : [wrtGrads, endGrads];
  });
}
