import assert from "node:assert/strict";
import * as T from "../mod.ts";
import ref from "./testdata/extra_ops_ref.json" with { type: "json" };

interface Enc {
  shape: number[];
  data: (number | string | boolean)[];
  dtype: string;
}

/** A NumPy array from the reference file (NaN and infinities are strings there). */
function dec(e: Enc): T.NDArray {
  const dtype = e.dtype === "bool" ? "bool" : e.dtype.startsWith("float") ? "float64" : e.dtype as T.DType;
  const vals = e.data.map((v) => (typeof v === "string" ? Number(v) : Number(v)));
  const a = new T.NDArray(dtype, e.shape);
  a.data.set(vals);
  return a;
}

/** Same shape, dtype and values (NaN equal to NaN, -0 equal to 0). */
function same(actual: T.NDArray, expected: T.NDArray, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assert.deepEqual(
    [...actual.data].map((v) => (v === 0 ? 0 : v)),
    [...expected.data].map((v) => (v === 0 ? 0 : v)),
    what,
  );
}

const typeOf = (a: T.NDArray, name = "x") => new T.TensorType(a.dtype, a.shape.map(() => null)).make(name);

Deno.test("cumsum and cumprod match NumPy over every axis, flattened, for ints (int64 result), NaN, inf and empty arrays", () => {
  for (const c of ref.cum) {
    const x = dec(c.x as Enc), v = typeOf(x);
    const y = (c.op === "cumsum" ? T.cumsum : T.cumprod)(v, c.axis);
    same(T.function([v], y)(x) as T.NDArray, dec(c.r as Enc), `${c.op} axis ${c.axis} of (${x.shape})`);
  }
  assert.equal(T.dvector("v").cumsum().ndim, 1);
  assert.throws(() => T.cumsum(T.dmatrix("m"), 2), /axis 2 is out of range/);
});

Deno.test("cumsum and cumprod gradients, tangents and second derivatives (verifyGrad), exact where an element is 0", () => {
  const m = [[0.5, -1.2, 2], [1.5, 0.7, -0.3]];
  for (const axis of [null, 0, 1, -1]) {
    T.verifyGrad((a) => T.cumsum(a, axis), [m]);
    T.verifyGrad((a) => T.cumprod(a, axis), [m]);
  }
  T.verifyGrad((a) => T.cumprod(a, 1), [[[0.5, 0, 2, 1.5], [0, 0, 3, -1]]]);
  const x = T.dvector("x");
  const g = T.function([x], T.grad(T.cumprod(x).sum(), x))([2, 0, 3]) as T.NDArray;
  assert.deepEqual([...g.data], [1, 8, 0]);
  // Tangents: cumsum's is the cumulative sum of the tangent; cumprod's is exact at zeros too.
  const t = T.dvector("t");
  const r = T.function([x, t], T.Rop(T.cumsum(x), x, t))([1, 2, 3], [1, 0, 2]) as T.NDArray;
  assert.deepEqual([...r.data], [1, 1, 3]);
  const rp = T.function([x, t], T.Rop(T.cumprod(x), x, t))([2, 0, 3], [1, 1, 1]) as T.NDArray;
  assert.deepEqual([...rp.data], [1, 2, 6]); // d(x0), d(x0 x1) = x1 + x0, d(x0 x1 x2) = x0 x2 at x1 = 0
  // Second derivatives (through the linear recurrence), checked numerically, zeros included.
  T.verifyGrad((a) => T.grad(T.cumprod(a, 1).sqr().sum(), a), [[[0.5, 0, 2], [1.5, 0.7, -0.3]]]);
  T.verifyGrad((a) => T.grad(T.cumprod(a).sum(), a), [[0.9, -1.1, 0, 1.3]]);
  const h = T.function([x], T.hessian(T.cumprod(x).sum(), x))([2, 0, 3]) as T.NDArray;
  // f = x0 + x0 x1 + x0 x1 x2: the Hessian at (2, 0, 3) is [[0, 1 + x2, x1], [1 + x2, 0, x0], [x1, x0, 0]].
  assert.deepEqual([...h.data], [0, 4, 0, 4, 0, 2, 0, 2, 0]);
});

