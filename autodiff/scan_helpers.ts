/**
 * Theano's scan helpers: `map`, `reduce`, `foldl`, `foldr` (thin wrappers of `scan`, as
 * theano.map/reduce/foldl/foldr) and `scanCheckpoints` (Theano's `scan_checkpoints`:
 * the loop split into chunks, so the backward pass keeps one state per chunk and
 * recomputes each chunk's steps when it gets there).
 * @module
 */
import { InputError } from "../core/errors.ts";
import {
  anyValue,
  bool,
  checkOptions,
  count,
  either,
  func,
  isPlainObject,
  num,
  str,
} from "../core/options.ts";
import { asTensor } from "../core/constant.ts";
import { type TensorLike, Variable } from "../core/graph.ts";
import { add, intDiv, mul, sub } from "../ops/arith.ts";
import { arange, zeros } from "../ops/alloc.ts";
import { concatenate } from "../ops/join.ts";
import { minimum } from "../ops/minmax.ts";
import { shapeOf } from "../ops/shape.ts";
import { reshape } from "../ops/reshape.ts";
import { get } from "../ops/subtensor.ts";
import type { ScanParams } from "../ops/scan/scan.ts";
import { type OutputInfo, scan, type ScanReturn, type ScanUpdates, type SequenceInfo } from "./scan.ts";

/** Options of `map` after its positional arguments. */
export interface MapOptions {
  /** Steps the gradient goes back; -1 or undefined for all. */
  truncateGradient?: number;
  /** Read the sequences from the end. */
  goBackwards?: boolean;
  /** Name shown by pp. */
  name?: string;
}

/** Options of `reduce` after its positional arguments. */
export interface ReduceLoopOptions {
  /** Read the sequences from the end (foldr). */
  goBackwards?: boolean;
  /** Name shown by pp. */
  name?: string;
}

/** The step function of map/reduce/foldl/foldr: the step's values in, its results out. */
export type ScanStepFn<R> = (...args: Variable[]) => ScanReturn<R>;
/** The sequences argument of the scan helpers, as scan takes it. */
export type ScanSequences = TensorLike | SequenceInfo | (TensorLike | SequenceInfo)[];
/** The initial values of the scan helpers' accumulators, as scan's outputsInfo. */
export type ScanOutputsInfo = TensorLike | OutputInfo | null | (TensorLike | OutputInfo | null)[];
/** Values every step reads, as scan's nonSequences. */
export type ScanNonSequences = TensorLike | TensorLike[];

const MAP_OPTIONS = { truncateGradient: num, goBackwards: bool, name: str };
const REDUCE_OPTIONS = { goBackwards: bool, name: str };

/**
 * `fn` applied to each element (row) of the sequences, the results stacked along a new
 * leading axis: `scan` with no recurrent outputs (Theano's `theano.map`). Returns
 * `[outputs, updates]` like scan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x"), k = T.dscalar("k");
 * const [ys] = T.map((xt, kk) => T.mul(xt, kk), x, [k]);
 * assert.equal(T.function([x, k], ys)([1, 2, 3], 2).toString(), "[2. 4. 6.]");
 * ```
 */
export function map<R extends Variable | Variable[]>(
  fn: ScanStepFn<R>,
  sequences: ScanSequences,
  nonSequences?: ScanNonSequences,
  options: MapOptions = {},
): [R, ScanUpdates] {
  checkOptions("map", options, MAP_OPTIONS);
  return scan({ fn, sequences, nonSequences, ...options });
}

/**
 * The final value of a loop over the sequences: `scan`, keeping only the last step of
 * every output (Theano's `theano.reduce`). `outputsInfo` are the initial values of the
 * accumulators. Returns `[finals, updates]`. The loop stores no history of its
 * accumulators (only their last values, as Theano's `return_steps=1`); a gradient
 * recomputes the history it needs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const [total] = T.reduce((xt, acc) => T.add(acc, xt), x, T.constant(0, { dtype: "float64" }));
 * assert.equal(T.function([x], total)([1, 2, 3]).item(), 6);
 * ```
 */
export function reduce<R extends Variable | Variable[]>(
  fn: ScanStepFn<R>,
  sequences: ScanSequences,
  outputsInfo: ScanOutputsInfo,
  nonSequences?: ScanNonSequences,
  options: ReduceLoopOptions = {},
): [R, ScanUpdates] {
  checkOptions("reduce", options, REDUCE_OPTIONS);
  const [outs, updates] = scan({ fn, sequences, outputsInfo, nonSequences, ...options });
  const [finals, leanUpdates] = lastValues(Array.isArray(outs) ? outs : [outs as Variable], updates);
  return [(Array.isArray(outs) ? finals : finals[0]) as R, leanUpdates];
}

