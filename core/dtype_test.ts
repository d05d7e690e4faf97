import assert from "node:assert/strict";
import { upcast } from "./dtype.ts";

// Expected values are NumPy's: python3 -c "import numpy as np; print(np.promote_types(a, b))".
const NUMPY_PROMOTE: [string, string, string][] = [
  ["int8", "uint8", "int16"],
  ["int32", "float32", "float64"],
  ["int16", "float32", "float32"],
  ["int64", "float32", "float64"],
  ["uint8", "int32", "int32"],
  ["bool", "int8", "int8"],
  ["float32", "float64", "float64"],
  ["int8", "int16", "int16"],
  ["uint8", "float32", "float32"],
  ["bool", "float32", "float32"],
];

Deno.test("upcast() follows NumPy's promote_types", () => {
  for (const [a, b, want] of NUMPY_PROMOTE) {
    assert.equal(upcast(a as never, b as never), want, `${a} + ${b}`);
    assert.equal(upcast(b as never, a as never), want, `${b} + ${a}`);
  }
});
