/**
 * Makes scan_steps.json: an RNN through scan, h_t = softsign(W·h_{t-1} + x_t) with
 * softsign(v) = v / (1 + |v|) (exact IEEE arithmetic only, so every JS runtime gives the
 * same bits), on the JS engine alone (config.wasm and config.blas off): its outputs, its
 * last state, and the gradient of sum(h) with respect to x, h0 and W, as computed by the
 * checkout in DIR. Made with the scan runner before issue 17's per-step changes:
 *
 *   git archive 4370dd7 | tar -x -C /tmp/base
 *   deno run -A backends/cpu/testdata/scan_steps_make.ts /tmp/base > backends/cpu/testdata/scan_steps.json
 * @module
 */
const dir = Deno.args[0];
const T = await import(`${dir}/mod.ts`);
T.config.wasm = false;
T.config.blas = false;
const n = 6, steps = 25;
const wave = (k: number, s: number, scale: number) =>
  Array.from({ length: k }, (_, i) => Math.round(Math.sin(i * 1.7 + s) * scale * 4096) / 4096);
const inputs = {
  x: Array.from({ length: steps }, (_, t) => wave(n, 100 + t, 1)),
  h0: wave(n, 7, 1),
  W: Array.from({ length: n }, (_, i) => wave(n, i, 0.6)),
};
const x = T.dmatrix("x"), h0 = T.dvector("h0"), W = T.dmatrix("W");
const softsign = (v: unknown) => T.div(v, T.add(1, T.abs(v)));
const [h] = T.scan({
  fn: (xt: unknown, hp: unknown, w: unknown) => softsign(T.add(T.dot(w, hp), xt)),
  sequences: x,
  outputsInfo: h0,
  nonSequences: W,
});
const f = T.function([x, h0, W], [h, h.get(-1), ...T.grad(T.sum(h), [x, h0, W])]);
const [hs, last, gx, gh0, gW] = f(inputs.x, inputs.h0, inputs.W);
const list = (a: { data: ArrayLike<number> }) => Array.from(a.data);
console.log(JSON.stringify({
  inputs,
  h: list(hs),
  last: list(last),
  gx: list(gx),
  gh0: list(gh0),
  gW: list(gW),
}));
