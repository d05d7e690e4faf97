/**
 * `scan`: Theano's loop primitive. The body `fn` is called once, on symbolic
 * placeholders, to build a graph; the returned Scan node runs that graph at every step
 * (compiled once by the CPU backend). Gradients go through it (back-propagation
 * through time) because the node carries the grad engine for its body.
 * @module
 */
import { isInt } from "../core/dtype.ts";
import { HypatiaTypeError, InputError } from "../core/errors.ts";
import { anyValue, bool, checkOptions, either, func, num, str } from "../core/options.ts";
import { asTensor } from "../core/constant.ts";
import { NDArray } from "../core/ndarray.ts";
import { SharedVariable } from "../core/shared.ts";
import { Constant, type Dim, type TensorLike, TensorType, Variable } from "../core/graph.ts";
import { cloneReplace, graphInputs } from "../core/walk.ts";
import { cast } from "../ops/cast.ts";
import { type InnerGrad, scanOp, ScanParams, type SeqSpec, type StateSpec } from "../ops/scan/scan.ts";
import { gradFromOutputs } from "./grad.ts";

/** A sequence with taps: `taps: [-1, 0]` gives the body `x[t - 1]` and `x[t]`. */
export interface SequenceInfo {
  /** The sequence, iterated along its first axis. */
  input: TensorLike;
  /**
   * Offsets read at each step (default `[0]`), as Theano reads them: the sequence is cut
   * as if tap 0 were read too, so `[2]` reads `x[t + 2]` for t from 0 to len - 3 and
   * `[-1]` reads `x[t - 1]` for t from 1; with `goBackwards` a tap keeps its meaning in
   * the array's order (`-1` is the row before).
   */
  taps?: number[];
}

/**
 * A recurrent output: `initial` holds the value before step 0 (for `taps: [-1]`, the
 * default) or the `L = -min(taps)` previous values along a leading axis. Without
 * `initial` (or as null) the output is collected per step and not fed back.
 */
export interface OutputInfo {
  /** The value(s) before step 0, or null for an output that is not fed back. */
  initial?: TensorLike | null;
  /** Offsets of the previous values the body receives (default `[-1]`). */
  taps?: number[];
}

/** What `fn` may return: outputs, or outputs with updates of shared variables. */
export type ScanReturn<R> = R | {
  outputs: R;
  updates?: [SharedVariable, TensorLike][] | Map<SharedVariable, TensorLike>;
};

/** Options of `scan`, as in `theano.scan`. */
export interface ScanOptions<R extends Variable | Variable[]> {
  /** The body: receives sequence slices, previous outputs (per tap), then non-sequences. */
  fn: (...args: Variable[]) => ScanReturn<R>;
  /** Tensors iterated along their first axis; the body gets one slice of each per step. */
  sequences?: TensorLike | SequenceInfo | (TensorLike | SequenceInfo)[];
  /** Initial values of the recurrent outputs (null for an output collected per step only). */
  outputsInfo?: TensorLike | OutputInfo | null | (TensorLike | OutputInfo | null)[];
  /** Tensors passed unchanged to every step (after sequences and previous outputs). */
  nonSequences?: TensorLike | TensorLike[];
  /** Number of steps; by default the length of the shortest sequence (less what its taps reach). */
  nSteps?: number | Variable;
  /** Read the sequences from the end. */
  goBackwards?: boolean;
  /** Steps the gradient goes back (truncated BPTT); -1 or undefined for all. */
  truncateGradient?: number;
  /** Name shown by pp. */
  name?: string;
}

/** `[shared variable, new value]` pairs for `function`'s `updates`. */
export type ScanUpdates = [SharedVariable, Variable][];

/**
 * The grad engine for scan bodies: null for inputs the known gradients do not reach.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanInnerGrad } from "./scan.ts";
 * import { mul } from "../ops/arith.ts";
 * import { dscalar } from "../ops/constructors.ts";
 * const [a, b, c] = [dscalar("a"), dscalar("b"), dscalar("c")];
 * const [ga, gc] = scanInnerGrad([[mul(a, b), dscalar("g")]], [a, c]);
 * assert(ga !== null && gc === null);
 * ```
 */
export const scanInnerGrad: InnerGrad = (known, wrt) => {
  const reach = new Set(graphInputs(known.map(([v]) => v)));
  for (const [v] of known) reach.add(v);
  const live = wrt.filter((w) => reach.has(w));
  if (!live.length) return wrt.map(() => null);
  const gs = gradFromOutputs(known, live);
  return wrt.map((w) => (reach.has(w) ? gs[live.indexOf(w)] : null));
};

