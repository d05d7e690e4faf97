/**
 * Binding call arguments to inputs: positional values, then a trailing plain object
 * of keyword values, then defaults; each converted to its input's type.
 * @module
 */
import { InputError } from "../core/errors.ts";
import type { ArrayLike, NDArray } from "../core/ndarray.ts";
import { isPlainObject } from "../core/options.ts";
import type { Variable } from "../core/graph.ts";
import type { In } from "./in.ts";

/** What binding reads of a compiled function (function.ts's FunctionMaker has it all). */
export interface Signature {
  /** The inputs, each with its keyword name and default value. */
  readonly inputs: readonly In[];
  /** Whether arguments may be cast to a narrower input dtype. */
  readonly allowInputDowncast: boolean;
  /** The name used in messages. */
  readonly name: string;
}

/**
 * Values for the maker's inputs, in order, from a call's arguments. `accept` lets a
 * backend take values of its own for an input (a WebGPU DeviceArray): it returns the
 * value to use, or undefined to convert the argument as usual.
 */
export function bindArguments(maker: Signature, args: unknown[]): NDArray[];
export function bindArguments(
  maker: Signature,
  args: unknown[],
  accept: (value: unknown, input: Variable, what: string) => unknown,
): unknown[];
export function bindArguments(
  maker: Signature,
  args: unknown[],
  accept?: (value: unknown, input: Variable, what: string) => unknown,
): unknown[] {
  const ins = maker.inputs;
  let positional = args;
  let keywords: Record<string, ArrayLike> = {};
  if (args.length && isPlainObject(args[args.length - 1])) {
    keywords = args[args.length - 1] as Record<string, ArrayLike>;
    positional = args.slice(0, -1);
  }
  const sig = () => `${maker.name}(${ins.map((i) => i.name ?? "?").join(", ")})`;
  if (positional.length > ins.length) {
    throw new InputError(`${sig()}: takes ${ins.length} arguments but ${positional.length} were given`);
  }
  const given: (ArrayLike | undefined)[] = positional.slice() as ArrayLike[];
  for (const [key, value] of Object.entries(keywords)) {
    const k = ins.findIndex((i) => i.name === key);
    if (k < 0) {
      throw new InputError(
        `${sig()}: unknown keyword argument "${key}" (keywords: ${
          ins.map((i) => i.name).filter(Boolean).join(", ")
        })`,
      );
    }
    if (k < positional.length) {
      throw new InputError(`${sig()}: argument "${key}" given both by position and by keyword`);
    }
    given[k] = value;
  }
  const whats = argumentNames(maker);
  return ins.map((input, k) => {
    const v = given[k] ?? input.value;
    if (v === undefined) {
      throw new InputError(
        `${sig()}: missing argument ${k} (${input.variable.describe()}), which has no default`,
      );
    }
    return accept?.(v, input.variable, whats[k]) ??
      input.variable.type.filter(v as ArrayLike, whats[k], maker.allowInputDowncast);
  });
}

/** Each input's name in messages, made once per function (not on every call). */
const names = new WeakMap<Signature, string[]>();
function argumentNames(maker: Signature): string[] {
  let n = names.get(maker);
  if (!n) {
    n = maker.inputs.map((input, k) => `${maker.name}: argument ${k} (${input.variable.describe()})`);
    names.set(maker, n);
  }
  return n;
}
