/**
 * The data of a Scan node: how its outer inputs map to the inner graph's inputs at
 * each step, and how the inner graph's outputs are collected. Kept apart from the op
 * (ops/scan/scan.ts) so the gradient builder (ops/scan/grad.ts) and the CPU runner
 * (backends/cpu/scan_runner.ts) share it without import cycles.
 *
 * Outer inputs, in order: `[n?, ...sequences, ...initial states, ...non-sequences]`.
 * Inner inputs, in order: one per (sequence, offset), one per (state, tap), one per
 * non-sequence. Inner outputs: one per state (its next value), then one per collected
 * output (or one per offset for a collected output written like a sequence).
 * Outer outputs: one per state, then one per collected output.
 * @module
 */
import { Constant, paramsKey, type Variable } from "../../core/graph.ts";
import { toposort } from "../../core/walk.ts";

/**
 * How a sequence is read. At step `t` (of `n`), offset `o` reads position `i = t + o`
 * of the used window of `n + window` rows: `u = reverse ? n + window - 1 - i : i`;
 * the window starts at row 0, or ends at the last row when `anchorEnd`. Theano's
 * `goBackwards` is `reverse` with `anchorEnd` (the reversed sequence, truncated).
 */
export interface SeqSpec {
  /** Offsets read at each step, each in [0, window]. */
  offsets: number[];
  reverse: boolean;
  anchorEnd: boolean;
  /** Rows the sequence must have beyond `n`. */
  window: number;
}

/**
 * A recurrent state. `taps` are negative lags (Theano's taps, e.g. `[-2, -1]`); the
 * initial value holds the `L = -min(taps)` values before step 0 along a leading axis
 * (`stacked`), or is the single previous value itself when the taps are `[-1]`.
 * `keep: "all"` outputs every new value, shape `(n, ...)`; `"last"` only the final one.
 */
export interface StateSpec {
  taps: number[];
  stacked: boolean;
  keep: "all" | "last";
  /** Output zeros when `truncate` stopped the loop early (truncated gradients of initial states). */
  truncZero?: boolean;
}

/**
 * A collected output. `like: null`: one value per step, stacked, shape `(n, ...)`.
 * Otherwise the output has the shape of sequence `like`, starts as zeros, and each
 * step adds its inner outputs (one per offset) at the rows a sequence with this spec
 * would read: the transpose of reading a sequence, used by gradients.
 */
export type CollectSpec = { like: null } | ({ like: number } & SeqSpec);

/**
 * Gradient of an inner graph: the gradients of `wrt` given the gradients of some of
 * its variables, or null where `wrt` does not influence them. Supplied by autodiff
 * (ops/ cannot import the grad engine).
 */
export type InnerGrad = (
  known: [Variable, Variable][],
  wrt: readonly Variable[],
) => (Variable | null)[];

/** Everything a ScanParams holds (the inner graph is read-only). */
export interface ScanParamsInit {
  name: string;
  /** Whether the first outer input is the number of steps (else: the shortest sequence). */
  hasN: boolean;
  seqs: SeqSpec[];
  states: StateSpec[];
  collects: CollectSpec[];
  nNonSeqs: number;
  innerInputs: readonly Variable[];
  innerOutputs: readonly Variable[];
  /** Run at most this many steps (the outputs keep the shapes of `n` steps). */
  truncate: number | null;
  /** Steps a gradient goes back (Theano's truncate_gradient); null for all. */
  truncateGradient: number | null;
  differentiate?: InnerGrad;
}

/** Params of a Scan node. `toJSON` gives a structural key, so equal scans merge. */
export class ScanParams implements ScanParamsInit {
  readonly name!: string;
  readonly hasN!: boolean;
  readonly seqs!: SeqSpec[];
  readonly states!: StateSpec[];
  readonly collects!: CollectSpec[];
  readonly nNonSeqs!: number;
  readonly innerInputs!: readonly Variable[];
  readonly innerOutputs!: readonly Variable[];
  readonly truncate!: number | null;
  readonly truncateGradient!: number | null;
  readonly differentiate?: InnerGrad;
  #key: string | undefined;

  constructor(init: ScanParamsInit) {
    Object.assign(this, init);
  }

  /** A copy with some fields changed (the fields are the instance's own properties). */
  with(changes: Partial<ScanParamsInit>): ScanParams {
    return new ScanParams({ ...this, ...changes });
  }

  /** Position of the first sequence among the outer inputs. */
  get seqStart(): number {
    return this.hasN ? 1 : 0;
  }
  /** Position of the first initial state among the outer inputs. */
  get initStart(): number {
    return this.seqStart + this.seqs.length;
  }
  /** Position of the first non-sequence among the outer inputs. */
  get nonSeqStart(): number {
    return this.initStart + this.states.length;
  }
  /** Number of outer inputs. */
  get nInputs(): number {
    return this.nonSeqStart + this.nNonSeqs;
  }

  /** Inner input index of sequence `j`'s offset number `k`. */
  seqSlot(j: number, k: number): number {
    let s = 0;
    for (let i = 0; i < j; i++) s += this.seqs[i].offsets.length;
    return s + k;
  }
  /** Inner input index of state `j`'s tap number `k`. */
  stateSlot(j: number, k: number): number {
    let s = this.seqSlot(this.seqs.length, 0);
    for (let i = 0; i < j; i++) s += this.states[i].taps.length;
    return s + k;
  }
  /** Inner input index of non-sequence `q`. */
  nonSeqSlot(q: number): number {
    return this.stateSlot(this.states.length, 0) + q;
  }
  /** Inner output index of collected output `m`'s offset number `k` (0 for plain ones). */
  collectSlot(m: number, k = 0): number {
    let s = this.states.length;
    for (let i = 0; i < m; i++) s += collectWidth(this.collects[i]);
    return s + k;
  }

