/**
 * The ONNX graph builder the table's rules write into: nodes, constants and subgraphs as
 * plain objects shaped like onnx.proto's messages (field names as in the .proto), which
 * encode.ts turns into bytes. Hypatia graphs are walked in topological order, each node
 * through the ONNX table; a node without a rule is refused naming the user's line.
 * @module
 */
import type { DType } from "../core/dtype.ts";
import { InputError } from "../core/errors.ts";
import { type Apply, Constant, type Variable } from "../core/graph.ts";
import { NDArray } from "../core/ndarray.ts";
import { toposort } from "../core/walk.ts";
import type { Attr, OnnxGraph, OnnxSubgraph, Val } from "../backends/onnx/rule.ts";
import { lowerNode } from "../backends/onnx/table.ts";

/** ONNX's TensorProto.DataType of each Hypatia dtype (one to one). */
export const ONNX_DTYPE: Readonly<Record<DType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

/** A dimension of a value's type: a length, a symbolic name, or unknown. */
export type DimProto = { dim_value: number } | { dim_param: string } | Record<never, never>;

/** onnx.ValueInfoProto. */
export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: number; shape?: { dim: DimProto[] } } };
}

/** onnx.TensorProto, with the data little-endian in raw_data. */
export interface TensorProto {
  name: string;
  data_type: number;
  dims: number[];
  raw_data: Uint8Array;
}

/** onnx.AttributeProto (types: FLOAT 1, INT 2, STRING 3, GRAPH 5, INTS 7). */
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  ints?: number[];
  g?: GraphProto;
}

/** onnx.NodeProto. */
export interface NodeProto {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
  doc_string?: string;
}

/** onnx.GraphProto. */
export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

/** A value's type: its dtype, and per axis a length or a name (or nothing: unknown). */
export function valueInfo(
  name: string,
  dtype: DType,
  dims: readonly (number | string | null)[],
): ValueInfoProto {
  const dim = dims.map((d) =>
    typeof d === "number" ? { dim_value: d } : typeof d === "string" ? { dim_param: d } : {}
  );
  return { name, type: { tensor_type: { elem_type: ONNX_DTYPE[dtype], shape: { dim } } } };
}

/** A tensor's bytes as ONNX stores them (little-endian; int64 as 64-bit integers, bool as bytes). */
export function tensorProto(name: string, value: NDArray): TensorProto {
  const d = value.data;
  let bytes: Uint8Array;
  if (value.dtype === "int64") {
    const b = new BigInt64Array(d.length);
    for (let i = 0; i < d.length; i++) b[i] = BigInt(d[i]);
    bytes = new Uint8Array(b.buffer);
  } else {
    bytes = new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) as ArrayBuffer);
  }
  return { name, data_type: ONNX_DTYPE[value.dtype], dims: [...value.shape], raw_data: bytes };
}

/** The integers each narrow dtype wraps into: [count, lowest]. */
const WRAP: Partial<Record<DType, [number, number]>> = {
  int32: [2 ** 32, -(2 ** 31)],
  int16: [2 ** 16, -(2 ** 15)],
  int8: [2 ** 8, -(2 ** 7)],
  uint8: [2 ** 8, 0],
};

function attribute(name: string, a: Attr): AttributeProto {
  if (typeof a === "number") return { name, type: 2, i: a };
  if (typeof a === "string") return { name, type: 3, s: new TextEncoder().encode(a) };
  if (Array.isArray(a)) return { name, type: 7, ints: a };
  if ("float" in a) return { name, type: 1, f: a.float };
  return { name, type: 5, g: a.body as GraphProto };
}

/** What every graph of one model shares: unique names, and the constants (main graph initializers). */
export class ModelState {
  readonly initializers: TensorProto[] = [];
  readonly #used = new Set<string>();
  readonly #constants = new Map<string, Val>();
  #nodes = 0;

