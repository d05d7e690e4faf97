/**
 * The T.nnet functions (graphs of elementwise ops, reductions, softmax and, for integer
 * labels, the host check of check_labels) under device "webgpu" agree with the CPU, values
 * and gradients, in float32. Tolerance 2e-5 · (1 + |result|), as all_ops_test.ts's.
 */
import * as T from "../../mod.ts";
import { agreeOnGpu, randomF32 } from "./kernel_test_util.ts";
import { requireAdapter } from "./test_util.ts";

await requireAdapter();

const close = (_i: number, c: number) => 2e-5 * (1 + Math.abs(c));

Deno.test("webgpu: activations agree with the CPU (relu, leaky relu, elu, selu, softsign, hard and ultra-fast sigmoid)", async () => {
  const x = T.fvector("x");
  const outs = [
    T.relu(x),
    T.relu(x, 0.1),
    T.elu(x),
    T.selu(x),
    T.softsign(x),
    T.hardSigmoid(x),
    T.ultraFastSigmoid(x),
  ];
  await agreeOnGpu([x], outs, [randomF32([64], 6, 11)], close, { what: "activations" });
});

Deno.test("webgpu: cross-entropies and their gradients agree with the CPU (labels checked on the host)", async () => {
  const z = T.fmatrix("z"), y = T.ivector("y"), t = T.fmatrix("t");
  const cce = T.mean(T.categoricalCrossentropy(T.softmax(z), y));
  const bce = T.mean(T.binaryCrossentropy(T.sigmoid(z), t));
  const sbce = T.mean(T.sigmoidBinaryCrossentropy(z, t));
  const outs = [cce, bce, sbce, T.grad(cce, z), T.grad(bce, z), T.grad(sbce, z)];
  const tv = T.asarray(randomF32([3, 4], 1, 5).data.map((v) => Math.abs(v) % 1), { dtype: "float32" })
    .reshape([3, 4]);
  await agreeOnGpu(
    [z, y, t],
    outs,
    [randomF32([3, 4], 4, 2), T.asarray([0, 3, 1], { dtype: "int32" }), tv],
    close,
    {
      what: "cross-entropies",
      allowCpu: true,
    },
  );
});

Deno.test("webgpu: batch normalisation (train with running averages, test) and its gradient agree with the CPU", async () => {
  const x = T.fmatrix("x"), g = T.frow("g"), b = T.frow("b"), rm = T.frow("rm"), rv = T.frow("rv");
  const [out, mean, invstd, m2, v2] = T.batchNormalizationTrain(x, g, b, { runningMean: rm, runningVar: rv });
  const test = T.batchNormalizationTest(x, g, b, rm, rv);
  const outs = [out, mean, invstd, m2, v2, test, T.grad(T.sum(T.sqr(out)), g)];
  const row = (s: number) => randomF32([1, 4], 1, s);
  await agreeOnGpu(
    [x, g, b, rm, rv],
    outs,
    [randomF32([6, 4], 3, 4), row(5), row(6), row(7), T.asarray([[1, 2, 0.5, 3]], { dtype: "float32" })],
    close,
    {
      what: "batch normalisation",
      allowCpu: true,
    },
  );
});