Deno.test("diff matches NumPy (orders, axes, bools) and has the gradient of its slices", () => {
  for (const c of ref.diff) {
    const x = dec(c.x as Enc), v = typeOf(x);
    same(
      T.function([v], T.diff(v, c.n, c.axis))(x) as T.NDArray,
      dec(c.r as Enc),
      `diff n=${c.n} axis=${c.axis}`,
    );
  }
  T.verifyGrad((a) => T.diff(a, 2, 0).sqr(), [[[1, 2], [4, -1], [0.5, 3], [2, 2]]]);
  assert.throws(() => T.diff(T.dscalar("s")), /at least one dimension/);
  assert.throws(() => T.diff(T.dvector("v"), -1), /non-negative/);
});

Deno.test("bincount matches NumPy; weights give float64 sums and have a gradient; negatives are refused", () => {
  for (const c of ref.bincount) {
    const x = dec(c.x as Enc), v = typeOf(x), inputs = [v], vals = [x];
    const opts: T.BincountOptions = {};
    if (c.w) {
      const w = dec(c.w as Enc), wv = typeOf(w, "w");
      inputs.push(wv);
      vals.push(w);
      opts.weights = wv;
    }
    if (c.minlength) opts.minlength = c.minlength;
    same(
      T.function(inputs, T.bincount(v, opts))(...vals) as T.NDArray,
      dec(c.r as Enc),
      `bincount ${JSON.stringify(c.x.data)}`,
    );
  }
  const idx = T.constant([0, 2, 2, 5]);
  T.verifyGrad((w) => T.bincount(idx, { weights: w }).sqr(), [[0.5, 1, -2, 3]]);
  const x = T.lvector("x");
  const f = T.function([x], T.bincount(x));
  assert.throws(
    () => f([1, -2]),
    (e: Error) => e instanceof T.InputError && /negative value -2 at position 1/.test(e.message),
  );
  assert.throws(() => T.bincount(T.dvector("d")), /vector of integers/);
  assert.throws(() => T.bincount(x, { minLength: 2 } as T.BincountOptions), /minlength/);
  const g = T.function([x], T.bincount(x, { weights: T.constant([1, 2]) }));
  assert.throws(() => g([1, 2, 3]), /same length/);
});

Deno.test("searchsorted matches NumPy (sides, NaN last, sorter, empty) and checks its side option", () => {
  for (const c of ref.searchsorted) {
    const a = dec(c.a as Enc), v = dec(c.v as Enc), av = typeOf(a, "a"), vv = typeOf(v, "v");
    const opts: T.SearchsortedOptions = { side: c.side as "left" | "right" };
    if (c.sorter) opts.sorter = T.constant(dec(c.sorter as Enc));
    same(
      T.function([av, vv], T.searchsorted(av, vv, opts))(a, v) as T.NDArray,
      dec(c.r as Enc),
      `searchsorted ${c.side}`,
    );
  }
  const a = T.dvector("a");
  assert.equal(a.searchsorted(T.dscalar("s")).ndim, 0);
  assert.throws(() => T.searchsorted(a, 1, { side: "middle" as "left" }), /side/);
  assert.throws(() => T.searchsorted(T.dmatrix("m"), 1), /must be a vector/);
  const f = T.function([a], T.searchsorted(a, 1, { sorter: T.constant([0, 5]) }));
  assert.throws(() => f([1, 2]), /sorter index 5 at position 1 is out of bounds/);
});