/**
 * The last step of each output of one scan, from the same loop rebuilt to keep only
 * its states' last values, as Theano's `return_steps=1`: the forward pass then stores
 * no history of them (a gradient recomputes the history it needs). Collected outputs
 * give their last row.
 */
function lastValues(outs: Variable[], updates: ScanUpdates): [Variable[], ScanUpdates] {
  const node = outs[0].owner!;
  const p = node.params as ScanParams;
  const lean = node.op.make(node.inputs, p.with({ states: p.states.map((st) => ({ ...st, keep: "last" })) }));
  const at = (v: Variable) => node.outputs.indexOf(v);
  const finals = outs.map((
    v,
  ) => (at(v) < p.states.length ? lean.outputs[at(v)] : get(lean.outputs[at(v)], -1)));
  return [finals, updates.map(([s, u]) => [s, lean.outputs[at(u)]])];
}

/**
 * `reduce` from the first element to the last (Theano's `theano.foldl`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const [r] = T.foldl((xt, acc) => T.sub(T.mul(acc, 10), xt), x, T.constant(0, { dtype: "float64" }));
 * assert.equal(T.function([x], r)([1, 2, 3]).item(), -123);
 * ```
 */
export function foldl<R extends Variable | Variable[]>(
  fn: ScanStepFn<R>,
  sequences: ScanSequences,
  outputsInfo: ScanOutputsInfo,
  nonSequences?: ScanNonSequences,
  options: { name?: string } = {},
): [R, ScanUpdates] {
  checkOptions("foldl", options, { name: str });
  return reduce(fn, sequences, outputsInfo, nonSequences, { ...options, goBackwards: false });
}

/**
 * `reduce` from the last element to the first (Theano's `theano.foldr`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const [r] = T.foldr((xt, acc) => T.sub(T.mul(acc, 10), xt), x, T.constant(0, { dtype: "float64" }));
 * assert.equal(T.function([x], r)([1, 2, 3]).item(), -321);
 * ```
 */
export function foldr<R extends Variable | Variable[]>(
  fn: ScanStepFn<R>,
  sequences: ScanSequences,
  outputsInfo: ScanOutputsInfo,
  nonSequences?: ScanNonSequences,
  options: { name?: string } = {},
): [R, ScanUpdates] {
  checkOptions("foldr", options, { name: str });
  return reduce(fn, sequences, outputsInfo, nonSequences, { ...options, goBackwards: true });
}

/** Options of `scanCheckpoints` (Theano's `scan_checkpoints`). */
export interface ScanCheckpointsOptions<R extends Variable | Variable[]> {
  /** The body, as scan's: sequence rows, previous outputs, then non-sequences. */
  fn: (...args: Variable[]) => ScanReturn<R>;
  /** ScanSequences, all of the same length, read one row a step (no taps). */
  sequences?: TensorLike | TensorLike[];
  /** Initial values of the recurrent outputs (tap -1 only), null for outputs not fed back. */
  outputsInfo?: TensorLike | null | (TensorLike | null)[];
  /** Tensors passed unchanged to every step. */
  nonSequences?: TensorLike | TensorLike[];
  /** Number of steps (by default the sequences' length, which it must not exceed). */
  nSteps?: number | Variable;
  /** Steps between two stored states (default 10). */
  saveEveryN?: number;
  /**
   * Pad the sequences with zeros to a multiple of `saveEveryN` (default true, a copy);
   * false requires a length that is one.
   */
  padding?: boolean;
  /** Name shown by pp. */
  name?: string;
}

const CHECKPOINT_OPTIONS = {
  fn: func,
  sequences: anyValue,
  outputsInfo: anyValue,
  nonSequences: anyValue,
  nSteps: either(num, { test: (v) => v instanceof Variable, expected: "a symbolic scalar" }),
  saveEveryN: count,
  padding: bool,
  name: str,
};

