/**
 * Random numbers inside graphs: `MRGRandomStreams` (L'Ecuyer's MRG31k3p as Theano's
 * `MRG_RandomStreams`) and `RandomStreams` (Theano's NumPy-backed streams), each
 * variable's state a shared variable with a default update, and `copyRandomState`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { MRGRandomStreams } from "./mod.ts";
 * const srng = new MRGRandomStreams(234);
 * const u = srng.uniform([2, 2]);
 * assert(srng.stateUpdates.length === 1 && u.rng === srng.stateUpdates[0][0]);
 * ```
 * @module
 */
export { MRGRandomStreams } from "./mrg_streams.ts";
export type { MRGOptions } from "./mrg_streams.ts";
export { RandomStreams } from "./numpy_streams.ts";
export type { NumpyOptions } from "./numpy_streams.ts";
export { copyRandomState, RandomStreamsBase } from "./streams_base.ts";
export type { RandomStateJSON, RandomVariable } from "./streams_base.ts";
export type { SizeLike } from "./random_op.ts";
