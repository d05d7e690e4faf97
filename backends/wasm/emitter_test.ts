import assert from "node:assert/strict";
import { type Code, F32, F64, I32, I64, INSTRUCTIONS, ModuleBuilder, sleb, uleb, V128 } from "./emitter.ts";
import { hasRelaxedSimd, hasSimd } from "./features.ts";

/** Instantiate a module with one exported function "f" and a fresh memory; returns f and the memory. */
function run(params: number[], results: number[], body: (c: Code) => void) {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const mb = new ModuleBuilder().importMemory({ module: "env", name: "mem", initial: 1 });
  mb.func(params, results, body, "f");
  const bytes = mb.build();
  assert.ok(WebAssembly.validate(bytes), "module validates");
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem } });
  return { f: inst.exports.f as (...a: unknown[]) => unknown, mem };
}

Deno.test("emitter: LEB128 encodings match the specification's examples", () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]); // the example of the LEB128 article
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-64), [0x40]);
  assert.deepEqual(sleb(-65), [0xbf, 0x7f]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(2n ** 63n - 1n), [...new Array(8).fill(0xff), 0xff, 0x00]);
});

Deno.test("emitter: opcodes of a sample of instructions match the specification", () => {
  const opcode = (name: string) => {
    const mb = new ModuleBuilder();
    let bytes: number[] = [];
    mb.func([], [], (c) => {
      c.op(name);
      bytes = c.bytes.slice();
    });
    return bytes;
  };
  const expected: Record<string, number[]> = {
    "i32.eqz": [0x45],
    "i64.eqz": [0x50],
    "f32.eq": [0x5b],
    "f64.ge": [0x66],
    "i32.add": [0x6a],
    "i64.shr_u": [0x88],
    "f32.sqrt": [0x91],
    "f64.copysign": [0xa6],
    "i32.wrap_i64": [0xa7],
    "f64.promote_f32": [0xbb],
    "f64.reinterpret_i64": [0xbf],
    "f32x4.splat": [0xfd, 0x13],
    "v128.bitselect": [0xfd, 0x52],
    "f32x4.nearest": [0xfd, 0x6a],
    "f64x2.nearest": [0xfd, 0x94, 0x01],
    "i32x4.add": [0xfd, 0xae, 0x01],
    "i64x2.shl": [0xfd, 0xcb, 0x01],
    "f32x4.add": [0xfd, 0xe4, 0x01],
    "f64x2.div": [0xfd, 0xf3, 0x01],
    "f64x2.convert_low_i32x4_u": [0xfd, 0xff, 0x01],
    "f32x4.relaxed_madd": [0xfd, 0x85, 0x02],
  };
  for (const [name, bytes] of Object.entries(expected)) assert.deepEqual(opcode(name), bytes, name);
  assert.ok(INSTRUCTIONS.length > 200);
  assert.throws(() => opcode("f32x4.frobnicate"), /unknown instruction/);
});

Deno.test("emitter: integer arithmetic, locals, loops and branches compute as written", () => {
  // sum of i*i for i < n, with a block/loop/br_if
  const { f } = run([I32], [I32], (c) => {
    const i = c.local(I32), s = c.local(I32);
    c.block(() =>
      c.loop(() => {
        c.get(i).get(0).op("i32.ge_s").brIf(1);
        c.get(s).get(i).get(i).op("i32.mul", "i32.add").set(s);
        c.get(i).i32(1).op("i32.add").set(i);
        c.br(0);
      })
    );
    c.get(s);
  });
  for (const n of [0, 1, 5, 100]) {
    let s = 0;
    for (let i = 0; i < n; i++) s += i * i;
    assert.equal(f(n), s);
  }
  // if/else with a result, i64 constants and conversions
  const { f: g } = run([I32], [I64], (c) => {
    c.get(0).if(() => c.i64(-(2n ** 40n)), () => c.i64(123456789012345n), I64);
  });
  assert.equal(g(1), -(2n ** 40n));
  assert.equal(g(0), 123456789012345n);
});

Deno.test("emitter: float constants, memory loads and stores with offsets", () => {
  const { f, mem } = run([I32], [F64], (c) => {
    c.get(0).f64(Math.PI).mem("f64.store", 8);
    c.get(0).f32(1.5).mem("f32.store", 16);
    c.get(0).mem("f64.load", 8).get(0).mem("f32.load", 16).op("f64.promote_f32", "f64.mul");
  });
  assert.equal(f(64), Math.PI * 1.5);
  assert.equal(new Float64Array(mem.buffer)[9], Math.PI);
  assert.equal(new Float32Array(mem.buffer)[20], 1.5);
});

