/**
 * Every op of the core issue under device "webgpu" agrees with the CPU backend, and so
 * do the gradients autodiff builds for representative costs. Elementwise ops are covered
 * op by op in ops_test.ts; here every other op exported by ops/ is found by importing
 * the modules (a new op fails this test until it has a case), built into a small float32
 * graph through the public functions, compiled for both devices and compared. Ops with a
 * GPU kernel must run on the GPU; ops without one (shape metadata) run on the host.
 *
 * Tolerance: layout ops, max/min/argmax/all/any, arange/eye and subtensor updates equal;
 * sums, means, products, softmax family, matrix products and gradients within
 * 2e-5 · (1 + |result|) (float32 trees and products of at most 64 terms, the CPU
 * accumulating in float64).
 */
import assert from "node:assert/strict";
import * as T from "../../mod.ts";
import type { Op } from "../../core/graph.ts";
import { agreeOnGpu, quietly, randomF32, randomInt, rnn } from "./kernel_test_util.ts";
import { requireAdapter } from "./test_util.ts";
import { webgpuTable } from "./table.ts";
import { gradUndefined } from "../../ops/grad_undefined.ts";

await requireAdapter();

const exact = () => 0;
const close = (_i: number, c: number) => 2e-5 * (1 + Math.abs(c));

interface Case {
  vars: T.Variable[];
  outs: T.Variable[];
  values: T.NDArray[];
  tol: (i: number, c: number) => number;
}

const m34 = () => randomF32([3, 4], 1, 2), m45 = () => randomF32([4, 5], 2, 2);

