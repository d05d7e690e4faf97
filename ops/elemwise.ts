/**
 * Elementwise ops: broadcasting by static type, NumPy dtype promotion with weak
 * scalars, and the `defineElemwise` helper every elementwise op file uses. The
 * scalar rules collected here are what the CPU and WGSL code generators fuse.
 * @module
 */
import { floatX } from "../core/config.ts";
import { type DType, isFloat, kind, smallestIntFor, upcast, upcastAll } from "../core/dtype.ts";
import { HypatiaTypeError } from "../core/errors.ts";
import {
  type Apply,
  Constant,
  defineOp,
  type Dim,
  type JVP,
  type Op,
  type Rewrite,
  type ScalarRule,
  type TensorLike,
  TensorType,
  type Variable,
} from "../core/graph.ts";
import { asTensor } from "../core/constant.ts";

/**
 * The dtype elementwise inputs are promoted to, by NumPy 2's rules for Python scalars:
 * weak scalars (bare JS numbers) only count by kind, so `float32 * 2` stays float32 and
 * `int32 * 1.5` becomes floatX. Bare numbers alone give int64 or floatX (`100 + 100` is
 * 200, not an int8 that wrapped). An integer literal that does not fit the other
 * operand's integer dtype widens the result to a dtype that holds it (`int8 + 1000` is
 * int16), where NumPy 2 would raise: a literal is never wrapped silently.
 */
export function promote(inputs: readonly Variable[]): DType {
  const strong = inputs.filter((v) => !isWeak(v));
  if (strong.length === 0) {
    const k = Math.max(...inputs.map((v) => kind(v.dtype)));
    return k === 2
      ? upcastAll(inputs.filter((v) => isFloat(v.dtype)).map((v) => v.dtype))
      : k === 1
      ? "int64"
      : "bool";
  }
  let result = upcastAll(strong.map((v) => v.dtype));
  for (const w of inputs) {
    if (!isWeak(w)) continue;
    if (kind(w.dtype) > kind(result)) {
      result = kind(w.dtype) === 2 ? floatX() : w.dtype === "bool" ? result : "int64";
    } else if (
      w instanceof Constant && kind(w.dtype) === 1 && kind(result) === 1 && !fitsIn(w.value.data[0], result)
    ) {
      result = upcast(result, smallestIntFor(w.value.data[0]));
    }
  }
  return result;
}

/**
 * Whether `v` is weak: a bare JS number, or elementwise arithmetic on bare numbers only
 * (`sub(2, 1)`, as the gradient of `x ** 2` builds), which stays a bare number as in
 * Python, so `float32 ** (2 - 1)` stays float32.
 */
export function isWeak(v: Variable): boolean {
  if (v instanceof Constant) return v.weak;
  const node = v.owner;
  if (!node?.op.scalar || node.op.scalar.rawInputs || node.outputs.length !== 1) return false;
  let known = weakResults.get(v);
  if (known === undefined) {
    known = node.inputs.every(isWeak);
    weakResults.set(v, known);
  }
  return known;
}
const weakResults = new WeakMap<Variable, boolean>();

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** Whether integer `v` is a value of integer dtype `d`. */
function fitsIn(v: number, d: DType): boolean {
  const range = INT_RANGE[d];
  return !range || (v >= range[0] && v <= range[1]);
}

/**
 * Static broadcast of input shapes (left-padded with length-1 dims, as NumPy does).
 * A dimension broadcasts only when its type says length 1.
 */
export function broadcastShapes(opName: string, inputs: readonly Variable[]): Dim[] {
  const nd = Math.max(0, ...inputs.map((v) => v.ndim));
  const out: Dim[] = [];
  for (let d = 0; d < nd; d++) {
    let dim: Dim = 1;
    for (const v of inputs) {
      const k = d - (nd - v.ndim);
      const len = k < 0 ? 1 : v.type.shape[k];
      if (len === 1) continue;
      if (dim === 1 || dim === null) dim = len === null ? (dim === 1 ? null : dim) : len;
      else if (len !== null && len !== dim) {
        throw new HypatiaTypeError(
          `${opName}: shapes do not broadcast: dimension ${d} has length ${dim} in one input and ${len} in another (${
            inputs.map((i) => i.describe()).join(", ")
          })`,
        );
      }
    }
    out.push(dim);
  }
  return out;
}

/** Spec of an elementwise op. */
export interface ElemwiseSpec {
  name: string;
  arity: number;
  /** JS expression for one element (see ScalarRule.js). */
  js: ScalarRule["js"];
  /** WGSL expression for one element, when the op has a lowering. */
  wgsl?: ScalarRule["wgsl"];
  /**
   * Output dtype: "same" (the promoted dtype), "bool", "float" (ints become floatX,
   * as `exp` of an int does), or a function of the promoted dtype.
   */
  out?: "same" | "bool" | "float" | ((promoted: DType, inputs: DType[]) => DType);
  /** Which input dtypes are allowed; a message names the op when they are not. */
  accepts?: "any" | "numeric" | "bool" | "int";
  /**
   * Gradient of each input, in the output's broadcast shape (the grad engine sums
   * broadcast dimensions away). `x` are the inputs, `z` the output, `gz` its gradient.
   */
  grad?: (x: Variable[], z: Variable, gz: Variable) => (Variable | null)[];
  /** Why there is no gradient (comparisons, rounding…): the gradient is then zero. */
  notDifferentiable?: string;
  jvp?: JVP;
  helpers?: ScalarRule["helpers"];
  wgslHelpers?: string;
  rawInputs?: boolean;
  infix?: [string, number];
  rewrites?: Rewrite[];
  /** Custom pp form. */
  format?: (args: string[]) => string;
}

