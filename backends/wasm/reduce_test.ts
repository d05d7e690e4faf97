import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import { config } from "../../core/config.ts";
import { seededRandom } from "../../compile/verify_grad.ts";
import { reduceOptions, reduceStats } from "./reduce.ts";

const rng = seededRandom(31);

/** sum(x, axis) compiled with the engine on and off. */
function both(dtype: "float32" | "float64", ndim: number, axis?: number | number[], keepdims = false) {
  const make = (wasm: boolean) => {
    const saved = config.wasm;
    config.wasm = wasm;
    try {
      const x = new T.TensorType(dtype, Array(ndim).fill(null)).make("x");
      return T.function([x], T.sum(x, axis, { keepdims }));
    } finally {
      config.wasm = saved;
    }
  };
  return [make(true), make(false)] as const;
}

function random(dtype: "float32" | "float64", shape: number[]): T.NDArray {
  const x = new T.NDArray(dtype, shape);
  for (let i = 0; i < x.size; i++) x.data[i] = (rng() - 0.5) * 100;
  return x;
}

/** Results agree to a few float64 roundings of the magnitudes summed (only the order differs). */
function close(got: T.NDArray, want: T.NDArray, x: T.NDArray, what: string) {
  assert.deepEqual(got.shape, want.shape, what);
  assert.equal(got.dtype, want.dtype, what);
  const scale = (x.data as Float64Array).reduce((s, v) => s + Math.abs(v), 0);
  const tol = got.dtype === "float32" ? 2 ** -23 : 1e-13;
  for (let i = 0; i < got.size; i++) {
    const [a, b] = [got.data[i], want.data[i]];
    assert.ok(Math.abs(a - b) <= tol * (Math.abs(b) + scale * 1e-3), `${what} [${i}]: ${a} vs ${b}`);
  }
}

Deno.test("wasm sum: trailing-axis and full sums agree with the JS kernel, float32 and float64, across chunks", () => {
  const chunk = reduceOptions.chunk;
  reduceOptions.chunk = 1000; // groups span chunks
  try {
    for (const dtype of ["float32", "float64"] as const) {
      const cases: [number[], number | number[] | undefined, boolean][] = [
        [[100003], undefined, false],
        [[37, 1001], 1, false],
        [[37, 1001], 1, true],
        [[5, 7, 333], [1, 2], false],
        [[5, 7, 333], undefined, true],
        [[3, 4099], -1, false],
      ];
      for (const [shape, axis, keepdims] of cases) {
        const [fast, ref] = both(dtype, shape.length, axis, keepdims);
        const x = random(dtype, shape);
        const runs = reduceStats.runs;
        close(fast(x) as T.NDArray, ref(x) as T.NDArray, x, `${dtype} (${shape}) axis ${axis}`);
        assert.equal(reduceStats.runs, runs + 1, `the engine ran ${dtype} (${shape}) axis ${axis}`);
      }
    }
  } finally {
    reduceOptions.chunk = chunk;
  }
});

Deno.test("wasm sum: NaN and infinities as the JS kernel; leading axes, short groups and ints stay in JS", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const [fast, ref] = both(dtype, 2, 1);
    const x = random(dtype, [4, 5000]);
    x.data[3] = NaN;
    x.data[5000 + 7] = Infinity;
    x.data[10000 + 9] = Infinity;
    x.data[10000 + 11] = -Infinity;
    x.data[15000 + 1] = -Infinity;
    const got = fast(x) as T.NDArray, want = ref(x) as T.NDArray;
    assert.ok(Number.isNaN(got.data[0]) && Number.isNaN(want.data[0]));
    assert.equal(got.data[1], Infinity);
    assert.ok(Number.isNaN(got.data[2]) && Number.isNaN(want.data[2]));
    assert.equal(got.data[3], -Infinity);
    // float32 overflow of the sum: accumulated in float64, rounded once, as the JS kernel.
    if (dtype === "float32") {
      const big = new T.NDArray("float32", [1, 8192], new Float32Array(8192).fill(3e38));
      assert.equal((fast(big) as T.NDArray).data[0], (ref(big) as T.NDArray).data[0]);
    }
  }
  const runs = reduceStats.runs;
  const [lead, leadRef] = both("float64", 2, 0);
  const m = random("float64", [3000, 4]);
  close(lead(m) as T.NDArray, leadRef(m) as T.NDArray, m, "axis 0");
  const [short] = both("float64", 2, 1);
  short(random("float64", [5000, 3])) as T.NDArray;
  const i = T.ivector("i");
  const fi = T.function([i], T.sum(i));
  assert.equal((fi(new Int32Array(10000).fill(2)) as T.NDArray).item(), 20000);
  assert.equal(reduceStats.runs, runs, "none of these ran on the engine");
});