/** One small graph per non-elementwise op name. */
const CASES: Record<string, () => Case> = {
  alloc: () => {
    const v = T.fvector("v"), n = T.iscalar("n");
    return {
      vars: [v, n],
      outs: [T.alloc(v, n, 4)],
      values: [randomF32([4], 3), T.asarray(3, { dtype: "int32" })],
      tol: exact,
    };
  },
  arange: () => {
    const n = T.iscalar("n");
    return {
      vars: [n],
      outs: [T.arange(1, n, 2, "int32")],
      values: [T.asarray(9, { dtype: "int32" })],
      tol: exact,
    };
  },
  eye: () => {
    const n = T.iscalar("n");
    return {
      vars: [n],
      outs: [T.eye(n, 4, -1, "float32")],
      values: [T.asarray(3, { dtype: "int32" })],
      tol: exact,
    };
  },
  batched_dot: () => {
    const a = T.ftensor3("a"), b = T.ftensor3("b");
    return {
      vars: [a, b],
      outs: [T.batchedDot(a, b)],
      values: [randomF32([2, 3, 4], 4), randomF32([2, 4, 5], 5)],
      tol: close,
    };
  },
  dimshuffle: () => {
    const x = T.fmatrix("x");
    return { vars: [x], outs: [T.dimshuffle(x, 1, "x", 0)], values: [m34()], tol: exact };
  },
  dot: () => {
    const a = T.fmatrix("a"), b = T.fmatrix("b"), v = T.fvector("v");
    return {
      vars: [a, b, v],
      outs: [T.dot(a, b), T.dot(a, v)],
      values: [m34(), m45(), randomF32([4], 6)],
      tol: close,
    };
  },
  outer: () => {
    const u = T.fvector("u"), v = T.fvector("v");
    return {
      vars: [u, v],
      outs: [T.outer(u, v)],
      values: [randomF32([3], 7), randomF32([5], 8)],
      tol: close,
    };
  },
  concatenate: () => {
    const a = T.fmatrix("a"), b = T.fmatrix("b");
    return {
      vars: [a, b],
      outs: [T.concatenate([a, b], 1), T.stack([a, a])],
      values: [m34(), randomF32([3, 2], 9)],
      tol: exact,
    };
  },
  sum: () => red((x) => [T.sum(x, 1), T.sum(x)], close),
  mean: () => red((x) => [T.mean(x, 0), T.var(x, 1), T.std(x)], close),
  prod: () => red((x) => [T.prod(x, 1)], close),
  prod_others: () => red((x) => [T.grad(T.sum(T.prod(x, 0)), x)], close),
  max: () => red((x) => [T.max(x, 1)], exact),
  min: () => red((x) => [T.min(x, 0)], exact),
  argmax: () => red((x) => [T.argmax(x, 1)], exact),
  argmin: () => red((x) => [T.argmin(x, 0)], exact),
  all: () => red((x) => [T.all(T.gt(x, -1), 1)], exact),
  any: () => red((x) => [T.any(T.gt(x, 1), 0)], exact),
  reduced_count: () => red((x) => [T.grad(T.sum(T.mean(x, 1)), x)], close),
  reshape: () => {
    const x = T.fmatrix("x");
    return { vars: [x], outs: [T.reshape(x, [2, 6]), T.flatten(x)], values: [m34()], tol: exact };
  },
  shape: () => {
    const x = T.fmatrix("x");
    return { vars: [x], outs: [T.cast(T.shapeOf(x), "int32")], values: [m34()], tol: exact };
  },
  shape_i: () => {
    const x = T.fmatrix("x");
    return { vars: [x], outs: [T.zeros([T.get(T.shapeOf(x), 1)], "float32")], values: [m34()], tol: exact };
  },
  softmax: () => red((x) => [T.softmax(x)], close),
  log_softmax: () => red((x) => [T.logSoftmax(x)], close),
  logsumexp: () => red((x) => [T.logsumexp(x, 1)], close),
  softmax_grad: () => red((x) => [T.grad(T.sum(T.mul(T.softmax(x), x)), x)], close),
  subtensor: () => red((x) => [T.slice(x, [1, null], [null, null, -2]), T.get(x, -1, 2)], exact),
  inc_subtensor: () =>
    red((x) => [T.incSubtensor(T.slice(x, [0, 2]), 1.5), T.setSubtensor(T.get(x, 1), 0)], exact),
  tensordot: () => {
    const a = T.ftensor3("a"), b = T.fmatrix("b");
    return {
      vars: [a, b],
      outs: [T.tensordot(a, b, [[2, 1], [0, 1]])],
      values: [randomF32([2, 3, 4], 10), randomF32([4, 3], 12)],
      tol: close,
    };
  },
  scan: () => {
    const x = T.fvector("x"), z = T.fscalar("z");
    const [cum] = T.scan({
      fn: (xt: T.Variable, acc: T.Variable) => T.add(acc, xt),
      sequences: x,
      outputsInfo: z,
    });
    return {
      vars: [x, z],
      outs: [cum as T.Variable],
      values: [randomF32([6], 11), T.asarray(1, { dtype: "float32" })],
      tol: exact,
    };
  },
  // Issue 16, extra_ops and advanced indexing (h-index).
  cumsum: () => red((x) => [T.cumsum(x, 1), T.cumsum(x, 0), T.cumsum(x)], close),
  cumprod: () => red((x) => [T.cumprod(x, 0), T.cumprod(x, -1)], close),
  linear_recurrence: () => red((x) => [T.grad(T.sum(T.cumprod(x, 1)), x)], close),
  advanced_subtensor: () =>
    red((x) => [T.get(x, [2, 0, 2]), T.slice(x, null, T.constant([3, 1])), T.get(x, x.gt(0))], exact),
  advanced_inc_subtensor: () =>
    red(
      (x) => [T.incSubtensor(T.get(x, [0, 0]), 1), T.setSubtensor(T.slice(x, null, T.constant([1])), 2)],
      exact,
    ),
  fill_diagonal: () => red((x) => [T.fillDiagonal(x, 0), T.fillDiagonalOffset(x, 5, 1)], exact),
  bincount: () => ints((i) => [T.bincount(i, { minlength: 4 })]),
  searchsorted: () => red((x) => [T.searchsorted(T.constant(new Float32Array([-1, 0, 1])), x)], exact),
  unique: () => red((x) => [...T.unique(x.mul(2).round(), { returnCounts: true })], exact),
  unravel_index: () => ints((i) => T.unravelIndex(i, [3, 4])),
  ravel_multi_index: () => ints((i) => [T.ravelMultiIndex([i, i.sub(1)], [3, 4], { mode: "clip" })]),
  bartlett: () => {
    const n = T.lscalar("n");
    return { vars: [n], outs: [T.bartlett(n)], values: [T.asarray(7, { dtype: "int64" })], tol: exact };
  },
  squeeze: () => {
    const x = T.fmatrix("x");
    return { vars: [x], outs: [T.squeeze(x, 0)], values: [randomF32([1, 4], 12)], tol: exact };
  },
  // Issue 16, shape and array ops (h-array).
  rebroadcast: () => {
    const x = T.fmatrix("x");
    return { vars: [x], outs: [T.addbroadcast(x, 0).mul(2)], values: [randomF32([1, 4], 13)], tol: exact };
  },
  take: () => {
    const x = T.fmatrix("x"), i = T.imatrix("i");
    return {
      vars: [x, i],
      outs: [T.take(x, i, { axis: 1, mode: "wrap" }), T.take(x, i, { axis: 0, mode: "clip" })],
      values: [m34(), randomInt("int32", [2, 5], 14, -6, 6)],
      tol: exact,
    };
  },
  take_grad: () => red((x) => [T.grad(T.sum(T.sqr(T.take(x, T.constant([2, 0, 2]), 1))), x)], close),
  sort: () => red((x) => [T.sort(x, 1), T.sort(x, null)], exact),
  argsort: () => red((x) => [T.argsort(x, 0)], exact),
  permute_along: () => red((x) => [T.grad(T.sum(T.mul(T.sort(x), T.constant([[1, 2, 3, 4]]))), x)], close),
  repeat_index: () => {
    const x = T.fvector("x"), c = T.ivector("c");
    return {
      vars: [x, c],
      outs: [T.repeat(x, c)],
      values: [randomF32([4], 15), T.asarray([2, 0, 1, 3], { dtype: "int32" })],
      tol: exact,
    };
  },
  choose_check: () => {
    const i = T.imatrix("i"), a = T.fmatrix("a"), b = T.fmatrix("b");
    return {
      vars: [i, a, b],
      outs: [T.choose(i, [a, b])],
      values: [randomInt("int32", [3, 4], 16, 0, 1), m34(), m34()],
      tol: exact,
    };
  },
  nonzero: () => red((x) => [T.nonzero(T.gt(x, 0), { returnMatrix: true }), T.nonzeroValues(x)], exact),
  check_aligned: () => {
    const a = new T.TensorType("float32", [2, 3, 4]).make("a"),
      b = new T.TensorType("float32", [2, 4, 5]).make("b");
    return {
      vars: [a, b],
      outs: [T.batchedTensordot(a, b, [[2], [1]])],
      values: [randomF32([2, 3, 4], 17), randomF32([2, 4, 5], 18)],
      tol: close,
    };
  },
  // Issue 16, fft (h-linalg): host ops, in a host segment.
  rfft: () => red((x) => [T.rfft(x), T.rfft(x, { norm: "ortho" })], close),
  irfft: () =>
    red((x) => [T.irfft(T.rfft(x)), T.grad(T.sum(T.sqr(T.irfft(T.reshape(x, [3, 2, 2])))), x)], close),
};

