/**
 * WGSL templates of the shape and array ops of issue 16 (ops/broadcast.ts, ops/array.ts,
 * ops/take.ts): rebroadcast (the buffer relabelled after checking lengths), and the
 * gathers of take, diagonal, tile and repeat. Registered in backends/webgpu/table.ts.
 * @module
 */
import { ShapeError } from "../core/errors.ts";
import type { RebroadcastParams } from "./broadcast.ts";
import type { KernelRun } from "./wgsl_util.ts";

/**
 * The rebroadcast template: no pass, the input's buffer is the output; an axis declared
 * broadcastable must have length 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rebroadcastWgsl } from "./array_wgsl.ts";
 * const run = { params: { axes: [[0, true]] as [number, boolean][] }, inputs: [], outputs: [], shapes: [[1, 3]],
 *   scalars: [], where: "x" };
 * assert.equal(rebroadcastWgsl.plan(run).views[0], 0);
 * assert.throws(() => rebroadcastWgsl.plan({ ...run, shapes: [[2, 3]] }), /length 2/);
 * ```
 */
export const rebroadcastWgsl = {
  plan(run: KernelRun<RebroadcastParams>) {
    const x = run.shapes[0];
    for (const [a, b] of run.params.axes) {
      if (b && x[a] !== 1) {
        throw new ShapeError(
          `addbroadcast: axis ${a} was declared broadcastable but has length ${x[a]} (shape (${
            x.join(", ")
          })) in ${run.where}`,
        );
      }
    }
    return { outputs: [x], views: [0], passes: [] };
  },
};
