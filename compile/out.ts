/**
 * `Out`: an output of a compiled function with Theano's `borrow` flag.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { bool, checkOptions, describeValue } from "../core/options.ts";
import { Variable } from "../core/graph.ts";

/** Options of `Out`. */
export interface OutOptions {
  /**
   * Let the call return the function's own buffer (default false): the array is then
   * overwritten by the function's next call, so copy it (`a.copy()`) to keep it.
   */
  borrow?: boolean;
}

/**
 * An output with the `borrow` flag, as Theano's `Out(variable, borrow=True)`. With
 * borrow, a CPU function hands the buffer it returned back to its pool at the start of
 * its next call, which writes a result into it instead of allocating a new array (a
 * 1e6-element result costs a fresh 8 MB typed array otherwise). The array returned by
 * one call is therefore overwritten by the next: read it or copy it before calling
 * again. Without borrow (or on WebGPU and "auto", whose results are always fresh)
 * nothing changes. A borrowed array passed back as an argument is not reused while it
 * is one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], new T.Out(T.mul(x, 2), { borrow: true }));
 * const a = f([1, 2]);
 * assert.deepEqual(a.toArray(), [2, 4]);
 * const b = f([5, 6]); // may reuse a's buffer: a now reads [10, 12] too
 * assert.deepEqual(b.toArray(), [10, 12]);
 * ```
 */
export class Out {
  /** The output variable. */
  readonly variable: Variable;
  /** Whether the call may return (and later overwrite) the function's own buffer. */
  readonly borrow: boolean;

  /** An output with options: `borrow`. */
  constructor(variable: Variable, options: OutOptions = {}) {
    if (!(variable instanceof Variable)) {
      throw new InputError(`Out: expected a symbolic variable, got ${describeValue(variable)}`);
    }
    checkOptions("Out", options, { borrow: bool });
    this.variable = variable;
    this.borrow = options.borrow ?? false;
  }
}
