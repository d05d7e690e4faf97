/**
 * Checking options objects. Every options object of the public API goes through
 * `checkOptions`, which refuses keys it does not know (naming the key and the nearest
 * accepted one: `consider_constant` → `considerConstant`) and values of the wrong kind
 * (saying what was expected). A silent ignore would be a wrong result.
 * @module
 */
import { type DType, DTYPES, isDType } from "./dtype.ts";
import { HypatiaTypeError, InputError } from "./errors.ts";

/** What a value must be: a test, and the words for it in an error message. */
export interface OptionKind {
  /** Whether `value` (never undefined) is acceptable. */
  test(value: unknown): boolean;
  /** What was expected, as in "must be {expected}". */
  expected: string;
}

/** Accepted keys and what each must be (`undefined` is always accepted: the option is absent). */
export type OptionSpec = Record<string, OptionKind>;

/** Any value. */
export const anyValue: OptionKind = { test: () => true, expected: "any value" };
/** true or false. */
export const bool: OptionKind = { test: (v) => typeof v === "boolean", expected: "true or false" };
/** A string. */
export const str: OptionKind = { test: (v) => typeof v === "string", expected: "a string" };
/** A finite or infinite number (not NaN). */
export const num: OptionKind = {
  test: (v) => typeof v === "number" && !Number.isNaN(v),
  expected: "a number",
};
/** An integer >= 0. */
export const count: OptionKind = {
  test: (v) => typeof v === "number" && Number.isInteger(v) && v >= 0,
  expected: "an integer >= 0",
};
/** A function. */
export const func: OptionKind = { test: (v) => typeof v === "function", expected: "a function" };
/** A list. */
export const list: OptionKind = { test: (v) => Array.isArray(v), expected: "a list" };

/** A dtype name ("float64", "int32", ...). */
export const dtypeKind: OptionKind = { test: isDType, expected: `a dtype (${DTYPES.join(", ")})` };

/** A dtype argument as Theano writes it (`"float32"`) or as an option (`{ dtype: "float32" }`). */
export type DtypeArg = DType | { dtype?: DType };

/**
 * The dtype of a `DtypeArg`, or undefined when none is given; an unknown dtype is a
 * HypatiaTypeError and an unknown key an InputError, each naming `what`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dtypeArgument } from "./options.ts";
 * assert.equal(dtypeArgument("zeros", { dtype: "int32" }), "int32");
 * assert.equal(dtypeArgument("zeros", "float32"), "float32");
 * assert.throws(() => dtypeArgument("zeros", "float16"), /zeros: unknown dtype "float16"/);
 * ```
 */
export function dtypeArgument(what: string, arg: unknown): DType | undefined {
  const asked = isPlainObject(arg)
    ? checkOptions(what, arg as { dtype?: unknown }, { dtype: anyValue }).dtype
    : arg;
  if (asked === undefined) return undefined;
  if (!isDType(asked)) {
    throw new HypatiaTypeError(
      `${what}: unknown dtype ${describeValue(asked)} (dtypes: ${DTYPES.join(", ")})`,
    );
  }
  return asked;
}

/** One of the given strings. */
export function oneOf(...values: readonly string[]): OptionKind {
  return {
    test: (v) => typeof v === "string" && values.includes(v),
    expected: `one of ${values.map((s) => JSON.stringify(s)).join(", ")}`,
  };
}

/** Any of the given kinds. */
export function either(...kinds: OptionKind[]): OptionKind {
  return { test: (v) => kinds.some((k) => k.test(v)), expected: kinds.map((k) => k.expected).join(" or ") };
}

/** A plain object (`{...}`), as options and keyword arguments are. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The key a snake_case or misspelt `key` most likely meant, if any is close. */
export function nearestKey(key: string, accepted: readonly string[]): string | undefined {
  const camel = key.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const folded = (s: string) => s.toLowerCase().replace(/_/g, "");
  const exact = accepted.find((k) => k === camel || folded(k) === folded(key));
  if (exact) return exact;
  const prefix = accepted.find((k) =>
    Math.min(k.length, key.length) >= 3 &&
    (folded(k).startsWith(folded(key)) || folded(key).startsWith(folded(k)))
  );
  if (prefix) return prefix;
  let best: string | undefined, bestDistance = Infinity;
  for (const k of accepted) {
    const d = editDistance(folded(key), folded(k));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  // Close enough to be a slip of the finger, not another word.
  return bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

/** Edit distance between two short strings, a swap of neighbours counting as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** How a value reads in a message: short, never "[object Object]". */
export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return `a function${v.name ? ` (${v.name})` : ""}`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v === null || typeof v !== "object") return String(v);
  const name = (v as object).constructor?.name;
  if (name && name !== "Object") {
    const s = String(v);
    return s.startsWith("[object") || s.length > 60 ? `a ${name}` : `${name} ${s}`;
  }
  const keys = Object.keys(v);
  return `an object with ${keys.length ? `keys ${keys.join(", ")}` : "no keys"}`;
}

/**
 * Check an options object against `spec` and return it typed. `where` names the call in
 * messages ("grad", "function"). `undefined` (no options) is fine; anything but a plain
 * object, an unknown key, or a value of the wrong kind is an InputError.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bool, checkOptions, oneOf } from "./options.ts";
 * const spec = { keepdims: bool, mode: oneOf("FAST_RUN", "FAST_COMPILE") };
 * assert.deepEqual(checkOptions("sum", { keepdims: true }, spec), { keepdims: true });
 * assert.throws(() => checkOptions("sum", { keep_dims: true }, spec), /did you mean "keepdims"/);
 * assert.throws(() => checkOptions("sum", { keepdims: 1 }, spec), /must be true or false, got 1/);
 * ```
 */
export function checkOptions<T>(where: string, options: T, spec: OptionSpec): T {
  if (options === undefined) return options;
  if (!isPlainObject(options)) {
    throw new InputError(
      `${where}: options must be an object like { ${Object.keys(spec).slice(0, 3).join(", ")} }, got ${
        describeValue(options)
      }`,
    );
  }
  const accepted = Object.keys(spec);
  for (const [key, value] of Object.entries(options)) {
    const kind = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (!kind) {
      const near = nearestKey(key, accepted);
      throw new InputError(
        `${where}: unknown option "${key}"` + (near ? `; did you mean "${near}"?` : "") +
          ` (options: ${accepted.join(", ")})`,
      );
    }
    if (value !== undefined && !kind.test(value)) {
      throw new InputError(`${where}: option "${key}" must be ${kind.expected}, got ${describeValue(value)}`);
    }
  }
  return options;
}