/** The gradient helpers: identities in the forward pass that the optimiser removes. */
const identity = (h: (x: T.Variable) => T.Variable) => () => {
  const x = T.fvector("x");
  return { vars: [x], outs: [T.mul(h(x), 2)], values: [randomF32([5], 13)], tol: exact };
};
Object.assign(CASES, {
  zero_grad: identity(T.zeroGrad),
  consider_constant: identity(T.considerConstant),
  disconnected_grad: identity(T.disconnectedGrad),
  undefined_grad: identity(T.undefinedGrad),
  grad_clip: identity((x) => T.gradClip(x, -1, 1)),
  grad_scale: identity((x) => T.gradScale(x, 3)),
  permute_row_elements: () => {
    const x = T.fmatrix("x"), perm = T.lvector("p");
    return {
      vars: [x, perm],
      outs: [T.permuteRowElements(x, perm)],
      values: [m34(), T.asarray([2, 0, 3, 1], { dtype: "int64" })],
      tol: exact,
    };
  },
  Print: () => {
    const x = T.fvector("x");
    return {
      vars: [x],
      outs: [T.mul(T.Print("all_ops_test")(x), 2)],
      values: [randomF32([3], 14)],
      tol: exact,
    };
  },
});
/** Ops the optimiser removes from every compiled graph (their cases check the values only). */
const REMOVED = new Set([
  "zero_grad",
  "consider_constant",
  "disconnected_grad",
  "undefined_grad",
  "grad_clip",
  "grad_scale",
]);

/** A case on one int64 vector of small non-negative integers. */
function ints(build: (i: T.Variable) => T.Variable[]): Case {
  const i = T.lvector("i");
  return { vars: [i], outs: build(i), values: [T.asarray([0, 2, 2, 1, 0], { dtype: "int64" })], tol: exact };
}
// Issue 16: integer labels are checked on the host, inside a graph that otherwise runs on the GPU.
CASES.check_labels = () => {
  const x = T.fmatrix("x"), y = T.ivector("y");
  return {
    vars: [x, y],
    outs: [T.categoricalCrossentropy(T.softmax(x), y)],
    values: [m34(), T.asarray([0, 3, 1], { dtype: "int32" })],
    tol: close,
  };
};

/** A reduction-like case on one (3, 4) float32 matrix. */
function red(build: (x: T.Variable) => T.Variable[], tol: Case["tol"]): Case {
  const x = T.fmatrix("x");
  return { vars: [x], outs: build(x), values: [m34()], tol };
}

