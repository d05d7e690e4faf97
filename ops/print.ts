/**
 * `Print`: Theano's `theano.printing.Print`, an identity op that prints its value (or
 * some of its attributes) on stdout each time a compiled function computes it. Its
 * gradient is the identity (the gradient is not printed). The optimiser keeps it (no
 * rewrite removes it, and constant folding leaves it alone so that nothing prints at
 * compile time); like any node, it runs only when something reads its result.
 * @module
 */
import { InputError } from "../core/errors.ts";
import type { NDArray } from "../core/ndarray.ts";
import { asTensor } from "../core/constant.ts";
import { defineOp, type Op, type TensorLike, type Variable } from "../core/graph.ts";
import { checkOptions, describeValue, list } from "../core/options.ts";

/** What Print can show of a value: Theano's `attrs` that make sense for an array. */
export type PrintAttr = "__str__" | "shape" | "dtype" | "ndim" | "size" | "sum" | "min" | "max" | "mean";

/** Params of Print: the message and the attributes shown, in order. */
export interface PrintParams {
  message: string;
  attrs: PrintAttr[];
}

/** Options of `Print`. */
export interface PrintOptions {
  /** What to print, in order (default `["__str__"]`, the value). */
  attrs?: PrintAttr[];
}

const total = (a: NDArray) => {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += Number(a.data[i]);
  return s;
};
const extreme = (a: NDArray, pick: (x: number, y: number) => number) => {
  if (a.size === 0) return "(empty)";
  let m = Number(a.data[0]);
  for (let i = 1; i < a.size; i++) m = pick(m, Number(a.data[i]));
  return String(m);
};

/** How each attribute is shown (shapes as Python tuples, as Theano printed them). */
const SHOW: Record<PrintAttr, (a: NDArray) => string> = {
  __str__: (a) => a.toString(),
  shape: (a) => (a.ndim === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(", ")})`),
  dtype: (a) => a.dtype,
  ndim: (a) => String(a.ndim),
  size: (a) => String(a.size),
  sum: (a) => String(total(a)),
  min: (a) => extreme(a, (x, y) => (x !== x || y !== y ? NaN : Math.min(x, y))),
  max: (a) => extreme(a, (x, y) => (x !== x || y !== y ? NaN : Math.max(x, y))),
  mean: (a) => (a.size === 0 ? "nan" : String(total(a) / a.size)),
};

/** The Print op: `[x] -> [x]`, printing `message attr = value` lines as it passes. */
export const printOp: Op<PrintParams> = defineOp<PrintParams>({
  name: "Print",
  inferType: ([x]) => [x.type],
  perform([x], { message, attrs }) {
    for (const attr of attrs) console.log(`${message} ${attr} = ${SHOW[attr](x)}`);
    return [x];
  },
  vjp: (_node, [g]) => [g],
  jvp: (_node, [t]) => [t],
  notFoldable: "printing happens when the function runs, not when it is compiled",
  effect: "writes its lines to the console",
  format: (args, p) => `Print{${JSON.stringify(p.message)}}(${args[0]})`,
});

/**
 * Theano's `Print(message, attrs)`: returns a function that wraps a variable in a node
 * printing `message attr = value` on stdout (one line per attribute) whenever a
 * compiled function computes it, and passes the value on unchanged. Use its result in
 * place of the variable (a Print whose result nothing reads does not run). attrs:
 * `__str__` (the value, the default), `shape`, `dtype`, `ndim`, `size`, `sum`, `min`,
 * `max`, `mean`. On WebGPU the value is read back to print it (a host node).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const y = T.Print("x is", { attrs: ["shape", "sum"] })(x); // prints "x is shape = (3,)", "x is sum = 6"
 * const f = T.function([x], T.mul(y, 2));
 * assert.deepEqual(f([1, 2, 3]).toArray(), [2, 4, 6]);
 * ```
 */
export function Print(message = "", options: PrintOptions = {}): (x: TensorLike) => Variable {
  if (typeof message !== "string") {
    throw new InputError(`Print: the message must be a string, got ${describeValue(message)}`);
  }
  checkOptions("Print", options, { attrs: list });
  const attrs = options.attrs ?? ["__str__"];
  for (const a of attrs) {
    if (!Object.hasOwn(SHOW, a)) {
      throw new InputError(
        `Print: unknown attribute ${describeValue(a)}; choose from ${Object.keys(SHOW).join(", ")}`,
      );
    }
  }
  const params: PrintParams = { message, attrs: [...attrs] };
  return (x) => printOp.apply1([asTensor(x)], params);
}
