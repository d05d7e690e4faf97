/**
 * `function(inputs, outputs, options)`: givens, default updates, the rewrite pipeline,
 * placement, and the callable. Outputs are computed from the values before the call;
 * then all updates are applied together; a call that throws changes nothing.
 * @module
 */
import { config, type DeviceName } from "../core/config.ts";
import { DeviceError, InputError } from "../core/errors.ts";
import { anyValue, bool, checkOptions, oneOf, str } from "../core/options.ts";
import type { ArrayLike, NDArray } from "../core/ndarray.ts";
import type { TypedArray } from "../core/dtype.ts";
import { SharedVariable } from "../core/shared.ts";
import { cloneReplace, graphInputs, implicitUses } from "../core/walk.ts";
import { graphMimeBundle, pp } from "../core/printing.ts";
import { JUPYTER_DISPLAY } from "../core/display_array.ts";
import { Constant, type TensorLike, type Variable } from "../core/graph.ts";
import type { Placement } from "../backends/webgpu/program.ts";
import type { DeviceArray } from "../backends/webgpu/device_array.ts";
import { type In, normalizeInputs } from "./in.ts";
import { Out } from "./out.ts";
import { type Mode, optimize } from "./pipeline.ts";
import { addDefaultUpdates, normalizeGivens, normalizeUpdates, type Pairs } from "./updates.ts";
import { bindArguments } from "./arguments.ts";
import { type AsyncRunner, buildProgram, type Program, type SyncProgram } from "./schedule.ts";
import { inTurn } from "./in_turn.ts";

/** Options of `function`. */
export interface FunctionOptions {
  /** `[shared, newValue]` pairs (or a Map) applied after the outputs are computed. */
  updates?: Pairs<SharedVariable, TensorLike>;
  /** `[variable, replacement]` pairs (or a Map) substituted before compiling. */
  givens?: Pairs<Variable, TensorLike>;
  /** FAST_RUN (default) rewrites and fuses; FAST_COMPILE runs the graph as built. */
  mode?: Mode;
  /** What to do with an input the outputs do not use. Default "raise". */
  onUnusedInput?: "raise" | "warn" | "ignore";
  /** Accept values that lose precision when converted to an input's dtype. */
  allowInputDowncast?: boolean;
  /** Leave out the default updates of random streams (same numbers every call). */
  noDefaultUpdates?: boolean;
  /**
   * Where to run; default "cpu", whatever `config.device` says, so that the function's
   * static type (synchronous) is what it returns. "webgpu" and "auto" give functions that
   * return Promises (see AsyncCompiledFunction); `{ device: config.device }` follows the
   * configuration (HYPATIA_FLAGS) and is typed as either, so a script `await`s its calls.
   */
  device?: DeviceName;
  /** A name for messages. */
  name?: string;
}

const FUNCTION_OPTIONS = {
  updates: anyValue, // checked pair by pair, with messages naming the pair
  givens: anyValue,
  mode: oneOf("FAST_RUN", "FAST_COMPILE"),
  onUnusedInput: oneOf("raise", "warn", "ignore"),
  allowInputDowncast: bool,
  noDefaultUpdates: bool,
  device: anyValue, // a DeviceError below names the devices
  name: str,
};

/** Options of a compiled function's `copy`, as Theano's `f.copy(swap=, delete_updates=)`. */
export interface CopyOptions {
  /** `[oldShared, newShared]` pairs (or a Map): the copy reads and updates the new variables. */
  swap?: Pairs<SharedVariable, SharedVariable>;
  /** Leave the updates out: the copy computes the outputs and changes no shared variable. */
  deleteUpdates?: boolean;
}

const COPY_OPTIONS = { swap: anyValue, deleteUpdates: bool };

/** What a compiled function keeps: the optimised graph and how to run it. */
export interface FunctionMaker {
  /** The inputs, each with its keyword name and default value. */
  readonly inputs: readonly In[];
  /** Optimised outputs, then optimised update expressions. */
  readonly outputs: readonly Variable[];
  /** Each updated shared variable with its optimised update expression. */
  readonly updates: readonly [SharedVariable, Variable][];
  /** Every shared variable the function reads or updates. */
  readonly shared: readonly SharedVariable[];
  /**
   * The CPU program (synchronous) or a WebGPU / auto program (asynchronous).
   * @internal
   */
  readonly program: Program;
  /** How many of `outputs` are the function's outputs (the rest are update expressions). */
  readonly nOutputs: number;
  /** Whether the function was given one output (and returns an NDArray, not a list). */
  readonly single: boolean;
  /** Per output: given as `Out(v, { borrow: true })`, so a CPU call may reuse its buffer. */
  readonly borrow: readonly boolean[];
  /** Whether arguments may be cast to a narrower input dtype. */
  readonly allowInputDowncast: boolean;
  /** The name used in messages. */
  readonly name: string;
}

