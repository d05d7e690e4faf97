/**
 * What both kinds of random streams share: the list of state shared variables with their
 * default updates, `stateUpdates`, the JSON form of the whole random state, and
 * `copyRandomState`.
 *
 * ## Random state as JSON
 * `srng.toJSON()` (also what `JSON.stringify(srng)` writes) is a plain object:
 * `{ generator, version: 1, base, states: [{ shape, data }] }` where `base` is the
 * streams' own state (MRG: the 6-word base of the next stream; NumPy kind: the seed
 * generator's MT19937 vector) and `states` each random variable's state in creation
 * order. `srng.setState(json)` restores it into streams built the same way (same calls
 * in the same order), in this process or a fresh one; the continuation is identical.
 * @module
 */
import { InputError } from "../core/errors.ts";
import { NDArray } from "../core/ndarray.ts";
import type { SharedVariable } from "../core/shared.ts";
import type { Apply, Variable } from "../core/graph.ts";

/** A random draw: the sample variable, with its state shared variable(s) and update. */
export interface RandomVariable extends Variable {
  /** The state shared variable of this draw (the first one, when it reads two). */
  rng: SharedVariable;
  /** Every state the draw reads (Theano's truncated normal reads two). */
  rngs: SharedVariable[];
  /** `[state, newState]`: the default update of `rng`. */
  update: [SharedVariable, Variable];
}

/** The JSON form of a streams object's whole random state. */
export interface RandomStateJSON {
  /** The generator the state belongs to. */
  generator: "MRG31k3p" | "MT19937";
  /** Format version. */
  version: 1;
  /** The streams' own state (what the next random variable starts from). */
  base: number[];
  /** The state of every random variable, in creation order. */
  states: { shape: number[]; data: number[] }[];
}

interface Entry {
  state: SharedVariable;
  update: Variable;
  /** Substreams of an MRG state (re-seeding rebuilds as many). */
  nstreams: number;
}

/**
 * Bookkeeping shared by `MRGRandomStreams` and `RandomStreams`: the state of every
 * random variable the streams made, their default updates, and the whole state as JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const srng: T.RandomStreamsBase = new T.MRGRandomStreams(234);
 * new T.MRGRandomStreams(234).uniform([2]); // draws from another object do not count
 * (srng as T.MRGRandomStreams).normal([3]);
 * assert(srng.generator === "MRG31k3p" && srng.stateUpdates.length === 1);
 * ```
 */
export abstract class RandomStreamsBase {
  /** Which generator the streams use. */
  abstract readonly generator: RandomStateJSON["generator"];
  /** @internal the states in creation order. */
  protected readonly entries: Entry[] = [];

  /** `[stateShared, update]` pairs of every state the streams made, in creation order. */
  get stateUpdates(): [SharedVariable, Variable][] {
    return this.entries.map((e) => [e.state, e.update]);
  }

  /** Theano's `updates()`: the same list as `stateUpdates`. */
  updates(): [SharedVariable, Variable][] {
    return this.stateUpdates;
  }

  /** The streams' own state as numbers. */
  protected abstract baseVector(): number[];
  /** Why `v` is not a valid own state (undefined when valid). */
  protected abstract badBase(v: readonly number[]): string | undefined;
  /** Install a checked own state. */
  protected abstract setBase(v: readonly number[]): void;
  /** Why `data` is not a valid state for entry `k` (undefined when valid). */
  protected abstract badState(data: readonly number[], k: number): string | undefined;

  /** Register the states of a new random node and give the sample its `rng`/`update`. */
  protected register(node: Apply, nstreams: number[]): RandomVariable {
    const states = nstreams.map((_, k) => node.inputs[k] as SharedVariable);
    states.forEach((s, k) => {
      s.defaultUpdate = node.outputs[k];
      this.entries.push({ state: s, update: node.outputs[k], nstreams: nstreams[k] });
    });
    const sample = node.outputs[states.length] as RandomVariable;
    sample.rng = states[0];
    sample.rngs = states;
    sample.update = [states[0], node.outputs[0]];
    return sample;
  }

  /** The whole random state as plain JSON data (see the module notes). */
  toJSON(): RandomStateJSON {
    return {
      generator: this.generator,
      version: 1,
      base: this.baseVector(),
      states: this.entries.map((e) => {
        const v = e.state.getValue({ borrow: true });
        return { shape: [...v.shape], data: Array.from(v.data, Number) };
      }),
    };
  }

  /**
   * Restore a state made by `toJSON` (an object or its JSON text) into streams built the
   * same way. Everything is checked first: on error nothing changes.
   */
  setState(json: RandomStateJSON | string): void {
    let j: RandomStateJSON;
    try {
      j = typeof json === "string" ? JSON.parse(json) : json;
    } catch (e) {
      throw new InputError(`setState: not valid JSON: ${(e as Error).message}`);
    }
    const what = `setState (${this.generator})`;
    if (!j || typeof j !== "object" || j.generator !== this.generator || j.version !== 1) {
      throw new InputError(
        `${what}: expected a version-1 ${this.generator} random state, got generator ${
          (j as { generator?: unknown })?.generator
        }`,
      );
    }
    if (!Array.isArray(j.base) || !Array.isArray(j.states)) {
      throw new InputError(`${what}: base and states must be lists`);
    }
    const badBase = this.badBase(j.base);
    if (badBase) throw new InputError(`${what}: the base state is invalid: ${badBase}`);
    if (j.states.length !== this.entries.length) {
      throw new InputError(
        `${what}: the state has ${j.states.length} random variables but these streams made ${this.entries.length}; ` +
          `build the graph the same way first`,
      );
    }
    const values = j.states.map((s, k) => {
      const e = this.entries[k];
      const want = e.state.getValue({ borrow: true }).shape;
      if (!s || !Array.isArray(s.shape) || s.shape.join() !== want.join() || !Array.isArray(s.data)) {
        throw new InputError(
          `${what}: state ${k} has shape (${s?.shape}) but ${e.state.describe()} needs (${want.join(", ")})`,
        );
      }
      const bad = this.badState(s.data, k);
      if (bad) throw new InputError(`${what}: state ${k} is invalid: ${bad}`);
      return new NDArray(
        e.state.dtype,
        want,
        e.state.dtype === "int32" ? Int32Array.from(s.data) : Float64Array.from(s.data),
      );
    });
    this.setBase(j.base);
    values.forEach((v, k) => this.entries[k].state.setValue(v, { borrow: true }));
  }
}

/**
 * Copy the random state of one streams object into another built the same way (Theano's
 * tutorial `copy_random_state`): the base state and every variable's state, after which
 * both draw the same numbers. Checked first: on error nothing changes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyRandomState, MRGRandomStreams } from "../mod.ts";
 * const a = new MRGRandomStreams(123), b = new MRGRandomStreams(987);
 * const ua = a.uniform([3]), ub = b.uniform([3]);
 * copyRandomState(a, b);
 * assert(ua.rng.getValue().data.join() === ub.rng.getValue().data.join());
 * ```
 */
export function copyRandomState(from: RandomStreamsBase, to: RandomStreamsBase): void {
  if (from.generator !== to.generator) {
    throw new InputError(
      `copyRandomState: cannot copy ${from.generator} streams into ${to.generator} streams`,
    );
  }
  to.setState(from.toJSON());
}