/** Op names of every non-elementwise op exported by ops/ (fused is the compiler's). */
async function discover(): Promise<Map<string, Op>> {
  const dir = new URL("../../ops/", import.meta.url), found = new Map<string, Op>();
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
    n.endsWith(".ts") && !n.endsWith("_test.ts")
  );
  for (const file of files.sort()) {
    for (const v of Object.values(await import(new URL(file, dir).href))) {
      const op = v as Op;
      if (
        op && typeof op === "object" && typeof op.make === "function" && !op.scalar && op.name !== "fused"
      ) {
        found.set(op.name, op);
      }
    }
  }
  return found;
}

Deno.test("every non-elementwise op of ops/ runs under device webgpu and agrees with the CPU", async () => {
  const ops = await discover();
  const missing = [...ops.keys()].filter((n) => !CASES[n] && n !== "grad_undefined");
  assert.deepEqual(missing, [], `ops without a case here: ${missing.join(", ")}`);
  const saved = T.config.floatX;
  T.config.floatX = "float32";
  try {
    for (const [name, op] of ops) {
      if (name === "grad_undefined") {
        // It stands for a missing gradient and refuses to run on every device (ops/grad_undefined.ts).
        const x = T.fvector("x"), y = gradUndefined(x, "no gradient here");
        const gpu = quietly(() => T.function([x], y, { device: "webgpu" }));
        await assert.rejects(() => gpu(T.asarray([1], { dtype: "float32" })), /no gradient here/);
        continue;
      }
      const c = CASES[name]();
      await agreeOnGpu(c.vars, c.outs, c.values, c.tol, { what: name, allowCpu: true });
      const f = quietly(() => T.function(c.vars, c.outs, { device: "webgpu" }));
      const nodes = f.placement.filter((p) => p.node.op.name === name);
      if (REMOVED.has(name)) {
        assert.equal(nodes.length, 0, `${name}: the optimiser should have removed it`);
        continue;
      }
      assert.ok(nodes.length > 0, `${name}: the case's optimised graph has no ${name} node`);
      const onCpu = f.placement.filter((p) => p.device === "cpu");
      if (webgpuTable.get(op)?.template || name === "scan") {
        assert.deepEqual(onCpu.map((p) => `${p.label}: ${p.reason}`), [], `${name}: nodes on the CPU`);
      }
    }
  } finally {
    T.config.floatX = saved;
  }
});

/** Gradients of `cost` with respect to `wrt` on both devices, compared. */
async function gradsAgree(
  what: string,
  vars: T.Variable[],
  cost: T.Variable,
  wrt: T.Variable[],
  values: T.NDArray[],
) {
  const gs = T.grad(cost, wrt);
  await agreeOnGpu(vars, [cost, ...gs], values, close, { what });
}

Deno.test("gradients under device webgpu agree with the CPU: logistic regression, softmax cross-entropy, an RNN", async () => {
  const saved = T.config.floatX;
  T.config.floatX = "float32";
  try {
    {
      const x = T.fmatrix("x"), y = T.fvector("y"), w = T.fvector("w"), b = T.fscalar("b");
      const p = T.sigmoid(T.add(T.dot(x, w), b));
      const xent = T.sub(T.mul(T.neg(y), T.log(p)), T.mul(T.sub(1, y), T.log(T.sub(1, p))));
      const cost = T.add(T.mean(xent), T.mul(0.01, T.sum(T.sqr(w))));
      const labels = T.asarray(
        Float32Array.from(randomInt("int32", [16], 3, 0, 1).data as ArrayLike<number>),
      );
      await gradsAgree("logistic regression", [x, y, w, b], cost, [w, b], [
        randomF32([16, 8], 1),
        labels,
        randomF32([8], 2, 0.5),
        T.asarray(0.1, { dtype: "float32" }),
      ]);
    }
    {
      const x = T.fmatrix("x"), w = T.fmatrix("w"), t = T.fmatrix("t");
      const cost = T.neg(T.mean(T.sum(T.mul(t, T.logSoftmax(T.dot(x, w))), 1)));
      const onehot = new T.NDArray("float32", [6, 4]);
      for (let i = 0; i < 6; i++) onehot.data[i * 4 + (i % 4)] = 1;
      await gradsAgree("softmax cross-entropy", [x, w, t], cost, [w], [
        randomF32([6, 5], 4),
        randomF32([5, 4], 5),
        onehot,
      ]);
    }
    {
      const { x, h0, w, hs } = rnn();
      const cost = T.sum(T.sqr(T.get(hs, -1)));
      await gradsAgree("rnn", [x, h0, w], cost, [w, h0], [
        randomF32([7, 6], 6),
        randomF32([6], 7),
        randomF32([6, 6], 8, 0.5),
      ]);
    }
  } finally {
    T.config.floatX = saved;
  }
});