/** A compiled function: call it with positional arguments and a trailing keyword object. */
export interface CompiledFunction<R = NDArray | NDArray[]> {
  (...args: (ArrayLike | Record<string, ArrayLike>)[]): R;
  /** The optimised graph and what the function keeps (Theano's `f.maker`). */
  readonly maker: FunctionMaker;
  /** A copy sharing the compiled program, with shared variables swapped or updates deleted. */
  copy(options?: CopyOptions): CompiledFunction<R>;
  /**
   * Release the buffers kept between calls (pooled intermediates, engine memory, borrowed
   * outputs' buffers), as Theano's `f.free()`; the function stays callable and makes
   * them again as it needs them.
   */
  free(): void;
}

/**
 * A function compiled for `device: "webgpu"` or `"auto"`: each call returns a Promise,
 * because reading a GPU buffer is asynchronous (and so is finding an adapter).
 * Shared variables it uses stay on the device between calls (`await v.read()` fetches
 * one); `onDevice` leaves the outputs there too, and a call that reads nothing back
 * returns without waiting for the GPU. Arguments may be DeviceArrays from `onDevice`.
 */
export interface AsyncCompiledFunction<R = NDArray | NDArray[]> {
  (...args: (ArrayLike | DeviceArray | Record<string, ArrayLike | DeviceArray>)[]): Promise<R>;
  /**
   * Call, leaving the outputs on the device as DeviceArrays (read one with `await a.read()`,
   * pass it to the next call, release it with `a.dispose()`); the call does not wait for
   * the GPU. On the CPU ("auto" without a GPU) the DeviceArrays hold host arrays.
   */
  onDevice(
    ...args: (ArrayLike | DeviceArray | Record<string, ArrayLike | DeviceArray>)[]
  ): Promise<R extends NDArray ? DeviceArray : DeviceArray[]>;
  /** Give the function's device buffers (constants, uniforms) back; calling it later is an error. */
  dispose(): void;
  /** `using f = T.function(..., { device: "webgpu" })` disposes it at the end of the block. */
  [Symbol.dispose](): void;
  /** The optimised graph and what the function keeps (Theano's `f.maker`). */
  readonly maker: FunctionMaker;
  /** The device that runs it: "webgpu", "cpu", or "auto" until an auto function's first call has chosen. */
  readonly device: "webgpu" | "cpu" | "auto";
  /** Where each node of the optimised graph runs (nodes WGSL cannot do stay on the CPU). */
  readonly placement: readonly Placement[];
  /** A copy sharing the compiled program, with shared variables swapped or updates deleted. */
  copy(options?: CopyOptions): AsyncCompiledFunction<R>;
  /**
   * Release the buffers kept between calls (GPU buffers, the CPU segments' pools) while
   * staying callable, unlike `dispose` (a call in flight keeps them until it settles).
   */
  free(): void;
}

/** Options selecting an asynchronous device. */
export type AsyncFunctionOptions = FunctionOptions & { device: "webgpu" | "auto" };

/** Options selecting the CPU, by saying so or by leaving `device` out. */
export type CpuFunctionOptions = FunctionOptions & { device?: "cpu" };

/**
 * A function whose device is only known at run time (`{ device: config.device }`): a
 * synchronous one or an asynchronous one; `await` its calls, which works for both.
 */
export type AnyCompiledFunction<R = NDArray | NDArray[]> = CompiledFunction<R> | AsyncCompiledFunction<R>;

/**
 * Compile a function from inputs to outputs (also exported as `compile`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dmatrix("x");
 * const f = T.function([x], T.div(1, T.add(1, T.exp(T.neg(x)))));
 * assert(f([[0, 1], [-1, -2]]).toString() === "[[0.5        0.73105858]\n [0.26894142 0.11920292]]");
 * ```
 */