Deno.test("wasm sum: a shared vector kept in the engine's memory is summed in place", () => {
  const data = random("float64", [50000]);
  const s = T.shared(data, { name: "s" });
  const f = T.function([], T.sum(s));
  const want = (data.data as Float64Array).reduce((a, v) => a + v, 0);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs((f() as T.NDArray).item() - want) <= 1e-9);
  assert.ok(s.storage.resident, "mirrored");
  s.setValue(new T.NDArray("float64", [50000], new Float64Array(50000).fill(2)));
  assert.equal((f() as T.NDArray).item(), 100000);
});

/** max or min compiled with the engine on and off. */
function extremes(kind: "max" | "min", dtype: "float32" | "float64", ndim: number, axis?: number | number[]) {
  const make = (wasm: boolean) => {
    const saved = config.wasm;
    config.wasm = wasm;
    try {
      const x = new T.TensorType(dtype, Array(ndim).fill(null)).make("x");
      return T.function([x], kind === "max" ? T.max(x, axis) : T.min(x, axis));
    } finally {
      config.wasm = saved;
    }
  };
  return [make(true), make(false)] as const;
}

Deno.test("wasm max/min: the JS kernels' results exactly (NaN, infinities, signed zeros), float32 and float64", () => {
  const chunk = reduceOptions.chunk;
  reduceOptions.chunk = 1000; // groups span chunks
  try {
    for (const dtype of ["float32", "float64"] as const) {
      for (const kind of ["max", "min"] as const) {
        for (const [shape, axis] of [[[100003], undefined], [[9, 2001], 1], [[3, 5, 777], [1, 2]]] as const) {
          const [fast, ref] = extremes(kind, dtype, shape.length, axis as number | number[] | undefined);
          const x = random(dtype, [...shape]);
          const rows = x.size / (shape.length === 1 ? x.size : shape.slice(1).reduce((a, b) => a * b, 1));
          const m = x.size / rows;
          // Row 1: a NaN late; row 2: only signed zeros (-0 first); row 3: +0 first; row 4: all -Infinity.
          if (rows > 4) {
            x.data[m + m - 5] = NaN;
            for (let j = 0; j < m; j++) x.data[2 * m + j] = j % 3 === 0 ? -0 : 0;
            for (let j = 0; j < m; j++) x.data[3 * m + j] = j % 2 === 0 ? 0 : -0;
            x.data.fill(kind === "max" ? -Infinity : Infinity, 4 * m, 5 * m);
          } else x.data[x.size - 3] = kind === "max" ? Infinity : -Infinity;
          const runs = reduceStats.runs;
          const got = fast(x) as T.NDArray, want = ref(x) as T.NDArray;
          assert.equal(reduceStats.runs, runs + 1, `the engine ran ${kind} ${dtype} (${shape})`);
          assert.deepEqual(got.shape, want.shape);
          for (let i = 0; i < got.size; i++) {
            assert.ok(
              Object.is(got.data[i], want.data[i]),
              `${kind} ${dtype} (${shape}) [${i}]: ${got.data[i]} vs ${want.data[i]}`,
            );
          }
        }
      }
    }
  } finally {
    reduceOptions.chunk = chunk;
  }
});

Deno.test("wasm max/min: an empty reduction still raises the JS kernel's ShapeError", () => {
  const [fast] = extremes("max", "float64", 2, 1);
  assert.throws(() => fast(new T.NDArray("float64", [5000, 0])), T.ShapeError);
});
