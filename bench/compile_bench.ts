/**
 * Graph building and compilation: a 1,000-node elementwise graph (build, then
 * T.function), and the gradient of a small network.
 *
 *   deno bench bench/compile_bench.ts
 */
import * as T from "../mod.ts";
import { buildElementwiseGraph } from "./common.ts";

Deno.bench({
  name: "build a 1,000-node elementwise graph",
  group: "1000 nodes",
  fn: () => void buildElementwiseGraph(1000),
});

Deno.bench({
  name: "build + T.function, 1,000-node elementwise graph",
  group: "1000 nodes",
  baseline: true,
  fn: () => {
    const { x, y } = buildElementwiseGraph(1000);
    T.function([x], y);
  },
});

Deno.bench({
  name: "grad + T.function of a two-layer network's loss",
  fn: () => {
    const x = T.dmatrix("x"), y = T.dmatrix("y");
    const w1 = T.dmatrix("w1"), w2 = T.dmatrix("w2"), b1 = T.dvector("b1");
    const h = T.tanh(T.add(T.dot(x, w1), b1));
    const loss = T.mean(T.sqr(T.sub(T.dot(h, w2), y)));
    const g = T.grad(loss, [w1, w2, b1]);
    T.function([x, y, w1, w2, b1], [loss, ...g]);
  },
});
