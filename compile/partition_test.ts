import assert from "node:assert/strict";
import { partition } from "./partition.ts";
import { buildHostProgram } from "./schedule.ts";
import type { DeviceEngine, DeviceStep, HostSegment, Partition } from "../backends/device_engine.ts";
import { exp, log } from "../ops/exp_log.ts";
import { add, neg } from "../ops/arith.ts";
import { dvector } from "../ops/constructors.ts";
import { asarray } from "../core/ndarray.ts";
import { constant } from "../core/constant.ts";

/** A toy device engine that runs `neg` nodes only (a second device engine, as a new one would be). */
const negOnly: DeviceEngine<{ kind: "neg" }> = {
  device: "webgpu",
  choose: (nodes) =>
    nodes.map((n) => n.op.name === "neg" ? { unit: { kind: "neg" } } : { host: `${n.op.name}: not neg` }),
};

const hostSegments = <U extends { kind: string }>(p: Partition<U>) =>
  p.steps.filter((s): s is HostSegment => s.kind === "host");

Deno.test("partition: consecutive host nodes form one segment; its inputs and outputs are the crossing values", () => {
  const x = dvector("x");
  const y = neg(log(exp(x))); // exp, log on the host, then neg on the device
  const p = partition([x], [y], negOnly, buildHostProgram);
  assert.deepEqual(p.steps.map((s) => s.kind), ["host", "neg"]);
  const [seg] = hostSegments(p);
  assert.equal(seg.nodes.length, 2);
  assert.deepEqual(seg.ins, [p.slots.get(x)]);
  // Only log's output leaves the segment: exp's is read inside it only.
  assert.deepEqual(seg.outs, [p.slots.get(y.owner!.inputs[0])]);
  const [v] = seg.program.run([asarray([1, 2])]);
  assert.deepEqual(Array.from(v.data).map((a) => Math.round(a * 1e12) / 1e12), [1, 2]);
  assert.deepEqual(p.placement.map((q) => [q.device, q.reason ?? ""]), [
    ["cpu", "exp: not neg"],
    ["cpu", "log: not neg"],
    ["webgpu", ""],
  ]);
});

Deno.test("partition: a value dies after its last reader, and outputs never die", () => {
  const x = dvector("x");
  const a = neg(x), b = neg(a), c = add(a, b); // neg, neg on the device; add on the host
  const p = partition([x], [c, b], negOnly, buildHostProgram);
  assert.deepEqual(p.steps.map((s) => s.kind), ["neg", "neg", "host"]);
  const sa = p.slots.get(a)!, sb = p.slots.get(b)!, sx = p.slots.get(x)!;
  const [first, second, last] = p.steps;
  assert.deepEqual(first.dying, [sx]);
  assert.deepEqual(second.dying, []);
  assert.deepEqual(last.dying, [sa]); // b is an output: kept
  assert(!p.steps.some((s) => s.dying.includes(sb)));
  assert.deepEqual(p.outSlots, [p.slots.get(c), sb]);
});

Deno.test("partition: `prepare` rewrites the outputs first, and `place` partitions subgraphs the same way", () => {
  const x = dvector("x");
  let inner: Partition<{ kind: "neg" }> | undefined, placing = false;
  const engine: DeviceEngine<{ kind: "neg" }> = {
    device: "webgpu",
    prepare: (outputs) => outputs.map((o) => neg(neg(o))),
    choose(nodes, _outputs, place) {
      if (!placing) {
        placing = true; // the subgraph's own choose call must not place it again
        inner = place([x], [neg(exp(x))]);
      }
      return negOnly.choose(nodes, _outputs, place);
    },
  };
  const p = partition([x], [exp(x)], engine, buildHostProgram);
  assert.deepEqual(p.steps.map((s) => s.kind), ["host", "neg", "neg"]);
  // The subgraph is prepared too: neg(exp(x)) became neg(neg(neg(exp(x)))).
  assert.deepEqual(inner!.steps.map((s) => s.kind), ["host", "neg", "neg", "neg"]);
  const device = p.steps.filter((s): s is DeviceStep<{ kind: "neg" }> => s.kind === "neg");
  assert.deepEqual(device.map((s) => s.node.op.name), ["neg", "neg"]);
});

Deno.test("partition: a constant a device step reads has a slot and its value; one a host segment reads is its own", () => {
  const x = dvector("x");
  const c = constant([1, 2], { dtype: "float64" });
  const y = add(neg(c), exp(add(x, 2)));
  const p = partition([x], [y], negOnly, buildHostProgram);
  assert.deepEqual([...p.constants.values()], [c]);
  assert.equal(p.constants.get(p.slots.get(c)!), c);
  for (const seg of hostSegments(p)) assert(!seg.ins.includes(p.slots.get(c)!));
  assert.equal(p.nSlots, p.slots.size);
});
