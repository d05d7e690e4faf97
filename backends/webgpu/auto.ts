/**
 * `device: "auto"`: WebGPU when a hardware adapter exists, otherwise the CPU. The
 * choice is made on the first call (finding an adapter is asynchronous), said once
 * per process on the console, and readable afterwards as the program's `device`.
 * A software (fallback) adapter such as Mesa's llvmpipe counts as no GPU here: it is
 * slower than the CPU backend. Ask for `device: "webgpu"` to use it anyway.
 * @module
 */
import type { NDArray } from "../../core/ndarray.ts";
import type { Variable } from "../../core/variable.ts";
import { buildCpuProgram } from "../cpu/program.ts";
import { navigatorGpu, noteOnce, probeAdapter } from "./device.ts";
import { type AsyncProgram, buildWebGpuProgram, type Placement } from "./program.ts";

const note = (message: string) => noteOnce("auto", `hypatia: device "auto": ${message}`);

/** The CPU program behind the asynchronous interface. */
function cpuAsync(roots: readonly Variable[], outputs: readonly Variable[], why: string): AsyncProgram {
  const program = buildCpuProgram(roots, outputs);
  const placement: Placement[] = program.steps.map((s) => ({
    node: s.node,
    label: s.node.op.name,
    device: "cpu",
    reason: why,
  }));
  return {
    roots,
    device: "cpu",
    placement,
    run: (values: readonly NDArray[], wanted?: readonly number[]) => {
      try {
        return Promise.resolve(program.run(values, wanted));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}

/**
 * A program that picks WebGPU or the CPU on its first call.
 *
 * @example
 * ```ts
 * import { buildAutoProgram } from "./auto.ts";
 * import { neg } from "../../ops/arith.ts";
 * import { fvector } from "../../ops/constructors.ts";
 * import { asarray } from "../../core/ndarray.ts";
 * const x = fvector("x");
 * const p = buildAutoProgram([x], [neg(x)]);
 * console.assert(p.device === "auto");
 * const [y] = await p.run([asarray([2], { dtype: "float32" })]);
 * console.assert(y.data[0] === -2 && p.device !== "auto");
 * ```
 */
export function buildAutoProgram(
  roots: readonly Variable[],
  outputs: readonly Variable[],
  name = "function",
): AsyncProgram {
  let chosen: AsyncProgram | undefined;
  let decision: Promise<AsyncProgram> | undefined;
  const decide = () =>
    decision ??= (async () => {
      const found = navigatorGpu() ? await probeAdapter() : null;
      if (found && !found.summary.software) {
        chosen = buildWebGpuProgram(roots, outputs, name);
        note(`running on WebGPU (${found.summary.description})`);
      } else {
        const why = found
          ? `the only WebGPU adapter (${found.summary.description}) is a software fallback, slower than the CPU backend`
          : navigatorGpu()
          ? "no WebGPU adapter was found"
          : "this runtime has no WebGPU";
        chosen = cpuAsync(roots, outputs, why);
        note(`running on the CPU: ${why}${found ? ` (device: "webgpu" uses it anyway)` : ""}`);
      }
      return chosen;
    })();
  return {
    roots,
    get device() {
      return chosen?.device ?? "auto";
    },
    get placement() {
      return chosen?.placement ?? [];
    },
    run: async (values, wanted) => (chosen ?? await decide()).run(values, wanted),
  };
}
