/**
 * The run-time checks of a Scan node, shared by its CPU runner
 * (backends/cpu/scan_runner.ts) and its WebGPU runner (backends/webgpu/scan_gpu.ts), so
 * both enforce the same rules with the same messages: the number of steps, sequence
 * lengths, initial states, and the shapes the body returns at each step.
 * @module
 */
import { ShapeError } from "../../core/errors.ts";
import type { Apply, Dim } from "../../core/graph.ts";
import { lagsOf, type ScanParams } from "./params.ts";

/** A shape as NumPy prints it: `(3,)`, `(2, 3)`. */
const shapeStr = (s: readonly number[]) => `(${s.join(", ")}${s.length === 1 ? "," : ""})`;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The checks of one scan node; each failure is a ShapeError naming the scan and the
 * line that built it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ScanChecks } from "./checks.ts";
 * import { scan } from "../../autodiff/scan.ts";
 * import { add } from "../arith.ts";
 * import { dscalar, dvector } from "../constructors.ts";
 * const [cum] = scan({ fn: (xt, acc) => add(acc, xt), sequences: dvector("x"), outputsInfo: dscalar("z") });
 * const checks = new ScanChecks(cum.owner!);
 * assert.equal(checks.stepCount(undefined, [5]), 5);
 * assert.throws(() => checks.stateResult(0, 0, [2], []), /returned shape \(2,\) for state 0/);
 * ```
 */
export class ScanChecks {
  readonly #p: ScanParams;
  readonly #label: string;
  readonly #trace: string | undefined;

  constructor(node: Apply) {
    this.#p = node.params as ScanParams;
    this.#label = `scan "${this.#p.name}"`;
    this.#trace = node.trace;
  }

  /** `scan "name"`, for messages of the runners' own. */
  get label(): string {
    return this.#label;
  }

  /** Throw a ShapeError about this scan. */
  fail(msg: string): never {
    throw new ShapeError(`${this.#label}: ${msg}${this.#trace ? ` (built at ${this.#trace})` : ""}`);
  }

  /** The value `what` of shape `shape` must fit inner input `slot` of the body. */
  #fits(shape: readonly number[], slot: number, what: string): void {
    const type = this.#p.innerInputs[slot].type, want: readonly Dim[] = type.shape;
    if (shape.length !== want.length || want.some((d, i) => d !== null && d !== shape[i])) {
      this.fail(`${what} has shape ${shapeStr(shape)}, but the body was built for ${type}`);
    }
  }

  /**
   * The number of steps: `given` (the value of nSteps) when the scan has one, else what
   * the sequences of lengths `seqLengths` allow.
   */
  stepCount(given: number | undefined, seqLengths: readonly number[]): number {
    const p = this.#p;
    if (p.hasN) {
      if (given === undefined || !Number.isInteger(given) || given < 0) {
        this.fail(`the number of steps must be an integer >= 0, got ${given}`);
      }
      return given;
    }
    const n = Math.min(...seqLengths.map((len, j) => len - p.seqs[j].window));
    if (n < 0) this.fail(`a sequence is shorter than its taps need (lengths ${seqLengths.join(", ")})`);
    return n;
  }

  /** Sequence `j` of shape `shape` read over `n` steps; returns the shape of its rows. */
  sequence(j: number, shape: readonly number[], n: number): number[] {
    const need = n + this.#p.seqs[j].window;
    if (shape[0] < need) {
      this.fail(`sequence ${j} has length ${shape[0]}, but ${n} steps with its taps need ${need} rows`);
    }
    const rowShape = shape.slice(1);
    this.#fits(rowShape, this.#p.seqSlot(j, 0), `a row of sequence ${j}`);
    return rowShape;
  }

  /** The initial value of state `k`, of shape `shape`; returns the state's row shape. */
  initialState(k: number, shape: readonly number[]): number[] {
    const s = this.#p.states[k], L = lagsOf(s);
    if (s.stacked && shape[0] !== L) {
      this.fail(
        `the initial value of state ${k} (taps ${s.taps.join(", ")}) must hold ${L} rows, got shape ${
          shapeStr(shape)
        }`,
      );
    }
    const rowShape = s.stacked ? shape.slice(1) : [...shape];
    this.#fits(rowShape, this.#p.stateSlot(k, 0), `the initial value of state ${k}`);
    return rowShape;
  }

  /** Non-sequence `q`, of shape `shape`. */
  nonSequence(q: number, shape: readonly number[]): void {
    this.#fits(shape, this.#p.nonSeqSlot(q), `non-sequence ${q}`);
  }

  /** At step `t`, the body's new value of state `k` has shape `got`; the state's rows are `want`. */
  stateResult(t: number, k: number, got: readonly number[], want: readonly number[]): void {
    if (!sameShape(got, want)) {
      this.fail(
        `at step ${t} the body returned shape ${shapeStr(got)} for state ${k}, whose shape is ${
          shapeStr(want)
        }`,
      );
    }
  }

  /** At step `t`, collected output `m` has shape `got`, after `first` at step 0. */
  outputResult(t: number, m: number, got: readonly number[], first: readonly number[]): void {
    if (!sameShape(got, first)) {
      this.fail(
        `output ${m} changed shape between steps: ${shapeStr(first)} then ${shapeStr(got)} at step ${t}`,
      );
    }
  }

  /** At step `t`, a row added into an output collected like a sequence has shape `got`. */
  rowResult(t: number, got: readonly number[], want: readonly number[]): void {
    if (!sameShape(got, want)) {
      this.fail(`at step ${t} the body returned shape ${shapeStr(got)} for rows of shape ${shapeStr(want)}`);
    }
  }
}