  /** Reserve `name` exactly (graph inputs and outputs); false when it is taken. */
  claim(name: string): boolean {
    if (this.#used.has(name)) return false;
    this.#used.add(name);
    return true;
  }

  /** A fresh name starting with `base`. */
  fresh(base: string): string {
    let n = this.#used.size;
    while (this.#used.has(`${base}_${n}`)) n++;
    const name = `${base}_${n}`;
    this.#used.add(name);
    return name;
  }

  /** A fresh node name. */
  nodeName(opType: string): string {
    return `${opType}_${this.#nodes++}`;
  }

  /** A constant as an initializer; small equal constants (the rules' scalars and axes) share one. */
  constant(value: NDArray): Val {
    const key = value.size <= 64
      ? `${value.dtype}|${value.shape.join(",")}|${Array.from(value.data).join(",")}`
      : undefined;
    let v = key === undefined ? undefined : this.#constants.get(key);
    if (!v) {
      v = { name: this.fresh("const"), dtype: value.dtype };
      this.initializers.push(tensorProto(v.name, value));
      if (key !== undefined) this.#constants.set(key, v);
    }
    return v;
  }
}

/** One graph under construction (the model's, or a subgraph); implements the rules' `OnnxGraph`. */
export class GraphBuilder implements OnnxGraph {
  readonly nodes: NodeProto[] = [];
  #node: Apply | undefined;

  constructor(readonly model: ModelState, readonly what: string) {}

  get node(): Apply {
    if (!this.#node) throw new Error("onnx builder: no node is being lowered");
    return this.#node;
  }

  op(
    opType: string,
    inputs: readonly (Val | "")[],
    dtypes: readonly DType[],
    attrs: Record<string, Attr> = {},
  ) {
    const outs = dtypes.map((dtype) => ({ name: this.model.fresh(opType.toLowerCase()), dtype }));
    this.nodes.push({
      name: this.model.nodeName(opType),
      op_type: opType,
      input: inputs.map((v) => (v === "" ? "" : v.name)),
      output: outs.map((v) => v.name),
      attribute: Object.entries(attrs).map(([k, a]) => attribute(k, a)),
      ...(this.#node?.trace ? { doc_string: `${this.#node.op.name} built at ${this.#node.trace}` } : {}),
    });
    return outs;
  }

  op1(opType: string, inputs: readonly (Val | "")[], dtype: DType, attrs?: Record<string, Attr>): Val {
    return this.op(opType, inputs, [dtype], attrs)[0];
  }

  constant(value: NDArray): Val {
    return this.model.constant(value);
  }

  ints(values: readonly number[]): Val {
    return this.constant(new NDArray("int64", [values.length], Float64Array.from(values)));
  }

  scalar(value: number, dtype: DType): Val {
    const a = new NDArray(dtype, []);
    a.data[0] = value;
    return this.constant(a);
  }

  cast(v: Val, dtype: DType): Val {
    if (v.dtype === dtype) return v;
    const fromFloat = v.dtype === "float32" || v.dtype === "float64";
    if (fromFloat && dtype !== "bool" && dtype !== "float32" && dtype !== "float64") {
      // NaN and ±inf become 0, as Hypatia stores them in an integer dtype.
      const bad = this.op1("Or", [this.op1("IsNaN", [v], "bool"), this.op1("IsInf", [v], "bool")], "bool");
      v = this.op1("Where", [bad, this.scalar(0, v.dtype), v], v.dtype);
    }
    const span = WRAP[dtype];
    if (span !== undefined && fromFloat) {
      // A float to a narrow integer: truncated to int64, then wrapped into the target's range
      // as Hypatia's typed arrays wrap (-2.2 to uint8 is 254); ONNX Runtime's own cast gives 0.
      const whole = this.op1("Cast", [v], "int64", { to: ONNX_DTYPE.int64 });
      const [size, low] = span;
      const shifted = this.op1("Sub", [whole, this.scalar(low, "int64")], "int64");
      const wrapped = this.op1("Mod", [shifted, this.scalar(size, "int64")], "int64", { fmod: 0 });
      return this.cast(this.op1("Add", [wrapped, this.scalar(low, "int64")], "int64"), dtype);
    }
    return this.op1("Cast", [v], dtype, { to: ONNX_DTYPE[dtype] });
  }

  subgraph(
    inputs: readonly { dtype: DType; ndim: number }[],
    build: (g: OnnxGraph, ins: Val[]) => Val[],
  ): OnnxSubgraph {
    const sub = new GraphBuilder(this.model, this.what);
    sub.#node = this.#node;
    const ins = inputs.map((t) => ({ name: this.model.fresh("body_in"), dtype: t.dtype }));
    const results = build(sub, ins);
    // A subgraph output must be produced inside it: pass outer or input values through Identity.
    const outs = results.map((v) => sub.op1("Identity", [v], v.dtype));
    const body: GraphProto = {
      name: this.model.fresh("body"),
      node: sub.nodes,
      initializer: [],
      input: ins.map((v, k) =>
        inputs[k].ndim < 0
          ? { name: v.name, type: { tensor_type: { elem_type: ONNX_DTYPE[v.dtype] } } }
          : valueInfo(v.name, v.dtype, Array(inputs[k].ndim).fill(null))
      ),
      // Outputs of any shape: no shape at all.
      output: outs.map((v) => ({ name: v.name, type: { tensor_type: { elem_type: ONNX_DTYPE[v.dtype] } } })),
    };
    return { kind: "subgraph", body };
  }

  lowerGraph(outputs: readonly Variable[], bound: ReadonlyMap<Variable, Val>): Val[] {
    const values = new Map(bound);
    const valueOf = (v: Variable): Val => {
      const known = values.get(v);
      if (known) return known;
      if (v instanceof Constant) {
        const c = this.constant(v.value);
        values.set(v, c);
        return c;
      }
      throw new InputError(`${this.what}: ${v.describe()} is read but is neither an input nor a constant`);
    };
    const saved = this.#node;
    for (const node of toposort(outputs, values)) {
      const ins = node.inputs.map(valueOf);
      this.#node = node;
      const outs = lowerNode(this, node, ins);
      node.outputs.forEach((o, k) => values.set(o, this.cast(outs[k], o.dtype)));
    }
    this.#node = saved;
    return outputs.map(valueOf);
  }

  refuse(why: string): never {
    throw new InputError(
      `${this.what}: cannot export ${this.node.where()} to ONNX: ${why}; nothing was written`,
    );
  }
}