Deno.test("emitter: calls between functions and exports by name", () => {
  const mb = new ModuleBuilder();
  const sq = mb.func([F64], [F64], (c) => c.get(0).get(0).op("f64.mul"));
  mb.func([F64, F64], [F64], (c) => c.get(0).call(sq).get(1).call(sq).op("f64.add", "f64.sqrt"), "hypot");
  const inst = new WebAssembly.Instance(new WebAssembly.Module(mb.build()));
  assert.equal((inst.exports.hypot as (a: number, b: number) => number)(3, 4), 5);
});

Deno.test("emitter: SIMD lanes, constants, shuffles and comparisons", () => {
  assert.ok(hasSimd(), "this runtime has WebAssembly SIMD");
  const { f, mem } = run([I32], [], (c) => {
    const v = c.local(V128);
    c.get(0).mem("v128.load").f32x4(2).op("f32x4.mul").set(v);
    c.get(0).get(v).mem("v128.store", 16); // x * 2
    c.get(0).get(v).get(v).shuffle([12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3]).mem(
      "v128.store",
      32,
    ); // reversed
    c.get(0).get(v).f32x4(4).op("f32x4.lt").mem("v128.store", 48); // mask x*2 < 4
    c.get(0).get(0).mem("v128.load").lane("f32x4.extract_lane", 3).mem("f32.store", 64);
  });
  const x = new Float32Array(mem.buffer, 0, 20);
  x.set([1, 2, 3, -0.5]);
  f(0);
  assert.deepEqual([...x.subarray(4, 8)], [2, 4, 6, -1]);
  assert.deepEqual([...x.subarray(8, 12)], [-1, 6, 4, 2]);
  assert.deepEqual([...new Int32Array(mem.buffer, 48, 4)], [-1, 0, 0, -1]);
  assert.equal(x[16], -0.5);
  // f64x2 and integer vectors
  const { f: g, mem: m2 } = run([I32], [], (c) => {
    c.get(0).get(0).mem("v128.load").f64x2(0.25).op("f64x2.add").mem("v128.store", 16);
    c.get(0).i32x4(7).i32x4(-3).op("i32x4.mul").mem("v128.store", 32);
    c.get(0).i64x2(1n << 40n).i32(3).op("i64x2.shl").mem("v128.store", 48);
  });
  const d = new Float64Array(m2.buffer, 0, 8);
  d.set([1, -2]);
  g(0);
  assert.deepEqual([...d.subarray(2, 4)], [1.25, -1.75]);
  assert.deepEqual([...new Int32Array(m2.buffer, 32, 4)], [-21, -21, -21, -21]);
  assert.deepEqual([...new BigInt64Array(m2.buffer, 48, 2)], [1n << 43n, 1n << 43n]);
});

Deno.test("emitter: relaxed fused multiply-add where the runtime has it", () => {
  if (!hasRelaxedSimd()) {
    assert.equal(hasRelaxedSimd(), false); // detection answered; nothing else to run
    return;
  }
  const { f } = run([F32, F32, F32], [F32], (c) => {
    c.get(0).op("f32x4.splat").get(1).op("f32x4.splat").get(2).op("f32x4.splat", "f32x4.relaxed_madd");
    c.lane("f32x4.extract_lane", 1);
  });
  assert.equal(f(3, 7, 11), 32);
});

Deno.test("emitter: shared memory imports validate and instantiate", () => {
  const mb = new ModuleBuilder().importMemory({
    module: "env",
    name: "mem",
    initial: 1,
    maximum: 4,
    shared: true,
  });
  mb.func([], [I32], (c) => c.i32(0).mem("i32.load"), "f");
  const mem = new WebAssembly.Memory(
    { initial: 1, maximum: 4, shared: true } as WebAssembly.MemoryDescriptor,
  );
  new Int32Array(mem.buffer)[0] = 42;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(mb.build()), { env: { mem } });
  assert.equal((inst.exports.f as () => number)(), 42);
  // Type checking is the engine's: a wrong stack is rejected by validation.
  const bad = new ModuleBuilder();
  bad.func([], [F64], (c) => c.i32(1));
  assert.equal(WebAssembly.validate(bad.build()), false);
});