export function compileFunction(
  inputs: (Variable | In)[],
  outputs: Variable | Out,
  options: AsyncFunctionOptions,
): AsyncCompiledFunction<NDArray>;
/**
 * A list of outputs on `device: "webgpu"` or `"auto"`: each call resolves to a list of NDArrays.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], [x, T.neg(x)], { device: "auto" }); // float64 stays on the CPU
 * const [a, b] = await f([1, 2]);
 * assert(a.toString() === "[1. 2.]" && b.toString() === "[-1. -2.]");
 * ```
 */
export function compileFunction(
  inputs: (Variable | In)[],
  outputs: (Variable | Out)[] | null | undefined,
  options: AsyncFunctionOptions,
): AsyncCompiledFunction<NDArray[]>;
/**
 * One output on the CPU (the default device): each call returns an NDArray, synchronously.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dscalar("x");
 * assert(T.function([x], T.mul(x, 2))(21).item() === 42);
 * ```
 */
export function compileFunction(
  inputs: (Variable | In)[],
  outputs: Variable | Out,
  options?: CpuFunctionOptions,
): CompiledFunction<NDArray>;
/**
 * A list of outputs (or none, for a function run only for its updates) on the CPU: each
 * call returns a list of NDArrays.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [a, b] = T.dscalars("a", "b");
 * const [s, d] = T.function([a, b], [T.add(a, b), T.sub(a, b)])(5, 3);
 * assert(s.item() === 8 && d.item() === 2);
 * ```
 */
export function compileFunction(
  inputs: (Variable | In)[],
  outputs?: (Variable | Out)[] | null,
  options?: CpuFunctionOptions,
): CompiledFunction<NDArray[]>;
/**
 * One output on a device chosen at run time (`{ device: config.device }`): synchronous on
 * the CPU, asynchronous otherwise, and typed as either; `await` each call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dscalar("x");
 * const f = T.function([x], T.mul(x, 2), { device: T.config.device });
 * assert((await f(21)).item() === 42);
 * ```
 */
export function compileFunction(
  inputs: (Variable | In)[],
  outputs: Variable | Out,
  options?: FunctionOptions,
): AnyCompiledFunction<NDArray>;
/**
 * A list of outputs on a device chosen at run time: each awaited call gives a list of NDArrays.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const [a, b] = T.dscalars("a", "b");
 * const f = T.function([a, b], [T.add(a, b), T.sub(a, b)], { device: T.config.device });
 * const [s, d] = await f(5, 3);
 * assert(s.item() === 8 && d.item() === 2);
 * ```
 */
export function compileFunction(
  inputs: (Variable | In)[],
  outputs?: (Variable | Out)[] | null,
  options?: FunctionOptions,
): AnyCompiledFunction<NDArray[]>;
export function compileFunction(
  inputs: (Variable | In)[],
  outputs?: Variable | Out | (Variable | Out)[] | null,
  options: FunctionOptions = {},
): CompiledFunction | AsyncCompiledFunction {
  checkOptions("function", options, FUNCTION_OPTIONS);
  const device = options.device ?? "cpu";
  if (options.device === undefined) noteConfigDeviceIgnored();
  if (device !== "cpu" && device !== "webgpu" && device !== "auto") {
    throw new DeviceError(`function: unknown device "${device}"; use "cpu", "webgpu" or "auto"`);
  }
  const ins = normalizeInputs(inputs);
  const single = outputs !== undefined && outputs !== null && !Array.isArray(outputs);
  const outEntries = outputs === undefined || outputs === null
    ? []
    : Array.isArray(outputs)
    ? outputs
    : [outputs];
  const borrow = outEntries.map((o) => o instanceof Out && o.borrow);
  const outList = outEntries.map((o) => (o instanceof Out ? o.variable : o));
  outList.forEach((o, k) => {
    if (!o || typeof o !== "object" || !("type" in o)) {
      throw new InputError(`function: output ${k} is ${String(o)}, not a symbolic variable`);
    }
  });
  let updates = normalizeUpdates(options.updates);
  if (!options.noDefaultUpdates) updates = addDefaultUpdates(outList, updates);
  const givens = normalizeGivens(options.givens);

  // Substitute givens in outputs and update expressions together.
  let roots = [...outList, ...updates.map(([, u]) => u)];
  // Variables a derivative in the graph differentiates with respect to count as used.
  const used = implicitUses(roots);
  if (givens.size) roots = cloneReplace(roots, givens);

  const explicit = new Set(ins.map((i) => i.variable));
  const needed = graphInputs(roots);
  for (const v of needed) used.add(v);
  checkInputsUsed(ins, used, options.onUnusedInput ?? "raise");
  const shared: SharedVariable[] = [];
  for (const v of needed) {
    if (v instanceof SharedVariable) {
      if (!explicit.has(v)) shared.push(v);
    } else if (!(v instanceof Constant) && !explicit.has(v)) {
      throw new InputError(
        `function: ${v.describe()} is needed to compute the outputs but is not among the inputs` +
          ` (inputs: ${ins.map((i) => i.variable.describe()).join(", ") || "none"})`,
      );
    }
  }

  const optimized = optimize(roots, options.mode ?? config.mode);
  const rootVars = [...ins.map((i) => i.variable), ...shared];
  const name = options.name ?? "function";
  const program = buildProgram(device, rootVars, optimized, name);
  const maker: FunctionMaker = {
    inputs: ins,
    outputs: optimized,
    updates: updates.map(([s], k) => [s, optimized[outList.length + k]]),
    shared,
    program,
    nOutputs: outList.length,
    borrow,
    single,
    allowInputDowncast: options.allowInputDowncast ?? false,
    name,
  };
  return makeCallable(maker, updates.map(([s]) => s), shared);
}