const listOf = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * `scan` that stores only every `saveEveryN`-th state for the backward pass and
 * recomputes the steps in between when the gradient reaches them (Theano's
 * `scan_checkpoints`): memory for the states goes from `n` to about
 * `n / saveEveryN + saveEveryN` steps' worth, for one more forward pass.
 *
 * As in Theano, it is an outer scan over chunks of `saveEveryN` steps whose body runs an
 * inner scan over the chunk's steps (the last chunk runs the steps left). The outputs
 * therefore hold the values at the end of each chunk, shape `(ceil(n / saveEveryN), ...)`:
 * only their last row is the loop's result (`get(out, -1)`). ScanSequences have no taps and
 * recurrent outputs only tap -1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x"), h0 = T.dscalar("h0");
 * const [hs] = T.scanCheckpoints({ fn: (xt, h) => T.tanh(T.add(h, xt)), sequences: x, outputsInfo: h0, saveEveryN: 4 });
 * const hT = T.get(hs, -1);
 * const g = T.grad(hT, h0); // the backward pass recomputes each chunk of 4 steps
 * const f = T.function([x, h0], [hs, hT, g]);
 * const [checkpoints] = f([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 0);
 * assert.deepEqual(checkpoints.shape, [2]); // after step 4 and after step 6
 * ```
 */
export function scanCheckpoints<R extends Variable | Variable[]>(
  options: ScanCheckpointsOptions<R>,
): [R, ScanUpdates] {
  if (!isPlainObject(options)) throw new InputError("scanCheckpoints: pass an options object ({ fn, ... })");
  checkOptions("scanCheckpoints", options, CHECKPOINT_OPTIONS);
  const { fn, saveEveryN = 10, padding = true, name = "checkpoints" } = options;
  if (!Number.isInteger(saveEveryN) || saveEveryN < 1) {
    throw new InputError(`scanCheckpoints: saveEveryN must be an integer >= 1, got ${saveEveryN}`);
  }
  const seqs = listOf(options.sequences).map((s, j) => {
    if (isPlainObject(s)) {
      throw new InputError(
        `scanCheckpoints: sequence ${j} is an object; sequences take no taps here (Theano's restriction)`,
      );
    }
    return asTensor(s);
  });
  const infos = listOf(options.outputsInfo);
  infos.forEach((o, k) => {
    if (isPlainObject(o)) {
      throw new InputError(
        `scanCheckpoints: outputsInfo ${k} is an object; only initial values (tap -1) or null are taken here`,
      );
    }
  });
  const nonSeqs = listOf(options.nonSequences);
  if (!seqs.length && options.nSteps === undefined) {
    throw new InputError("scanCheckpoints: give sequences or nSteps (the number of steps)");
  }
  if (typeof options.nSteps === "number" && !(Number.isInteger(options.nSteps) && options.nSteps >= 0)) {
    throw new InputError(`scanCheckpoints: nSteps must be an integer >= 0, got ${options.nSteps}`);
  }
  const N = saveEveryN;
  const n = options.nSteps === undefined ? shapeOf(seqs[0]).get(0) : asTensor(options.nSteps, "int64");
  const chunks = intDiv(add(n, N - 1), N);
  // Steps of each chunk: N, ..., N, and what is left for the last.
  const steps = minimum(sub(n, mul(arange(chunks), N)), N);
  const chunked = seqs.map((s) => {
    const len = shapeOf(s).get(0);
    const rest = Array.from({ length: s.ndim - 1 }, (_, d) => shapeOf(s).get(d + 1));
    const padded = padding
      ? concatenate([s, zeros([sub(mul(intDiv(add(len, N - 1), N), N), len), ...rest], s.dtype)])
      : s;
    return reshape(padded, [-1, N, ...rest]);
  });
  const nSeqs = seqs.length;
  const nStates = infos.filter((o) => o !== null).length;
  const [outer, updates] = scan({
    fn: (...args: Variable[]) => {
      const rows = args.slice(0, nSeqs), count = args[nSeqs];
      const prev = args.slice(nSeqs + 1, nSeqs + 1 + nStates);
      const rest = args.slice(nSeqs + 1 + nStates);
      let p = 0;
      const innerInfo = infos.map((o) => (o === null ? null : prev[p++]));
      const [results, innerUpdates] = scan({
        fn,
        sequences: rows,
        outputsInfo: options.outputsInfo === undefined ? undefined : innerInfo,
        nonSequences: rest,
        nSteps: count,
        name: `${name}_inner`,
      });
      // Each chunk's last state, from a loop that keeps no history (the backward pass recomputes it).
      const [lasts, leanUpdates] = lastValues(listOf(results as Variable | Variable[]), innerUpdates);
      const outputs = Array.isArray(results) ? lasts : lasts[0];
      return leanUpdates.length ? { outputs, updates: leanUpdates } : outputs;
    },
    sequences: [...chunked, steps],
    outputsInfo: options.outputsInfo,
    nonSequences: nonSeqs,
    nSteps: chunks,
    name: `${name}_outer`,
  });
  return [outer as R, updates];
}
