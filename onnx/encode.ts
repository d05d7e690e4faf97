/**
 * ModelProto to bytes and back with protobufjs and ONNX's own schema (onnx_proto.ts, parsed
 * once on first use), rather than an encoder of our own.
 * @module
 */
// An inline npm: specifier, not the import map, so that importing this file from a URL works.
// deno-lint-ignore no-import-prefix
import * as protobuf from "npm:protobufjs@8.8.1";
import { ONNX_PROTO } from "./onnx_proto.ts";

let modelType: protobuf.Type | undefined;

/** onnx.ModelProto, parsed from the vendored onnx.proto with its field names kept. */
function model(): protobuf.Type {
  return modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType("onnx.ModelProto");
}

/** The bytes of a ModelProto given as a plain object with onnx.proto's field names. */
export function encodeModel(message: Record<string, unknown>): Uint8Array {
  const type = model();
  return type.encode(type.fromObject(message)).finish();
}

/** A ModelProto's bytes as a plain object (int64 fields as numbers, bytes as Uint8Arrays). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  const type = model();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as Record<string, unknown>;
}