  /** The structural key used to merge equal scan nodes. */
  toJSON(): string {
    if (this.#key === undefined) {
      const specs = JSON.stringify([
        this.name,
        this.hasN,
        this.seqs,
        this.states,
        this.collects,
        this.nNonSeqs,
        this.truncate,
        this.truncateGradient,
      ]);
      this.#key = `${specs}#${graphSignature(this.innerInputs, this.innerOutputs)}`;
    }
    return this.#key;
  }
}

/**
 * Number of inner outputs a collected output takes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collectWidth } from "./params.ts";
 * assert(collectWidth({ like: null }) === 1);
 * assert(collectWidth({ like: 0, offsets: [0, 2], reverse: false, anchorEnd: false, window: 2 }) === 2);
 * ```
 */
export function collectWidth(c: CollectSpec): number {
  return c.like === null ? 1 : c.offsets.length;
}

/**
 * Lags of a state: L = -min(taps).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lagsOf } from "./params.ts";
 * assert(lagsOf({ taps: [-3, -1], stacked: true, keep: "all" }) === 3);
 * ```
 */
export function lagsOf(s: StateSpec): number {
  return -Math.min(...s.taps);
}

/**
 * Row of a sequence (or like-collected output) of length `len` read at step `t` with
 * offset `o`, in a scan of `n` steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowOf } from "./params.ts";
 * const fwd = { offsets: [0, 2], reverse: false, anchorEnd: false, window: 2 };
 * assert(rowOf(fwd, 10, 5, 1, 2) === 3);
 * const back = { offsets: [0], reverse: true, anchorEnd: true, window: 0 };
 * assert(rowOf(back, 10, 5, 0, 0) === 9); // goBackwards starts at the last row
 * ```
 */
export function rowOf(spec: SeqSpec, len: number, n: number, t: number, o: number): number {
  const i = t + o;
  const u = spec.reverse ? n + spec.window - 1 - i : i;
  return spec.anchorEnd ? len - n - spec.window + u : u;
}

/**
 * `rowOf` as a line: the row read at step `t` with offset `o` is `a + b * (t + o)`.
 * Returns [a, b], so a runner computes rows with one multiply-add.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowMap, rowOf } from "./params.ts";
 * const back = { offsets: [0], reverse: true, anchorEnd: true, window: 0 };
 * const [a, b] = rowMap(back, 10, 5);
 * assert(a + b * 3 === rowOf(back, 10, 5, 3, 0));
 * ```
 */
export function rowMap(spec: SeqSpec, len: number, n: number): [number, number] {
  const base = spec.anchorEnd ? len - n - spec.window : 0;
  return spec.reverse ? [base + n + spec.window - 1, -1] : [base, 1];
}

/**
 * The same sequence read by the backward scan of a gradient: in reverse order, each
 * offset `o` becoming `window - o`, so step `t'` of the backward scan reads the row
 * that step `n - 1 - t'` of the forward scan read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reversedSpec, rowOf } from "./params.ts";
 * const spec = { offsets: [0, 1, 3], reverse: false, anchorEnd: false, window: 3 };
 * const back = reversedSpec(spec);
 * const [len, n] = [9, 6];
 * for (let t = 0; t < n; t++) {
 *   spec.offsets.forEach((o, k) =>
 *     assert(rowOf(spec, len, n, t, o) === rowOf(back, len, n, n - 1 - t, back.offsets[k]))
 *   );
 * }
 * ```
 */
export function reversedSpec(spec: SeqSpec): SeqSpec {
  return {
    offsets: spec.offsets.map((o) => spec.window - o),
    reverse: !spec.reverse,
    anchorEnd: spec.anchorEnd,
    window: spec.window,
  };
}

/**
 * A string that is equal for structurally equal graphs: inner inputs are named by
 * position, constants by value, nodes by op, params and inputs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphSignature } from "./params.ts";
 * import { add, mul } from "../arith.ts";
 * import { dscalar } from "../constructors.ts";
 * const [a, b] = [dscalar("a"), dscalar("b")];
 * assert(graphSignature([a], [add(a, 1)]) === graphSignature([b], [add(b, 1)]));
 * assert(graphSignature([a], [add(a, 1)]) !== graphSignature([a], [mul(a, 1)]));
 * ```
 */
export function graphSignature(inputs: readonly Variable[], outputs: readonly Variable[]): string {
  const names = new Map<Variable, string>();
  inputs.forEach((v, i) => names.set(v, `i${i}:${v.type}`));
  const parts: string[] = [];
  const nameOf = (v: Variable): string => {
    let s = names.get(v);
    if (s === undefined) {
      if (v instanceof Constant && v.value.size <= 64) {
        s = `c(${v.type}|${v.weak}|${Array.from(v.value.data).join(",")})`;
      } else {
        // A large constant (compared by identity, not value), or a free variable
        // (scan closes over everything, so only in graphs under construction).
        s = `v${v.id}`;
      }
      names.set(v, s);
    }
    return s;
  };
  for (const node of toposort(outputs, new Set(inputs))) {
    const ins = node.inputs.map(nameOf).join(",");
    const id = `n${parts.length}`;
    parts.push(`${id}=${node.op.name}|${paramsKey(node.params)}|${ins}`);
    node.outputs.forEach((o, k) => names.set(o, `${id}.${k}`));
  }
  return `${parts.join(";")}=>${outputs.map(nameOf).join(",")}`;
}
