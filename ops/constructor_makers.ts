/**
 * The makers behind the variable constructors (constructors.ts, constructors_wide.ts):
 * one variable or several, of a rank by its Theano name, in a dtype that a prefixed
 * family fixes. Not part of the public API (ops/mod.ts re-exports the constructors only).
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { InputError } from "../core/errors.ts";
import { describeValue, type DtypeArg, dtypeArgument, isPlainObject } from "../core/options.ts";
import { TensorType, type Variable } from "../core/graph.ts";

const SHAPES = {
  scalar: [],
  vector: [false],
  row: [true, false],
  col: [false, true],
  matrix: [false, false],
  tensor3: [false, false, false],
  tensor4: [false, false, false, false],
  tensor5: [false, false, false, false, false],
  tensor6: [false, false, false, false, false, false],
  tensor7: [false, false, false, false, false, false, false],
} as const;

/** The ranks a constructor makes, by its Theano name. */
type Kind = keyof typeof SHAPES;

export type { DtypeArg };

/**
 * Makes one variable: `dmatrix("x")`. Theano's dtype argument is accepted too:
 * `scalar("foo", "int64")` or `scalar("foo", { dtype: "int64" })`.
 */
export type Maker = (name?: string, dtype?: DtypeArg) => Variable;
/**
 * Makes one variable per name: `dmatrices("a", "b")` or, as Theano also takes them, a
 * list of names; a trailing `{ dtype }` sets the dtype of all
 * (`matrices("a", "b", { dtype: "float32" })`).
 */
export type Plural = (...names: (string | readonly string[] | { dtype?: DType })[]) => Variable[];

/**
 * The dtype a constructor makes: its own (`prefixed`: d, f, i, l, b), or the one asked
 * for. A prefixed constructor refuses another dtype rather than ignore it.
 */
function dtypeFor(what: string, own: () => DType, prefixed: boolean, arg: unknown): DType {
  const asked = dtypeArgument(what, arg);
  if (asked === undefined) return own();
  if (prefixed && asked !== own()) {
    throw new InputError(
      `${what} makes ${own()} variables, not ${asked}; use ${
        what.slice(1)
      }(name, "${asked}") for another dtype`,
    );
  }
  return asked;
}

/**
 * The one-variable constructor of `kind` in `dtype` (`prefix` names a fixed-dtype family).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maker } from "./constructor_makers.ts";
 * const wmatrix = maker("matrix", () => "int16", "w");
 * assert.equal(wmatrix("m").dtype, "int16");
 * ```
 */
export function maker(kind: Kind, dtype: () => DType, prefix = ""): Maker {
  const what = prefix + kind;
  return (name?: string, dt?: DtypeArg) => {
    if (name !== undefined && typeof name !== "string") {
      throw new InputError(`${what}: the name must be a string, got ${describeValue(name)}`);
    }
    return new TensorType(dtypeFor(what, dtype, prefix !== "", dt), SHAPES[kind]).make(name);
  };
}

/**
 * The several-variable constructor of `kind` in `dtype`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plural } from "./constructor_makers.ts";
 * assert.equal(plural("tensor5", () => "float64", "d")("a", "b")[1].ndim, 5);
 * ```
 */
export function plural(kind: Kind, dtype: () => DType, prefix = ""): Plural {
  const what = `${prefix}${kind === "matrix" ? "matrices" : `${kind}s`}`;
  return (...args: (string | readonly string[] | { dtype?: DType })[]) => {
    const last = args[args.length - 1];
    const options = isPlainObject(last) ? args.pop() : undefined;
    const d = dtypeFor(what, dtype, prefix !== "", options);
    const names = args.length === 1 && Array.isArray(args[0]) ? args[0] as unknown[] : args;
    return names.map((n) => {
      if (typeof n !== "string") {
        throw new InputError(`${what}: names must be strings, got ${describeValue(n)}`);
      }
      return new TensorType(d, SHAPES[kind]).make(n);
    });
  };
}
