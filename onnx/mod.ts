/**
 * Export compiled functions to ONNX, to run them in ONNX Runtime (onnxruntime-node,
 * onnxruntime-web, behind Triton or another ONNX server) or any engine that reads ONNX.
 *
 * `toOnnx(f)` writes `f`'s optimised graph as an ONNX model (opset 17, IR version 8):
 * one graph input per function input (named after its variable, in order; an input with
 * a default value is also an initializer, so it may be left out), one output per function
 * output (`output_0`, `output_1`, ...), then one output per update, named after its shared
 * variable with `_update` appended, so that one training step runs in ONNX Runtime too.
 * Shared variables are initializers holding their current values (read a value a WebGPU
 * function keeps on the GPU back first: `await w.read()`), or inputs with
 * `{ sharedAsInputs: true }`. dtypes map one to one; a length the type leaves unknown is a
 * named symbolic dimension. Fused groups are written as the ops they fuse, scan as ONNX
 * Loop. Encoded with protobufjs (`npm:protobufjs`, loaded with this entry only) and ONNX's
 * published onnx.proto.
 *
 * A function that draws random numbers, or uses an op the ONNX table has no rule for, is
 * refused with an InputError naming the node and the line that built it.
 * @module
 */
import { InputError } from "../core/errors.ts";
import type { Variable } from "../core/graph.ts";
import { bool, checkOptions, str } from "../core/options.ts";
import type { SharedVariable } from "../core/shared.ts";
import type { Val } from "../backends/onnx/rule.ts";
import type { AnyCompiledFunction, FunctionMaker } from "../mod.ts";
import {
  GraphBuilder,
  ModelState,
  type TensorProto,
  tensorProto,
  valueInfo,
  type ValueInfoProto,
} from "./builder.ts";
import { encodeModel } from "./encode.ts";

/** Options of `toOnnx`. */
export interface OnnxOptions {
  /** Shared variables become graph inputs instead of initializers holding their values. */
  sharedAsInputs?: boolean;
  /** The graph's name (default: the function's name). */
  name?: string;
}

const ONNX_OPTIONS = { sharedAsInputs: bool, name: str };

/** The opset written: ONNX 1.12's (operators as of opset 17). */
export const ONNX_OPSET = 17;

/**
 * The bytes of an ONNX ModelProto computing compiled function `fn`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * import { toOnnx } from "./mod.ts";
 * const x = T.matrix("x", "float32");
 * const w = T.shared(T.asarray([[1, 2], [3, 4], [5, 6]], { dtype: "float32" }), "w");
 * const f = T.function([x], T.softmax(T.dot(x, w)), { updates: [[w, w.mul(0.5)]] });
 * const bytes = toOnnx(f);
 * assert(bytes instanceof Uint8Array && bytes.length > 100);
 * ```
 */
export function toOnnx(fn: AnyCompiledFunction, options: OnnxOptions = {}): Uint8Array {
  checkOptions("toOnnx", options, ONNX_OPTIONS);
  const maker = (fn as { maker?: FunctionMaker } | undefined)?.maker;
  if (typeof fn !== "function" || !maker) {
    throw new InputError(`toOnnx: expected a compiled function (T.function(...)), got ${describe(fn)}`);
  }
  const state = new ModelState();
  const g = new GraphBuilder(state, "toOnnx");
  const bound = new Map<Variable, Val>();
  const inputs: ValueInfoProto[] = [];
  const defaults: TensorProto[] = [];

  // The wanted name (the fallback for a nameless value), else a numbered one after it.
  const claim = (wanted: string | undefined, fallback: string) => {
    const name = wanted || fallback;
    return state.claim(name) ? name : state.fresh(name);
  };
  const typeOf = (name: string, v: Variable) =>
    valueInfo(name, v.dtype, v.type.shape.map((d, i) => (d === null ? `${name}_dim${i}` : d)));

  for (const [k, input] of maker.inputs.entries()) {
    const v = input.variable, name = claim(input.name ?? v.name, `input${k}`);
    bound.set(v, { name, dtype: v.dtype });
    inputs.push(typeOf(name, v));
    if (input.value !== undefined) defaults.push(tensorProto(name, v.type.filter(input.value, name, true)));
  }
  const sharedNames = new Map<SharedVariable, string>();
  const sharedName = (s: SharedVariable) => {
    let name = sharedNames.get(s);
    if (name === undefined) sharedNames.set(s, name = claim(s.name, `shared${sharedNames.size}`));
    return name;
  };
  const sharedValues: TensorProto[] = [];
  for (const s of maker.shared) {
    const name = sharedName(s);
    bound.set(s, { name, dtype: s.dtype });
    if (options.sharedAsInputs) inputs.push(typeOf(name, s));
    else sharedValues.push(tensorProto(name, currentValue(s)));
  }

  const values = g.lowerGraph(maker.outputs, bound);

  // Every graph output is made by an Identity of its own: an output may be an input, a
  // constant, or the same value as another output.
  const outputs: ValueInfoProto[] = [];
  const emit = (v: Val, wanted: string | undefined, fallback: string, type: Variable) => {
    const name = claim(wanted, fallback);
    g.nodes.push({
      name: state.nodeName("Identity"),
      op_type: "Identity",
      input: [v.name],
      output: [name],
      attribute: [],
    });
    outputs.push(valueInfo(name, type.dtype, type.type.shape.map((d) => d)));
  };
  for (let k = 0; k < maker.nOutputs; k++) emit(values[k], `output_${k}`, "output", maker.outputs[k]);
  maker.updates.forEach(([s], k) =>
    emit(values[maker.nOutputs + k], `${sharedName(s)}_update`, "update", maker.outputs[maker.nOutputs + k])
  );

  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: "", version: ONNX_OPSET }],
    producer_name: "hypatia",
    producer_version: "0.1.0",
    graph: {
      name: options.name ?? maker.name,
      node: g.nodes,
      initializer: [...defaults, ...sharedValues, ...state.initializers],
      input: inputs,
      output: outputs,
    },
  });
}

/**
 * The shared variable's current value, copied (borrowing would end a device residency and
 * the reuse of an update's buffer); a value held on a GPU must be read back first.
 */
function currentValue(s: SharedVariable) {
  try {
    return s.getValue();
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`toOnnx: ${e.message} first; nothing was written`);
    throw e;
  }
}

function describe(v: unknown): string {
  return typeof v === "function" ? "a plain function" : v === null ? "null" : typeof v;
}
