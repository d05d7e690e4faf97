/**
 * Errors a user can cause. Each names what was wrong and where: the op, the shapes
 * and dtypes, the variables' names and the user's line that built the node.
 * @module
 */

/**
 * Base class of every error a user can cause: catch it to catch them all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HypatiaError, ShapeError } from "../mod.ts";
 * const e = new ShapeError("add: shapes (2) and (3) do not match");
 * assert(e instanceof HypatiaError && e instanceof Error && e.name === "ShapeError");
 * ```
 */
export class HypatiaError extends Error {
  /** The class name, shown before the message. */
  override name = "HypatiaError";
}

/**
 * A dtype or rank that an op cannot take (raised while building the graph).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HypatiaTypeError } from "../mod.ts";
 * import * as T from "../mod.ts";
 * let caught: unknown;
 * try {
 *   T.sum(T.dvector("x"), 3); // axis 3 of a 1-d tensor
 * } catch (e) {
 *   caught = e;
 * }
 * assert(caught instanceof HypatiaTypeError);
 * ```
 */
export class HypatiaTypeError extends HypatiaError {
  /** The class name, shown before the message. */
  override name = "HypatiaTypeError";
}

/**
 * Shapes that do not fit together, found at run time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ShapeError } from "../mod.ts";
 * import * as T from "../mod.ts";
 * const [a, b] = T.dvectors("a", "b");
 * const f = T.function([a, b], T.add(a, b));
 * let caught: unknown;
 * try {
 *   f([1, 2], [1, 2, 3]);
 * } catch (e) {
 *   caught = e;
 * }
 * assert(caught instanceof ShapeError);
 * ```
 */
export class ShapeError extends HypatiaError {
  /** The class name, shown before the message. */
  override name = "ShapeError";
}

/**
 * Wrong arguments to a compiled function or to a constructor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InputError } from "../mod.ts";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], T.neg(x));
 * let caught: unknown;
 * try {
 *   f(); // a missing argument
 * } catch (e) {
 *   caught = e;
 * }
 * assert(caught instanceof InputError);
 * ```
 */
export class InputError extends HypatiaError {
  /** The class name, shown before the message. */
  override name = "InputError";
}

/**
 * Something unsupported on the chosen device (e.g. `device: "webgpu"` where the runtime
 * has no WebGPU).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DeviceError, HypatiaError } from "../mod.ts";
 * const e = new DeviceError('device "webgpu": this runtime has no WebGPU');
 * assert(e instanceof HypatiaError && e.name === "DeviceError");
 * ```
 */
export class DeviceError extends HypatiaError {
  /** The class name, shown before the message. */
  override name = "DeviceError";
}

/**
 * A graph that cannot be differentiated as asked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GradError } from "../mod.ts";
 * import * as T from "../mod.ts";
 * const [x, y] = T.dscalars("x", "y");
 * let caught: unknown;
 * try {
 *   T.grad(T.mul(x, 2), y); // y is not part of the cost
 * } catch (e) {
 *   caught = e;
 * }
 * assert(caught instanceof GradError);
 * ```
 */
export class GradError extends HypatiaError {
  /** The class name, shown before the message. */
  override name = "GradError";
}

// Frames in the library's own source files (but not in its tests) are skipped.
const INTERNAL =
  /\/(core|ops|autodiff|backends|compile|random)\/[^/]+(?<!_test)\.[jt]s|\/mod\.[jt]s|\/expr\.[jt]s|node:|ext:|native|\(<anonymous>\)/;

/**
 * Frames a capture keeps: enough for the deepest path from a user's call to a node made
 * by one op (an op called as a method, through a composite such as `flatten`, is 10),
 * with room to spare. Fewer frames cost less; calls that build many nodes (grad, Rop,
 * jacobian) capture once at their entry instead (`atUserCall` in core/graph.ts).
 */
const FRAMES = 12;

/**
 * A captured call stack, formatted only when an error reports it (`userFrame`). Taking
 * it is the cost: about 0.3 µs a node under Bun, 3–6 µs under Deno, whose V8 keeps at
 * least 10 frames of every Error for its own uncaught-error reports, whatever
 * `Error.stackTraceLimit` says (bench/traceback_bench.ts).
 */
export function captureStack(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = FRAMES;
  const e = new Error();
  Error.stackTraceLimit = limit;
  return e;
}

/**
 * The first stack frame outside Hypatia's own files: the user's line that called
 * into the library.
 */
export function userFrame(captured: Error = captureStack()): string | undefined {
  const stack = captured.stack;
  if (!stack) return undefined;
  for (const line of stack.split("\n").slice(1)) {
    if (!INTERNAL.test(line)) {
      const m = line.match(/\(?((?:file|https?):\/\/[^)]+|\/[^)]+)\)?\s*$/);
      return (m ? m[1] : line.trim().replace(/^at\s+/, ""));
    }
  }
  return undefined;
}
