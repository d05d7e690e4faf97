/** Saving and loading models: shared variables, compiled functions' state, random streams. */
import assert from "node:assert/strict";
import * as T from "../mod.ts";
import {
  load,
  loadModel,
  type LoadModelOptions,
  loadz,
  modelFromNpz,
  modelToNpz,
  parseNpz,
  saveModel,
  toNpz,
} from "./mod.ts";
import { build } from "./testdata/resume_training.ts";

const valuesOf = (vs: T.SharedVariable[]) => vs.map((v) => Array.from(v.getValue().data));

Deno.test("saveModel() names entries by variable name, made unique, or by record key", async () => {
  const a = T.shared([1, 2], { name: "w" }),
    b = T.shared([3], { name: "w" }),
    c = T.shared(4, { dtype: "int32" });
  const z = await parseNpz(await modelToNpz({ shared: [a, b, c, a] }));
  assert.deepEqual(Object.keys(z), ["w", "w_1", "shared"]);
  assert.deepEqual(Array.from(z.w_1.data), [3]);
  assert.equal(z.shared.dtype, "int32");
  const r = await parseNpz(await modelToNpz({ shared: { first: a, second: b } }));
  assert.deepEqual(Object.keys(r), ["first", "second"]);
});

Deno.test("loadModel() restores values saved by saveModel() through a file, compressed or not", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const w = T.shared([[1, 2], [3, 4]], { name: "w", dtype: "float32" });
    const b = T.shared(0.25, { name: "b" });
    const flag = T.shared([true, false], { name: "flag", dtype: "bool" });
    const vars = [w, b, flag];
    const saved = valuesOf(vars);
    for (const compress of [false, true]) {
      await saveModel(`${tmp}/m.npz`, { shared: vars }, { compress });
      w.setValue([[0, 0], [0, 0]]);
      b.setValue(9);
      flag.setValue([false, true]);
      await loadModel(`${tmp}/m.npz`, { shared: vars });
      assert.deepEqual(valuesOf(vars), saved);
    }
    // the archive is an ordinary .npz
    const z = await loadz(`${tmp}/m.npz`);
    assert.deepEqual(z.w.toArray(), [[1, 2], [3, 4]]);
    await assert.rejects(
      () => loadModel(`${tmp}/none.npz`, { shared: vars }),
      (e: Error) => e instanceof T.InputError && e.message.includes(`${tmp}/none.npz`),
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("saveModel() with functions saves every shared variable they read or update", async () => {
  const x = T.dvector("x");
  const w = T.shared([1, 2, 3], { name: "w" }), scale = T.shared(2, { name: "scale", dtype: "float64" });
  const counter = T.shared(0, { name: "counter" });
  const f = T.function([x], T.mul(T.dot(x, w), scale), { updates: [[counter, T.add(counter, 1)]] });
  f([1, 1, 1]);
  const z = await parseNpz(await modelToNpz({ functions: [f] }));
  assert.deepEqual(Object.keys(z).sort(), ["counter", "scale", "w"]);
  assert.equal(z.counter.item(), 1);
  counter.setValue(10);
  await modelFromNpz(await modelToNpz({ functions: [f] }), { functions: [f] });
  assert.equal(counter.getValue().item(), 10);
});

Deno.test("loadModel() checks dtype, shape and names first and changes nothing on error", async () => {
  const w = T.shared([1, 2, 3], { name: "w", dtype: "float64" });
  const b = T.shared(0, { name: "b", dtype: "float64" });
  const srng = new T.MRGRandomStreams(5);
  srng.uniform([4]);
  const spec = { shared: [w, b], randomStreams: [srng] };
  const bytes = await modelToNpz(spec);
  const change = () => {
    w.setValue([7, 7, 7]);
    b.setValue(7);
    srng.seed(77);
  };
  change();
  const before = () => [...valuesOf([w, b]), JSON.stringify(srng.toJSON())];
  const snap = before();
  const fails = async (
    data: Uint8Array | Promise<Uint8Array>,
    s: Parameters<typeof modelFromNpz>[1],
    msg: string,
    options: LoadModelOptions = {},
  ) => {
    await assert.rejects(
      async () => modelFromNpz(await data, s, { name: "m.npz", ...options }),
      (e: Error) => e instanceof T.InputError && e.message.startsWith("m.npz") && e.message.includes(msg),
      msg,
    );
    assert.deepEqual(before(), snap, `state changed after: ${msg}`);
  };
  const file = await parseNpz(bytes);
  const withEntry = (k: string, a: T.NDArray | undefined) => {
    const f = { ...file };
    if (a) f[k] = a;
    else delete f[k];
    return toNpz(f);
  };
  await fails(withEntry("b", T.asarray(0, { dtype: "float32" })), spec, "entry 'b' is float32");
  await fails(
    withEntry("w", T.asarray([1, 2], { dtype: "float64" })),
    { shared: [T.shared([[1]], { name: "w", dtype: "float64" }), b], randomStreams: [srng] },
    "entry 'w' is float64 of shape (2), which shared variable \"w\" (TensorType(float64, (?, ?)))",
  );
  await fails(
    withEntry("w", T.asarray([[1, 2], [3, 4]], { dtype: "float64" })),
    {
      shared: [T.shared([[1, 2]], { name: "w", dtype: "float64", broadcastable: [true, false] }), b],
      randomStreams: [srng],
    },
    "entry 'w' is float64 of shape (2, 2), which shared variable \"w\" (TensorType(float64, (1, ?)))",
  );
  await fails(withEntry("b", undefined), spec, "missing entries: b");
  await fails(withEntry("extra", T.asarray(1)), spec, "entries no variable claims: extra");
  const badState = T.asarray(new Int32Array(file["random0.MRG31k3p.state0"].size), {
    shape: [...file["random0.MRG31k3p.state0"].shape],
  });
  await fails(withEntry("random0.MRG31k3p.state0", badState), spec, "random0.MRG31k3p");
  await fails(bytes, { shared: [w, b], randomStreams: [new T.RandomStreams(1)] }, "random0.MT19937.base");
  await fails(bytes, { shared: { w, b: w } }, "entries no variable claims: b");
  await fails(new Uint8Array(10), spec, "not a valid .npz");
  // every saved shape must be the variable's current one, declared lengths or not
  const f64 = { dtype: "float64" } as const;
  const w32 = T.shared([[1, 2, 3], [4, 5, 6]], { name: "w", ...f64 }),
    b0 = T.shared(0, { name: "b", ...f64 });
  const saved23 = toNpz({ w: T.asarray([[1, 2, 3], [4, 5, 6]], f64), b: T.asarray(1, f64) });
  w32.setValue([[9, 9], [9, 9], [9, 9]]);
  await fails(
    saved23,
    { shared: [w32, b0] },
    "entry 'w' has shape (2, 3) but shared variable \"w\" (TensorType(float64, (?, ?))) now holds shape " +
      "(3, 2); pass { allowShapeChange: true } to load it anyway; nothing was loaded",
  );
  assert.deepEqual(w32.getValue().shape, [3, 2]);
  await fails(saved23, { shared: [w32, b0] }, 'option "allowShapeChange" must be true or false, got 1', {
    allowShapeChange: 1 as unknown as boolean,
  });
  await modelFromNpz(await saved23, { shared: [w32, b0] }, { allowShapeChange: true });
  assert.deepEqual(w32.getValue().toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(b0.getValue().item(), 1);
  await assert.rejects(() => modelToNpz({ shared: [w, 3 as unknown as T.SharedVariable] }), T.InputError);
  await assert.rejects(() => modelToNpz({ shared: { "random0.x": w } }), T.InputError);
  await assert.rejects(() => modelToNpz({ functions: [{} as never] }), T.InputError);
  // without strict, extra entries are ignored and missing ones leave their variables alone
  await modelFromNpz(await withEntry("b", undefined), { shared: [w, b], randomStreams: [srng] }, {
    strict: false,
  });
  assert.deepEqual(valuesOf([w]), [[1, 2, 3]]);
  assert.equal(b.getValue().item(), 7);
});

Deno.test("loadModel() undoes random streams already restored when a later one fails", async () => {
  const mrg = new T.MRGRandomStreams(1), np = new T.RandomStreams(2);
  mrg.uniform([2]);
  np.uniform([2]);
  const file = await parseNpz(await modelToNpz({ randomStreams: [mrg, np] }));
  mrg.seed(3);
  const before = JSON.stringify(mrg.toJSON());
  file["random1.MT19937.state0"] = T.asarray(new Float64Array(627).fill(-1)); // not a valid MT state
  await assert.rejects(
    async () => modelFromNpz(await toNpz(file), { randomStreams: [mrg, np] }),
    (e: Error) => e instanceof T.InputError && e.message.includes("random1.MT19937"),
  );
  assert.equal(JSON.stringify(mrg.toJSON()), before);
});

Deno.test("loadModel() restores random streams into streams built the same way (MRG and NumPy kinds)", async () => {
  const make = (s1: number, s2: number) => {
    const mrg = new T.MRGRandomStreams(s1), np = new T.RandomStreams(s2);
    const f = T.function([], [mrg.normal([3]), np.uniform([2])]);
    return { mrg, np, draw: () => (f() as T.NDArray[]).map((a) => Array.from(a.data)) };
  };
  const a = make(10, 20), b = make(11, 21);
  a.draw();
  a.draw();
  await modelFromNpz(await modelToNpz({ randomStreams: [a.mrg, a.np] }), { randomStreams: [b.mrg, b.np] });
  const next = a.draw();
  assert.deepEqual(b.draw(), next);
  // the streams' own state came too: variables made after loading draw the same numbers
  const later = (s: { mrg: T.MRGRandomStreams; np: T.RandomStreams }) =>
    (T.function([], [s.mrg.uniform([4]), s.np.normal([2])])() as T.NDArray[]).map((x) => Array.from(x.data));
  assert.deepEqual(later(b), later(a));
  assert.notDeepEqual(make(10, 20).draw(), next); // the continuation differs from a fresh start
});

Deno.test("saveModel() after N training steps, loadModel() in a fresh process: training continues identically", async () => {
  const N = 5, M = 7;
  const full = build();
  const costs = Array.from({ length: N + M }, () => full.step());
  const expected = full.result(costs.slice(N));
  const tmp = await Deno.makeTempDir();
  const script = new URL("./testdata/resume_training.ts", import.meta.url).pathname;
  const root = new URL("..", import.meta.url).pathname;
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-write", script, ...args],
      cwd: root,
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, err);
    return JSON.parse(new TextDecoder().decode(out.stdout));
  };
  try {
    const first = await run("save", String(N), `${tmp}/model.npz`);
    assert.deepEqual(first.costs, costs.slice(0, N));
    const resumed = await run("resume", String(M), `${tmp}/model.npz`);
    assert.deepEqual(resumed, expected); // bitwise: JSON round-trips doubles exactly
    assert.notDeepEqual(resumed.costs, costs.slice(0, M)); // it did not start over
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("saveModel, loadModel and the io functions refuse unknown options and model keys, naming the fix", async () => {
  const w = T.shared([1, 2], { name: "w" });
  const path = await Deno.makeTempFile({ suffix: ".npz" });
  try {
    const cases: [() => Promise<unknown> | unknown, RegExp][] = [
      [
        () => saveModel(path, { shared: [w] }, { compressed: true } as never),
        /unknown option "compressed"; did you mean "compress"\?/,
      ],
      [() => saveModel(path, { variables: [w] } as never), /the model: unknown option "variables"/],
      [() => saveModel(path, { shared: [w], random_streams: [] } as never), /did you mean "randomStreams"\?/],
      [
        () => loadModel(path, { shared: [w] }, { allow_shape_change: true } as never),
        /did you mean "allowShapeChange"\?/,
      ],
      [
        () => loadModel(path, { shared: [w] }, { strict: "yes" } as never),
        /option "strict" must be true or false, got "yes"/,
      ],
      [() => load(path, { max_bytes: 10 } as never), /did you mean "maxBytes"\?/],
      [() => loadz(path, { allowLossyInt: true } as never), /did you mean "allowLossyInt64"\?/],
      [
        () => toNpz({ w: w.getValue() }, { compression: true } as never),
        /unknown option "compression"; did you mean "compress"\?/,
      ],
    ];
    for (const [call, message] of cases) {
      await assert.rejects(
        async () => await call(),
        (e: Error) => e instanceof T.InputError && message.test(e.message),
      );
    }
    assert.equal((await Deno.stat(path)).size, 0); // nothing was written
    assert.deepEqual(w.getValue().toArray(), [1, 2]);
  } finally {
    await Deno.remove(path);
  }
});