Deno.test("unique matches NumPy with its index, inverse (in the input's shape) and counts", () => {
  for (const c of ref.unique) {
    const x = dec(c.x as Enc), v = typeOf(x);
    const outs = T.unique(v, { returnIndex: true, returnInverse: true, returnCounts: true });
    const [vals, index, inverse, counts] = T.function([v], outs)(x) as T.NDArray[];
    same(vals, dec(c.values as Enc), "unique values");
    same(index, dec(c.index as Enc), "unique index");
    same(inverse, dec(c.inverse as Enc), "unique inverse");
    same(counts, dec(c.counts as Enc), "unique counts");
    const only = T.unique(v);
    same(T.function([v], only)(x) as T.NDArray, dec(c.values as Enc), "unique alone");
  }
  const [u, counts] = T.unique(T.lvector("l"), { returnCounts: true });
  assert(u.ndim === 1 && counts.dtype === "int64");
  assert.throws(() => T.unique(T.lvector("l"), { return_counts: true } as T.UniqueOptions), /returnCounts/);
});

Deno.test("unravelIndex and ravelMultiIndex match NumPy (orders, modes) and refuse out-of-range values", () => {
  for (const c of ref.unravel) {
    const i = dec(c.i as Enc), v = typeOf(i, "i");
    const outs = T.function([v], T.unravelIndex(v, c.dims, c.order as "C" | "F"))(i) as T.NDArray[];
    c.r.forEach((r, d) => same(outs[d], dec(r as Enc), `unravel ${c.order} axis ${d}`));
  }
  for (const c of ref.ravel) {
    const ms = c.mi.map((m) => dec(m as Enc)), vs = ms.map((m, k) => typeOf(m, `m${k}`));
    const mode = (Array.isArray(c.mode) ? c.mode : c.mode) as T.RavelMode | T.RavelMode[];
    const y = T.ravelMultiIndex(vs, c.dims, { mode, order: c.order as "C" | "F" });
    same(T.function(vs, y)(...ms) as T.NDArray, dec(c.r as Enc), `ravel ${c.mode} ${c.order}`);
  }
  const i = T.lvector("i");
  assert.throws(
    () => T.function([i], T.unravelIndex(i, [2, 3]))([6]),
    /index 6 .* out of bounds for an array of size 6/,
  );
  const r = T.lvector("r"), c = T.lvector("c");
  const f = T.function([r, c], T.ravelMultiIndex([r, c], [2, 3]));
  assert.throws(() => f([0, 2], [0, 0]), /invalid entry 2 .* dimension of length 2/);
  assert.throws(() => T.ravelMultiIndex([r, c], [2, 3], { mode: "bend" as T.RavelMode }), /mode/);
  assert.throws(() => T.ravelMultiIndex([r], [2, 3]), /1 coordinate arrays given for 2 dimensions/);
  assert.throws(() => T.unravelIndex(T.dvector("d"), [2]), /must hold integers/);
});

Deno.test("bartlett matches NumPy's values bit for bit, for constant and symbolic lengths", () => {
  const m = T.lscalar("m");
  const f = T.function([m], T.bartlett(m));
  for (const c of ref.bartlett) {
    same(f(c.M) as T.NDArray, dec(c.r as Enc), `bartlett(${c.M})`);
    same(T.function([], T.bartlett(c.M))() as T.NDArray, dec(c.r as Enc), `bartlett(${c.M}) constant`);
  }
  assert.throws(() => T.bartlett(T.dscalar("x")), T.HypatiaTypeError);
});

Deno.test("fillDiagonal and fillDiagonalOffset match NumPy; gradients for both inputs", () => {
  for (const c of ref.fill_diagonal) {
    const a = dec(c.a as Enc), v = typeOf(a, "a");
    const y = c.offset === 0 ? T.fillDiagonal(v, -7) : T.fillDiagonalOffset(v, -7, c.offset);
    same(T.function([v], y)(a) as T.NDArray, dec(c.r as Enc), `fillDiagonal (${a.shape}) offset ${c.offset}`);
  }
  const m = [[1, 2, 3], [4, 5, 6]];
  T.verifyGrad((a, s) => T.fillDiagonal(a, s).sqr(), [m, 0.7]);
  T.verifyGrad((a, s) => T.fillDiagonalOffset(a, s, 1).sqr(), [m, 0.7]);
  T.verifyGrad((a, s) => T.fillDiagonalOffset(a, s, -1).mul(a), [m, -1.5]);
  T.verifyGrad((a, s) => T.fillDiagonal(a, s.mul(s)).sqr(), [[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], 0.3]);
  assert.throws(() => T.fillDiagonal(T.dvector("v"), 1), /at least 2 dimensions/);
  assert.throws(() => T.fillDiagonalOffset(T.dtensor3("t"), 1, 1), /must be a matrix/);
  assert.throws(() => T.fillDiagonal(T.imatrix("i"), T.dscalar("d")), /without losing precision/);
  assert.throws(() => T.fillDiagonal(T.dmatrix("d"), T.dvector("v")), /must be a scalar/);
  const t = T.dtensor3("t");
  assert.throws(
    () => T.function([t], T.fillDiagonal(t, 0))(new T.NDArray("float64", [2, 3, 2])),
    /same length/,
  );
});

