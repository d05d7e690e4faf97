/**
 * Errors a user can cause. Each names what was wrong and where: the op, the shapes
 * and dtypes, the variables' names and the user's line that built the node.
 * @module
 */

/** Base class of every error a user can cause. */
export class HypatiaError extends Error {
  override name = "HypatiaError";
}

/** A dtype or rank that an op cannot take (raised while building the graph). */
export class HypatiaTypeError extends HypatiaError {
  override name = "HypatiaTypeError";
}

/** Shapes that do not fit together, found at run time. */
export class ShapeError extends HypatiaError {
  override name = "ShapeError";
}

/** Wrong arguments to a compiled function or to a constructor. */
export class InputError extends HypatiaError {
  override name = "InputError";
}

/** Something unsupported on the chosen device. */
export class DeviceError extends HypatiaError {
  override name = "DeviceError";
}

/** A graph that cannot be differentiated as asked. */
export class GradError extends HypatiaError {
  override name = "GradError";
}

// Frames in the library's own source files (but not in its tests) are skipped.
const INTERNAL =
  /\/(core|ops|autodiff|backends|compile|random)\/[^/]+(?<!_test)\.[jt]s|\/mod\.[jt]s|\/expr\.[jt]s|node:|ext:|native|\(<anonymous>\)/;

/**
 * A captured call stack, formatted only when asked: V8 records frames cheaply and
 * formats them lazily, so taking one per node costs little.
 */
export function captureStack(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
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
