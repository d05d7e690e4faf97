/**
 * Normalising `updates` and `givens`: pairs or Maps, values auto-wrapped, types checked.
 * @module
 */
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { asTensor } from "../core/constant.ts";
import { SharedVariable } from "../core/shared.ts";
import { graphInputs } from "../core/walk.ts";
import type { TensorLike, Variable } from "../core/graph.ts";
import { cast } from "../ops/cast.ts";
import { isWeak } from "../ops/elemwise.ts";

/** Pairs or a Map. */
export type Pairs<K, V> = Map<K, V> | [K, V][];

/** Check and normalise `updates`: every key a shared variable once, every value of its type. */
export function normalizeUpdates(
  updates: Pairs<SharedVariable, TensorLike> | undefined,
): [SharedVariable, Variable][] {
  const list = updates ? [...updates] : [];
  const seen = new Set<SharedVariable>();
  return list.map((pair, k) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new InputError(`function: update ${k} must be a [sharedVariable, newValue] pair`);
    }
    const [s, expr] = pair;
    if (!(s instanceof SharedVariable)) {
      throw new InputError(`function: update ${k} targets ${String(s)}, which is not a shared variable`);
    }
    if (seen.has(s)) throw new InputError(`function: shared variable ${s.describe()} is updated twice`);
    seen.add(s);
    return [s, checkUpdateType(s, asTensor(expr, typeof expr === "number" ? s.dtype : undefined))];
  });
}

/** An update must have its shared variable's type (a bare number, or arithmetic on bare numbers, is cast). */
export function checkUpdateType(s: SharedVariable, u: Variable): Variable {
  let v = u;
  if (v.dtype !== s.dtype && v.ndim === s.ndim && isWeak(v)) {
    v = cast(v, s.dtype);
  }
  if (
    v.dtype !== s.dtype || v.ndim !== s.ndim ||
    !s.type.shape.every((d, i) => d === null || d === v.type.shape[i])
  ) {
    throw new HypatiaTypeError(
      `function: the update of shared variable ${s.describe()} has type ${v.type}, which differs from the variable's; ` +
        `cast it (e.g. .astype("${s.dtype}")) or make the shared variable with the update's dtype` +
        ` (shared(value, { dtype: "${v.dtype}" }))` +
        (v.owner?.trace ? ` (update built at ${v.owner.trace})` : ""),
    );
  }
  return v;
}

/** Normalise `givens`: replacements must have the replaced variable's dtype and rank. */
export function normalizeGivens(givens: Pairs<Variable, TensorLike> | undefined): Map<Variable, Variable> {
  const map = new Map<Variable, Variable>();
  for (const pair of givens ? [...givens] : []) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new InputError("function: givens must be [variable, replacement] pairs");
    }
    const [v, r0] = pair;
    const r = asTensor(r0, typeof r0 === "number" ? v.dtype : undefined);
    if (r.dtype !== v.dtype || r.ndim !== v.ndim) {
      throw new HypatiaTypeError(
        `function: givens replaces ${v.describe()} with ${r.describe()}; the dtype and number of dimensions must match` +
          (r.dtype !== v.dtype && !r.owner
            ? ` (declare the replacement with dtype "${v.dtype}", e.g. T.scalar(name, "${v.dtype}"))`
            : ""),
      );
    }
    if (map.has(v)) throw new InputError(`function: givens replaces ${v.describe()} twice`);
    map.set(v, r);
  }
  return map;
}

/** Add the default updates of shared variables the graph reads (random states). */
export function addDefaultUpdates(
  roots: readonly Variable[],
  updates: [SharedVariable, Variable][],
): [SharedVariable, Variable][] {
  const result = [...updates];
  const have = new Set(updates.map(([s]) => s));
  let frontier = [...roots, ...updates.map(([, u]) => u)];
  while (frontier.length) {
    const added: Variable[] = [];
    for (const v of graphInputs(frontier)) {
      if (v instanceof SharedVariable && v.defaultUpdate && !have.has(v)) {
        have.add(v);
        result.push([v, v.defaultUpdate]);
        added.push(v.defaultUpdate);
      }
    }
    frontier = added;
  }
  return result;
}