function checkInputsUsed(ins: In[], needed: Set<Variable>, policy: "raise" | "warn" | "ignore") {
  for (const i of ins) {
    if (needed.has(i.variable) || policy === "ignore") continue;
    const msg = `function: input ${i.variable.describe()} is not used to compute the outputs; ` +
      `pass onUnusedInput: "ignore" (or "warn") to allow it`;
    if (policy === "raise") throw new InputError(msg);
    console.warn(`warning: ${msg}`);
  }
}

/**
 * Whether `v` is the only result of a call over its memory: a whole, unshared
 * ArrayBuffer that no other output or update of the call views (an output equal to an
 * update, two updates with one expression, or a row of a scan's buffer are not).
 */
function ownsBuffer(v: NDArray, results: readonly NDArray[]): boolean {
  const d = v.data, buf = d.buffer;
  if (d.byteOffset !== 0 || d.byteLength !== buf.byteLength || !(buf instanceof ArrayBuffer)) return false;
  let views = 0;
  for (const r of results) if (r.data.buffer === buf) views++;
  return views === 1;
}

let configDeviceNoted = false;

/**
 * Says once, on stderr, that `config.device` does not move functions compiled without a
 * `device` option off the CPU (their type says synchronous), and how to follow it.
 */
function noteConfigDeviceIgnored(): void {
  if (configDeviceNoted || config.device === "cpu") return;
  configDeviceNoted = true;
  console.warn(
    `hypatia: config.device is "${config.device}", but functions compiled without a device option ` +
      "run on the CPU (synchronously, as their type says); pass { device: T.config.device } to follow it",
  );
}

/**
 * The callable. `updateTargets` are the shared variables receiving updates and
 * `sharedSources` those whose values feed the program, both after any swap.
 */
