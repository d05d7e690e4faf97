/** Must fail `deno check`: a WebGPU function's result is a Promise. */
import * as T from "../../../mod.ts";

const x = T.dvector("x");
export const shape: number[] = T.function([x], T.neg(x), { device: "webgpu" })([1]).shape;
