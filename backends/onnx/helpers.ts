/**
 * Small graph helpers the ONNX rules share: int64 conversions, shapes and lengths, flattening.
 * @module
 */
import type { OnnxGraph, Val } from "./rule.ts";

/** v as int64. */
export const i64 = (g: OnnxGraph, v: Val): Val => g.cast(v, "int64");

/** The shape of v, an int64 vector. */
export const shapeOf = (g: OnnxGraph, v: Val): Val => g.op1("Shape", [v], "int64");

/** The length of axis `axis` of v, an int64 scalar. */
export const lengthOf = (g: OnnxGraph, v: Val, axis: number): Val =>
  g.op1("Gather", [shapeOf(g, v), g.scalar(axis, "int64")], "int64", { axis: 0 });

/** v flattened. */
export const flat = (g: OnnxGraph, v: Val): Val => g.op1("Reshape", [v, g.ints([-1])], v.dtype);
