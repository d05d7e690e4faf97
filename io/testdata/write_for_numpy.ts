/**
 * Development check (not run by the tests): writes .npy/.npz files with Hypatia into a
 * folder so that check_with_numpy.py can load them with NumPy and compare.
 *
 * Run: `deno run --allow-write io/testdata/write_for_numpy.ts /tmp/hy && python3 io/testdata/check_with_numpy.py /tmp/hy`
 * @module
 */
import * as T from "../../mod.ts";
import { save, savez, savezCompressed } from "../mod.ts";

const out = Deno.args[0];
await Deno.mkdir(out, { recursive: true });
const arange = (n: number) => Array.from({ length: n }, (_, k) => k);
const arrays: Record<string, T.NDArray> = {
  f8: T.asarray([[1.5, -2.25, Math.PI], [Infinity, -Infinity, NaN]]),
  f4: T.asarray([1.1, -3.4e38, 1e-45, -0], { dtype: "float32" }),
  i8: T.asarray([0, -1, 2 ** 53, -(2 ** 53), 2 ** 60, -(2 ** 62)], { dtype: "int64" }),
  i4: T.asarray([[-(2 ** 31), 2 ** 31 - 1], [0, -7]], { dtype: "int32" }),
  i2: T.asarray([-32768, 32767, 3], { dtype: "int16" }),
  i1: T.asarray([-128, 127, 0, -1], { dtype: "int8" }),
  u1: T.asarray([[0, 255], [128, 7]], { dtype: "uint8" }),
  b1: T.asarray([[true, false, true]], { dtype: "bool" }),
  scalar: T.asarray(3.25),
  empty: new T.NDArray("float64", [0, 3]),
  t3: T.asarray(arange(24), { dtype: "int32" }).reshape([2, 3, 4]),
};
for (const [k, a] of Object.entries(arrays)) await save(`${out}/${k}.npy`, a);
await savez(`${out}/all.npz`, arrays);
await savezCompressed(`${out}/all_compressed.npz`, arrays);
await savez(`${out}/positional.npz`, [arrays.f8, arrays.b1]);
console.log(`wrote ${Object.keys(arrays).length} .npy files and 3 .npz archives to ${out}`);