Deno.test("compress matches NumPy (short conditions, numbers as conditions, flattened) with a gradient", () => {
  for (const c of ref.compress) {
    const x = dec(c.x as Enc), v = typeOf(x);
    same(
      T.function([v], T.compress(c.cond, v, c.axis))(x) as T.NDArray,
      dec(c.r as Enc),
      `compress ${c.cond} ${c.axis}`,
    );
  }
  const cond = T.bvector("c");
  const x = T.dmatrix("x");
  const f = T.function([cond, x], x.compress(cond.neq(0), 1));
  assert.deepEqual([...(f([1, 0], [[1, 2, 3]]) as T.NDArray).data], [1]);
  assert.throws(() => f([1, 0, 0, 1], [[1, 2, 3]]), /boolean index did not match/);
  T.verifyGrad((a) => T.compress([true, false, true], a, 0).sqr(), [[[1, 2], [3, 4], [5, 6]]]);
  assert.throws(
    () => T.compress([true, false, true, true], new T.TensorType("float64", [3]).make("s")),
    /longer/,
  );
});

Deno.test("toOneHot matches NumPy's eye(n)[y] (negative labels count from the end) and refuses labels out of range", () => {
  const y = T.lvector("y"), c = ref.one_hot;
  const f = T.function([y], T.toOneHot(y, c.n));
  same(f(dec(c.y as Enc)) as T.NDArray, dec(c.r as Enc), "toOneHot");
  assert.equal(T.toOneHot(y, 3, "float32").dtype, "float32");
  assert.throws(() => f([0, 3]), /index 3 is out of bounds for axis 1 with size 3/);
  assert.throws(() => T.toOneHot(T.dvector("d"), 3), /integer vector/);
});

Deno.test("squeeze drops length-1 axes, checks named axes (at build or run time) and has a gradient", () => {
  const x = new T.TensorType("float64", [1, null, 1]).make("x");
  assert.deepEqual(x.squeeze().staticShape, [null]);
  assert.deepEqual(T.squeeze(x, [0, -1]).staticShape, [null]);
  assert.throws(() => T.squeeze(new T.TensorType("float64", [2, 3]).make("y"), 0), /its length is 2, not 1/);
  const m = T.dmatrix("m");
  const f = T.function([m], T.squeeze(m, 1));
  assert.deepEqual([...(f([[1], [2]]) as T.NDArray).data], [1, 2]);
  assert.throws(
    () => f([[1, 2]]),
    (e: Error) => e instanceof T.ShapeError && /axis 1 .* its length is 2/.test(e.message),
  );
  assert.throws(() => T.squeeze(m, 2), /out of range/);
  T.verifyGrad((a) => T.squeeze(a, 0).sqr(), [[[1, 2, 3]]]);
  T.verifyGrad((a) => T.squeeze(a, 1).sqr(), [[[1], [2], [3]]]);
});

Deno.test("extra_ops are reachable as T.extra_ops.* too, as in Theano", () => {
  assert.equal(T.extra_ops.cumsum, T.cumsum);
  assert.equal(T.extra_ops.fillDiagonalOffset, T.fillDiagonalOffset);
  assert.equal(T.extra_ops.ravelMultiIndex, T.ravelMultiIndex);
});