const SCAN_OPTIONS = {
  fn: func,
  sequences: anyValue, // each entry checked below
  outputsInfo: anyValue,
  nonSequences: anyValue,
  nSteps: either(num, { test: (v) => v instanceof Variable, expected: "a symbolic scalar" }),
  goBackwards: bool,
  truncateGradient: num,
  name: str,
};
const SEQUENCE_INFO = { input: anyValue, taps: anyValue };
const OUTPUT_INFO = { initial: anyValue, taps: anyValue };

const isInfo = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !(v instanceof Variable) && !(v instanceof NDArray) &&
  !Array.isArray(v) && !ArrayBuffer.isView(v);
const listOf = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const tapName = (tap: number) => (tap === 0 ? "t" : tap > 0 ? `t+${tap}` : `t${tap}`);

function checkTaps(taps: unknown, what: string, negative: boolean): number[] {
  if (!Array.isArray(taps) || !taps.length || !taps.every((t) => Number.isInteger(t))) {
    throw new InputError(
      `scan: the taps of ${what} must be a non-empty list of integers, got ${JSON.stringify(taps)}`,
    );
  }
  if (new Set(taps).size !== taps.length) throw new InputError(`scan: the taps of ${what} repeat: ${taps}`);
  if (negative && taps.some((t) => t >= 0)) {
    throw new InputError(`scan: the taps of ${what} must be negative (previous steps), got ${taps}`);
  }
  return taps;
}

interface State {
  init: Variable;
  taps: number[];
  stacked: boolean;
  slots: Variable[];
}

/**
 * Loop over sequences and recurrent outputs; returns `[outputs, updates]` like
 * `theano.scan`: `outputs` has one value per step (axis 0) for each output of `fn`
 * (a single variable when `fn` returns one), and `updates` the final values of shared
 * variables updated in the body (random states), for `function`'s `updates`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x"), z = T.dscalar("z");
 * const [cum] = T.scan({ fn: (xt, acc) => T.add(acc, xt), sequences: x, outputsInfo: z });
 * const f = T.function([x, z], cum);
 * assert(f([1, 2, 3], 0).toString() === "[1. 3. 6.]");
 * ```
 */