/** Params of every elementwise node: none. Elementwise ops are told apart by name. */
export type ElemwiseParams = null;

/** Whether a node is elementwise (has a scalar rule). */
export function isElemwise(node: Apply | null): node is Apply {
  return !!node?.op.scalar;
}

/**
 * Define an elementwise op and return it; `applyElemwise(op, ...)` builds nodes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyElemwise, defineElemwise } from "./elemwise.ts";
 * import { TensorType } from "../core/graph.ts";
 * const twice = defineElemwise({ name: "twice", arity: 1, js: ([a]) => `2 * ${a}` });
 * const x = new TensorType("float32", [null]).make("x");
 * assert(applyElemwise(twice, [x]).dtype === "float32");
 * ```
 */
export function defineElemwise(spec: ElemwiseSpec): Op<ElemwiseParams> {
  const outRule = spec.out ?? "same";
  const outDtype = (p: DType, inputs: DType[]): DType => {
    if (outRule === "same") return p;
    if (outRule === "bool") return "bool";
    if (outRule === "float") return isFloat(p) ? p : floatX();
    return outRule(p, inputs);
  };
  const scalar: ScalarRule = {
    arity: spec.arity,
    js: spec.js,
    wgsl: spec.wgsl,
    helpers: spec.helpers,
    wgslHelpers: spec.wgslHelpers,
    rawInputs: spec.rawInputs,
    infix: spec.infix,
  };
  return defineOp<ElemwiseParams>({
    name: spec.name,
    scalar,
    inferType(inputs) {
      if (inputs.length !== spec.arity) {
        throw new HypatiaTypeError(`${spec.name} takes ${spec.arity} inputs, got ${inputs.length}`);
      }
      checkAccepts(spec, inputs);
      const dtypes = inputs.map((v) => v.dtype);
      const p = spec.rawInputs ? upcastAll(dtypes) : promote(inputs);
      return [new TensorType(outDtype(p, dtypes), broadcastShapes(spec.name, inputs))];
    },
    vjp: spec.grad
      ? (node, [gz]) => spec.grad!([...node.inputs], node.outputs[0], gz)
      : spec.notDifferentiable
      ? (node) => node.inputs.map(() => null)
      : undefined,
    notDifferentiable: spec.notDifferentiable,
    jvp: spec.jvp,
    rewrites: spec.rewrites,
    format: spec.format
      ? (args) => spec.format!(args)
      : spec.infix
      ? (args) => args.length === 1 ? `${spec.infix![0]}${args[0]}` : `(${args.join(` ${spec.infix![0]} `)})`
      : (args) => `${spec.name}(${args.join(", ")})`,
  });
}

function checkAccepts(spec: ElemwiseSpec, inputs: readonly Variable[]) {
  const rule = spec.accepts ?? "numeric";
  for (const v of inputs) {
    const ok = rule === "any" ||
      (rule === "numeric" && v.dtype !== "bool") ||
      (rule === "bool" && (v.dtype === "bool" || kind(v.dtype) === 1)) ||
      (rule === "int" && kind(v.dtype) <= 1);
    if (!ok) {
      throw new HypatiaTypeError(
        `${spec.name}: input ${v.describe()} has dtype ${v.dtype}, which ${spec.name} does not take (${rule} only)`,
      );
    }
  }
}

/** Apply an elementwise op to tensors or plain values. */
export function applyElemwise(op: Op<ElemwiseParams>, args: TensorLike[]): Variable {
  return op.apply1(args.map((a) => asTensor(a)), null);
}

/** True when `v` is a constant whose every element equals `value`. */
export function isConstantValue(v: Variable, value: number): boolean {
  if (!(v instanceof Constant)) return false;
  const d = v.value.data;
  if (d.length === 0) return false;
  for (let i = 0; i < d.length; i++) if (d[i] !== value) return false;
  return true;
}

/** The op name of the node that computes `v`, or undefined for inputs. */
export function ownerName(v: Variable): string | undefined {
  return v.owner?.op.name;
}

/**
 * Wrap a JS integer expression to the range of an integer dtype, as the stored
 * typed array would; also keeps intermediates of fused integer chains exact.
 */
export function wrapInt(expr: string, dtype: DType): string {
  switch (dtype) {
    case "int32":
      return `((${expr}) | 0)`;
    case "int16":
      return `((${expr}) << 16 >> 16)`;
    case "int8":
      return `((${expr}) << 24 >> 24)`;
    case "uint8":
      return `((${expr}) & 255)`;
    case "bool":
      return `((${expr}) ? 1 : 0)`;
    default:
      return expr;
  }
}

/** The WGSL scalar type a dtype computes in (bool as u32 0/1). */
export function wgslType(dtype: DType): "f32" | "i32" | "u32" | undefined {
  switch (dtype) {
    case "float32":
      return "f32";
    case "int32":
    case "int16":
    case "int8":
      return "i32";
    case "uint8":
    case "bool":
      return "u32";
    default:
      return undefined; // float64 and int64 have no WGSL type
  }
}