function makeCallable(
  maker: FunctionMaker,
  updateTargets: (SharedVariable | null)[],
  sharedSources: SharedVariable[],
): CompiledFunction | AsyncCompiledFunction {
  const nOut = maker.nOutputs;
  const wanted = [...Array(nOut).keys()];
  updateTargets.forEach((t, k) => t && wanted.push(nOut + k));
  const program = maker.program;
  const finish = (p: SyncProgram, results: NDArray[]) => {
    // Check every update before applying any, so a failure changes nothing.
    const newValues: [SharedVariable, NDArray][] = [];
    let r = nOut;
    updateTargets.forEach((t) => {
      if (!t) return;
      const v = results[r++];
      if (!t.type.shape.every((d, i) => d === null || d === v.shape[i])) {
        throw new InputError(
          `${maker.name}: the update of ${t.describe()} has shape (${
            v.shape.join(", ")
          }), which its type does not allow`,
        );
      }
      newValues.push([t, v]);
    });
    for (const [t, v] of newValues) {
      // The value an update replaces goes back to the program's pool when it was an
      // earlier update's result that nothing else holds.
      const free = t.applyUpdate(v, ownsBuffer(v, results));
      if (free) p.recycle(free);
    }
    const outs = results.slice(0, nOut);
    return maker.single ? outs[0] : outs;
  };
  const run = (p: SyncProgram, args: (ArrayLike | Record<string, ArrayLike>)[]) => {
    const values = bindArguments(maker, args);
    for (const s of sharedSources) {
      // A read-only copy kept by the CPU engine (hostCurrent) stays; a device copy comes back.
      // (Read directly, not borrowed: borrowing would stop the update's reuse of it.)
      const r = s.storage.resident;
      values.push(!r || r.hostCurrent ? s.storage.value : s.getValue({ borrow: true }));
    }
    // Buffers of borrowed outputs of the last call go back to the pool, unless passed in again.
    if (lent.length) {
      for (const b of lent) if (!values.some((v) => v.data.buffer === b.buffer)) p.recycle(b);
      lent = [];
    }
    return p.run(values, wanted);
  };
  let lent: TypedArray[] = [];
  const lend = (results: NDArray[]) => {
    maker.borrow.forEach((b, k) => {
      if (b && ownsBuffer(results[k], results)) lent.push(results[k].data);
    });
  };
  // Asynchronous programs run the whole call: they keep shared variables on their device.
  // Calls on the same shared variables take turns, so no two interleave their updates.
  const touched = [...sharedSources, ...updateTargets.filter((t) => t !== null)];
  const runAsync = (p: AsyncRunner, args: unknown[], keep: boolean) => {
    try {
      const inputs = bindArguments(maker, args, p.acceptArgument);
      return inTurn(touched, () =>
        p.call({
          inputs,
          shared: sharedSources,
          updates: updateTargets,
          nOutputs: nOut,
          keep,
          name: maker.name,
        }))
        .then((outs) => (maker.single ? outs[0] : outs));
    } catch (e) {
      return Promise.reject(e); // bad arguments reject too, as every other failure of an async call
    }
  };
  const fn = program.sync
    ? (...args: (ArrayLike | Record<string, ArrayLike>)[]) => {
      const results = run(program, args);
      const out = finish(program, results);
      lend(results);
      return out;
    }
    : (...args: unknown[]) => runAsync(program, args, false);
  const callable = fn as unknown as CompiledFunction;
  if (!program.sync) {
    Object.defineProperty(callable, "device", { get: () => program.device });
    Object.defineProperty(callable, "placement", { get: () => program.placement });
    Object.defineProperty(callable, "onDevice", {
      value: (...args: unknown[]) => runAsync(program, args, true),
    });
    const dispose = () => program.dispose();
    Object.defineProperty(callable, "dispose", { value: dispose });
    const sym = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose");
    Object.defineProperty(callable, sym, { value: dispose });
  }
  Object.defineProperty(callable, "free", {
    value: () => {
      lent = [];
      program.free();
    },
  });
  Object.defineProperty(callable, "maker", { value: maker });
  // console.log and a notebook show the optimised graph. (Deno's Jupyter kernel consults the
  // display method of objects only: a function cell shows its inspect text.)
  const show = () => `<compiled ${maker.name}>\n${pp({ maker })}`;
  Object.defineProperty(callable, Symbol.for("Deno.customInspect"), { value: show });
  Object.defineProperty(callable, Symbol.for("nodejs.util.inspect.custom"), { value: show });
  Object.defineProperty(callable, JUPYTER_DISPLAY, { value: () => graphMimeBundle({ maker }) });
  Object.defineProperty(callable, "copy", {
    value: (options: CopyOptions = {}) => {
      checkOptions("copy", options, COPY_OPTIONS);
      const swap = new Map(options.swap ? [...options.swap] : []);
      for (const [a, b] of swap) {
        if (!(a instanceof SharedVariable) || !(b instanceof SharedVariable)) {
          throw new InputError("copy: swap takes [oldShared, newShared] pairs");
        }
        if (!a.type.equals(b.type)) {
          throw new InputError(`copy: cannot swap ${a.describe()} for ${b.describe()}: their types differ`);
        }
      }
      const sw = (s: SharedVariable) => swap.get(s) ?? s;
      return makeCallable(
        maker,
        options.deleteUpdates ? updateTargets.map(() => null) : updateTargets.map((t) => t && sw(t)),
        sharedSources.map(sw),
      );
    },
  });
  return callable;
}