export function scan<R extends Variable | Variable[]>(options: ScanOptions<R>): [R, ScanUpdates] {
  checkOptions("scan", options, SCAN_OPTIONS);
  const { fn, goBackwards = false, name = "" } = options;
  if (typeof fn !== "function") throw new InputError("scan: fn must be a function");
  // Sequences: one placeholder per tap.
  const seqSpecs: SeqSpec[] = [], seqInputs: Variable[] = [], seqSlots: Variable[] = [];
  listOf(options.sequences).forEach((entry, j) => {
    const info = isInfo(entry)
      ? checkOptions(`scan: sequence ${j}`, entry as unknown as SequenceInfo, SEQUENCE_INFO)
      : { input: entry as TensorLike };
    const input = asTensor(info.input);
    if (input.ndim < 1) {
      throw new HypatiaTypeError(
        `scan: sequence ${j} ${input.describe()} is a scalar; sequences are sliced along axis 0`,
      );
    }
    const taps = checkTaps(info.taps ?? [0], `sequence ${j}`, false);
    // Theano's rule: the sequence is cut as if tap 0 were read too (taps all above or all
    // below 0 still count from the current row), and with goBackwards each tap's rows
    // are reversed, so a tap keeps its meaning in the sequence's own order (-1: the row
    // before, in the array).
    const lo = Math.min(0, ...taps), hi = Math.max(0, ...taps);
    seqSpecs.push({
      offsets: taps.map((t) => (goBackwards ? hi - t : t - lo)),
      reverse: goBackwards,
      anchorEnd: goBackwards,
      window: hi - lo,
    });
    seqInputs.push(input);
    const row = new TensorType(input.dtype, input.type.shape.slice(1));
    for (const tap of taps) seqSlots.push(row.make(`${input.name ?? `seq${j}`}[${tapName(tap)}]`));
  });
  // Outputs: recurrent ones get placeholders for their taps.
  const infos = options.outputsInfo === undefined ? undefined : listOf(options.outputsInfo);
  const states: State[] = [];
  const kinds: (number | null)[] = []; // per output: its state index, or null when collected
  infos?.forEach((entry, k) => {
    const info = isInfo(entry)
      ? checkOptions(`scan: outputsInfo ${k}`, entry as unknown as OutputInfo, OUTPUT_INFO)
      : { initial: entry as TensorLike | null };
    if (info.initial === null || info.initial === undefined) return kinds.push(null);
    const init = asTensor(info.initial);
    const taps = checkTaps(info.taps ?? [-1], `output ${k}`, true);
    const stacked = !(taps.length === 1 && taps[0] === -1);
    if (stacked && init.ndim < 1) {
      throw new HypatiaTypeError(
        `scan: output ${k} has taps ${taps}, so its initial value needs a leading axis of ${-Math.min(
          ...taps,
        )} past values; got ${init.describe()}`,
      );
    }
    const row = new TensorType(init.dtype, stacked ? init.type.shape.slice(1) : init.type.shape);
    kinds.push(states.length);
    states.push({ init, taps, stacked, slots: taps.map((tap) => row.make(`out${k}[${tapName(tap)}]`)) });
  });
  const nonSeqs = listOf(options.nonSequences).map((v) => asTensor(v));

  // Build the body once.
  const result = fn(...seqSlots, ...states.flatMap((s) => s.slots), ...nonSeqs);
  if (isInfo(result)) {
    checkOptions("scan: the result of fn", result, { outputs: anyValue, updates: anyValue });
  }
  const hasUpdates = isInfo(result) && "outputs" in result;
  const returned = hasUpdates ? (result as { outputs: R }).outputs : result as R;
  const single = !Array.isArray(returned);
  let outputs = listOf(returned as Variable | Variable[]).map((v) => asTensor(v));
  if (infos === undefined) outputs.forEach(() => kinds.push(null));
  if (outputs.length !== kinds.length) {
    throw new InputError(
      `scan: fn returned ${outputs.length} outputs but outputsInfo describes ${kinds.length}`,
    );
  }
  const explicit = new Map<SharedVariable, Variable>();
  for (
    const pair of hasUpdates
      ? [...((result as { updates?: Iterable<[SharedVariable, TensorLike]> }).updates ?? [])]
      : []
  ) {
    const [s, u] = pair;
    if (!(s instanceof SharedVariable)) {
      throw new InputError(`scan: an update of fn targets ${s}, not a shared variable`);
    }
    explicit.set(s, asTensor(u, typeof u === "number" ? s.dtype : undefined));
  }
  let updateExprs = [...explicit.values()];

  // Unify each state's type with what the body returns for it (rebuilding on new placeholders).
  for (let round = 0; round < 4; round++) {
    const swap = new Map<Variable, Variable>();
    kinds.forEach((si, k) => {
      if (si === null) return;
      const st = states[si], out = outputs[k], slot = st.slots[0];
      let dtype = slot.dtype;
      if (out.dtype !== dtype) {
        if (!(st.init instanceof Constant && st.init.weak)) {
          throw new HypatiaTypeError(
            `scan: output ${k} of fn has dtype ${out.dtype} but its initial value ${st.init.describe()} has dtype ${slot.dtype}; ` +
              `cast one of them (e.g. .astype("${slot.dtype}"))`,
          );
        }
        dtype = out.dtype;
        st.init = cast(st.init, dtype);
      }
      if (out.ndim !== slot.ndim) {
        throw new HypatiaTypeError(
          `scan: output ${k} of fn has ${out.ndim} dimensions but its state has ${slot.ndim} (${slot.type}); a recurrent output keeps its shape`,
        );
      }
      const shape: Dim[] = slot.type.shape.map((d, i) => (d === out.type.shape[i] ? d : null));
      const type = new TensorType(dtype, shape);
      if (type.equals(slot.type)) return;
      st.slots = st.slots.map((old) => {
        const v = type.make(old.name);
        swap.set(old, v);
        return v;
      });
    });
    if (!swap.size) break;
    const rebuilt = cloneReplace([...outputs, ...updateExprs], swap);
    outputs = rebuilt.slice(0, outputs.length);
    updateExprs = rebuilt.slice(outputs.length);
  }
  [...explicit.keys()].forEach((s, i) => explicit.set(s, updateExprs[i]));

  // Close over everything else: non-sequences and free variables become inner inputs,
  // shared variables with an update become states threaded through the loop.
  const nonSeqVars = nonSeqs.filter((v) => !(v instanceof Constant));
  const isThreaded = (v: Variable) => v instanceof SharedVariable && (explicit.has(v) || !!v.defaultUpdate);
  const stop = new Set(nonSeqVars.filter((v) => !isThreaded(v)));
  const threaded = new Map<SharedVariable, Variable>();
  const free: Variable[] = [];
  const slotSet = new Set([...seqSlots, ...states.flatMap((s) => s.slots)]);
  let frontier = [...outputs, ...explicit.values()];
  while (frontier.length) {
    const next: Variable[] = [];
    for (const v of graphInputs(frontier, stop)) {
      if (slotSet.has(v) || v instanceof Constant || stop.has(v) || threaded.has(v as SharedVariable)) {
        continue;
      }
      if (isThreaded(v)) {
        const s = v as SharedVariable;
        const u = explicit.get(s) ?? s.defaultUpdate!;
        threaded.set(s, u);
        next.push(u);
      } else if (!free.includes(v)) free.push(v);
    }
    frontier = next;
  }
  const replace = new Map<Variable, Variable>();
  const outerNonSeqs = [...new Set([...nonSeqVars.filter((v) => !isThreaded(v)), ...free])];
  const nonSeqSlots = outerNonSeqs.map((v) => v.type.make(v.name));
  outerNonSeqs.forEach((v, q) => replace.set(v, nonSeqSlots[q]));
  const sharedStates = [...threaded.keys()];
  const sharedSlots = sharedStates.map((s) => s.type.make(s.name));
  sharedStates.forEach((s, i) => replace.set(s, sharedSlots[i]));
  const sharedNext = sharedStates.map((s) => {
    const u = threaded.get(s)!;
    if (u.dtype !== s.dtype || u.ndim !== s.ndim) {
      throw new HypatiaTypeError(
        `scan: the update of shared variable ${s.describe()} has type ${u.type}, which differs from ${s.type}`,
      );
    }
    return u;
  });
  const inner = cloneReplace([...outputs, ...sharedNext], replace);

  // Assemble the node: user states, then shared states; collected outputs after.
  const stateOrder = kinds.filter((k): k is number => k !== null);
  const collected = kinds.map((k, i) => (k === null ? i : -1)).filter((i) => i >= 0);
  const stateSpecs: StateSpec[] = [
    ...states.map((s) => ({ taps: s.taps, stacked: s.stacked, keep: "all" as const })),
    ...sharedStates.map(() => ({ taps: [-1], stacked: false, keep: "last" as const })),
  ];
  let n: Variable | undefined;
  if (options.nSteps !== undefined) {
    n = asTensor(options.nSteps, "int64");
    if (n.ndim !== 0 || !isInt(n.dtype)) {
      throw new HypatiaTypeError(`scan: nSteps must be an integer scalar, got ${n.describe()}`);
    }
    if (typeof options.nSteps === "number" && !(options.nSteps >= 0)) {
      throw new InputError(`scan: nSteps must be >= 0, got ${options.nSteps}`);
    }
  } else if (!seqInputs.length) throw new InputError("scan: give sequences or nSteps (the number of steps)");
  const tg = options.truncateGradient;
  if (tg !== undefined && tg !== -1 && !(Number.isInteger(tg) && tg > 0)) {
    throw new InputError(`scan: truncateGradient must be a positive integer or -1, got ${tg}`);
  }
  const params = new ScanParams({
    name,
    hasN: n !== undefined,
    seqs: seqSpecs,
    states: stateSpecs,
    collects: collected.map(() => ({ like: null })),
    nNonSeqs: outerNonSeqs.length,
    innerInputs: [
      ...seqSlots,
      ...stateOrder.map((_, i) => states[i].slots).flat(),
      ...sharedSlots,
      ...nonSeqSlots,
    ],
    innerOutputs: [
      ...stateOrder.map((si) => inner[kinds.indexOf(si)]),
      ...inner.slice(outputs.length),
      ...collected.map((i) => inner[i]),
    ],
    truncate: null,
    truncateGradient: tg === undefined || tg === -1 ? null : tg,
    differentiate: scanInnerGrad,
  });
  const node = scanOp.make(
    [...(n ? [n] : []), ...seqInputs, ...states.map((s) => s.init), ...sharedStates, ...outerNonSeqs],
    params,
  );
  const outs = kinds.map((
    k,
    i,
  ) => (k !== null ? node.outputs[k] : node.outputs[stateSpecs.length + collected.indexOf(i)]));
  const updates: ScanUpdates = sharedStates.map((s, i) => [s, node.outputs[states.length + i]]);
  return [(single ? outs[0] : outs) as R, updates];
}
