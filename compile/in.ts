/**
 * `In`: an input of a compiled function with a default value and a keyword name.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { anyValue, checkOptions, str } from "../core/options.ts";
import type { ArrayLike } from "../core/ndarray.ts";
import { SharedVariable } from "../core/shared.ts";
import { Constant, Variable } from "../core/graph.ts";

/** Options of `In`. */
export interface InOptions {
  /** Default used when the argument is not given. */
  value?: ArrayLike;
  /** Keyword name (defaults to the variable's name). */
  name?: string;
}

/**
 * An input with a default value and/or a keyword name, as Theano's `In`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dscalar, In } from "../mod.ts";
 * const y = dscalar("y");
 * const i = new In(y, { value: 1 });
 * assert(i.name === "y" && i.value === 1);
 * ```
 */
export class In {
  /** The input variable. */
  readonly variable: Variable;
  /** Default value used when the call does not give one. */
  readonly value: ArrayLike | undefined;
  /** Keyword name for calls (`f(x, { name: v })`); defaults to the variable's name. */
  readonly name: string | undefined;

  /** An input with options: a default `value`, a keyword `name`. */
  constructor(variable: Variable, options: InOptions = {}) {
    if (!(variable instanceof Variable)) {
      throw new InputError(`In: expected a symbolic variable, got ${String(variable)}`);
    }
    checkOptions("In", options, { value: anyValue, name: str });
    this.variable = variable;
    this.value = options.value;
    this.name = options.name ?? variable.name;
  }
}

/** Check an input list and turn every entry into an `In`. */
export function normalizeInputs(inputs: readonly (Variable | In)[]): In[] {
  if (!Array.isArray(inputs)) {
    throw new InputError(`function: inputs must be a list of variables, got ${String(inputs)}`);
  }
  const seen = new Set<Variable>();
  const names = new Set<string>();
  return inputs.map((entry, k) => {
    const i = entry instanceof In ? entry : new In(entry as Variable);
    const v = i.variable;
    if (v instanceof SharedVariable) {
      throw new InputError(
        `function: input ${k} ${v.describe()} is a shared variable; shared variables are implicit inputs, use givens to replace one`,
      );
    }
    if (v instanceof Constant) throw new InputError(`function: input ${k} is a constant, not a variable`);
    if (v.owner) {
      throw new InputError(
        `function: input ${k} ${v.describe()} is computed by ${v.owner.op.name}; inputs must be free variables`,
      );
    }
    if (seen.has(v)) throw new InputError(`function: input ${v.describe()} is listed twice`);
    seen.add(v);
    if (i.name !== undefined) {
      if (names.has(i.name)) throw new InputError(`function: two inputs are named "${i.name}"`);
      names.add(i.name);
    }
    return i;
  });
}
