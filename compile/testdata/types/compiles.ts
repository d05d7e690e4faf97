/**
 * Must pass `deno check` (compile/function_types_test.ts): the static type of a compiled
 * function is what it returns at run time for every way the device is chosen. Each
 * `@ts-expect-error` line must fail to type-check, or this file fails.
 */
import * as T from "../../../mod.ts";

const x = T.dvector("x");

// No device option: the CPU, synchronous, whatever T.config.device says.
const cpu: T.CompiledFunction<T.NDArray> = T.function([x], T.neg(x));
const sync: T.NDArray = cpu([1, 2]);
const cpuList: T.NDArray[] = T.function([x], [x, T.neg(x)], { onUnusedInput: "ignore" })([1]);

// A literal "webgpu" or "auto": asynchronous.
const gpu: T.AsyncCompiledFunction<T.NDArray> = T.function([x], T.neg(x), { device: "webgpu" });
const later: Promise<T.NDArray> = gpu([1]);
// @ts-expect-error a webgpu function's result is a Promise, not an NDArray
const notSync: T.NDArray = gpu([1]);

// The configured device: either, so the script awaits.
const any = T.function([x], T.neg(x), { device: T.config.device });
const either: T.NDArray | Promise<T.NDArray> = any([1]);
// @ts-expect-error the configured device may be asynchronous: the result may be a Promise
const assumedSync: T.NDArray = any([1]);
const awaited: T.NDArray = await any([1]);
const anyList: T.NDArray[] = await T.function([x], [x], { device: T.config.device })([1]);

// Options held in a variable of the general type: the device is not known, so either.
const opts: T.FunctionOptions = {};
const fromVariable: T.AnyCompiledFunction<T.NDArray> = T.function([x], x, opts);
// @ts-expect-error options of the general type may name an asynchronous device
const assumedCpu: T.CompiledFunction<T.NDArray> = T.function([x], x, opts);

export { anyList, assumedCpu, assumedSync, awaited, cpuList, either, fromVariable, later, notSync, sync };
