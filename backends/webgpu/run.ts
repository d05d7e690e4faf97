/**
 * Running a WebGPU schedule once: values move between the host and the device only
 * where a unit needs them elsewhere, every GPU pass is recorded into the call's one
 * encoder, and nothing waits for the GPU unless a value is read back.
 *
 * A program keeps, per device, what outlives calls: device copies of its constants, and
 * per pass a uniform buffer (rewritten only when its words change) and a few bind
 * groups (keyed by the buffers bound). A call never awaits between writing such a
 * buffer and submitting the commands that read it (pipelines not yet compiled are
 * awaited only after submitting what is recorded), so calls that overlap cannot see
 * each other's uniforms.
 * @module
 */
import { DeviceError, HypatiaError } from "../../core/errors.ts";
import { NDArray, stridesOf } from "../../core/ndarray.ts";
import type { Constant } from "../../core/graph.ts";
import { type GpuContext, type GpuStore, laneBytes, pipelineFor, UNIFORM_USAGE } from "./device.ts";
import { bufferId, type DevValue, type WebGpuCall } from "./call.ts";
import type { GpuBuffer, GpuComputePipeline } from "./gpu_types.ts";
import { type BindRef, checkPlan, type InputLayout, type KernelRunInfo } from "./kernel_template.ts";
import type { GpuUnit, Schedule, ShapeUnit, ViewUnit } from "./placement.ts";
import type { DeviceStep, HostSegment } from "../device_engine.ts";
import { runScanUnit } from "./scan_gpu.ts";

/** Per pass of a unit: its uniform buffer and words, and recent bind groups. */
interface PassCache {
  uniform?: GpuBuffer;
  words?: Uint32Array;
  /** The call and submit count when the uniform was last bound (a scan binds it every step). */
  usedBy?: WebGpuCall;
  usedAt?: number;
  groups: Map<string, unknown>;
}

/** What a program keeps on one device between calls. */
export class DeviceCaches {
  readonly ctx: GpuContext;
  readonly constants = new Map<number, GpuStore>();
  readonly passes = new Map<DeviceStep<GpuUnit>, PassCache[]>();
  /** Caches of inner schedules (scan bodies), by their unit. */
  readonly inner = new Map<object, DeviceCaches>();

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
  }

  /** Bind groups and uniform buffers held now (tests check that they stay bounded). */
  get size(): number {
    let n = this.constants.size;
    for (const list of this.passes.values()) for (const p of list) n += p.groups.size + (p.uniform ? 1 : 0);
    for (const c of this.inner.values()) n += c.size;
    return n;
  }

  /** The caches of an inner schedule (a scan body run on the GPU). */
  innerFor(key: object): DeviceCaches {
    let c = this.inner.get(key);
    if (!c) this.inner.set(key, c = new DeviceCaches(this.ctx));
    return c;
  }

  /** Give every buffer back to the pool. */
  release(): void {
    for (const s of this.constants.values()) s.release();
    this.constants.clear();
    for (const list of this.passes.values()) {
      for (const p of list) if (p.uniform && !this.ctx.lost) this.ctx.pool.give(p.uniform);
    }
    this.passes.clear();
    for (const c of this.inner.values()) c.release();
    this.inner.clear();
  }
}

const MAX_GROUPS_PER_PASS = 8;
const sourceIds = new Map<string, number>();
const sourceId = (s: string) => {
  let id = sourceIds.get(s);
  if (id === undefined) sourceIds.set(s, id = sourceIds.size + 1);
  return id;
};

/** The host view of a value whose data are not needed: only its shape is read (shape ops). */
function shapeOnly(dtype: NDArray["dtype"], shape: readonly number[]): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return Object.assign(Object.create(NDArray.prototype), { dtype, shape, data: { length: n } });
}

const layoutOf = (v: DevValue): InputLayout => v.layout ?? { strides: stridesOf(v.shape), offset: 0 };

/** Values a root takes: a host array, or a device value the run holds one hold of. */
export type RootValue = NDArray | DevValue;

/**
 * One run of a schedule on a call. After `execute`, `host` and `dev` hold the outputs'
 * values; `cleanup` lets go of every device value still held.
 */
export class ScheduleRun {
  readonly host: (NDArray | undefined)[];
  readonly dev: (DevValue | undefined)[];
  readonly #s: Schedule;
  readonly #call: WebGpuCall;
  readonly #caches: DeviceCaches;
  /** Called when a root slot's host value is uploaded (a shared variable becomes resident). */
  readonly #onUpload: (slot: number, v: DevValue) => void;

  constructor(
    s: Schedule,
    call: WebGpuCall,
    caches: DeviceCaches,
    roots: readonly (readonly [number, RootValue])[],
    onUpload: (slot: number, v: DevValue) => void = () => {},
  ) {
    this.#s = s;
    this.#call = call;
    this.#caches = caches;
    this.#onUpload = onUpload;
    this.host = new Array(s.nSlots);
    this.dev = new Array(s.nSlots);
    for (const [slot, c] of s.constants) this.host[slot] = (c as Constant).value;
    for (const [slot, v] of roots) {
      if (v instanceof NDArray) this.host[slot] = v;
      else this.dev[slot] = v;
    }
  }

  /** The call this run records into. */
  get call(): WebGpuCall {
    return this.#call;
  }
  /** The program's caches on this device. */
  get caches(): DeviceCaches {
    return this.#caches;
  }

  shapeOf(s: number): readonly number[] {
    return (this.host[s] ?? this.dev[s])!.shape;
  }

  /** The device value of a slot, uploading its host value if needed. */
  devOf(s: number): DevValue {
    const have = this.dev[s];
    if (have) return have;
    const h = this.host[s];
    if (!h) throw new HypatiaError(`internal: WebGPU slot ${s} has no value`);
    const constant = this.#s.constants.get(s);
    let v: DevValue;
    if (constant) {
      let store = this.#caches.constants.get(s);
      if (!store) {
        const up = this.#call.upload(h);
        store = up.store;
        this.#caches.constants.set(s, store);
      }
      v = { store: store.retain(), dtype: h.dtype, shape: h.shape };
    } else {
      v = this.#call.upload(h);
      this.#onUpload(s, v);
    }
    return this.dev[s] = v;
  }

  /** Make sure the slots have host values, reading device values back in one go. */
  async ensureHost(slots: readonly number[]): Promise<void> {
    const missing = [...new Set(slots.filter((s) => !this.host[s]))];
    if (!missing.length) return;
    const got = await this.#call.download(missing.map((s) => this.dev[s]!));
    missing.forEach((s, k) => (this.host[s] = got[k]));
  }

  /** Run every step. */
  async execute(): Promise<void> {
    for (const u of this.#s.steps) {
      try {
        if (u.kind === "gpu") await this.#gpu(u);
        else if (u.kind === "view") this.#view(u);
        else if (u.kind === "shape") this.#shape(u);
        else if (u.kind === "scan") {
          await runScanUnit(
            this,
            u,
            (roots) => new ScheduleRun(u.inner, this.#call, this.#caches.innerFor(u), roots),
          );
        } else await this.#cpu(u);
      } catch (e) {
        throw contextualize(e, u.kind === "host" ? undefined : u.node.where());
      }
      for (const s of u.dying) {
        const d = this.dev[s];
        if (d) this.#call.drop(d.store);
        this.dev[s] = undefined;
        if (!this.#s.constants.has(s)) this.host[s] = undefined;
      }
    }
  }

  /** Let go of every device value still held (after the outputs took their own holds). */
  cleanup(): void {
    for (let s = 0; s < this.dev.length; s++) {
      const d = this.dev[s];
      if (d) this.#call.drop(d.store);
      this.dev[s] = undefined;
    }
  }

  #view(u: DeviceStep<ViewUnit>): void {
    const x = this.devOf(u.ins[0]), lay = layoutOf(x);
    const shape = u.pattern.map((p) => (p === "x" ? 1 : x.shape[p]));
    const strides = u.pattern.map((p) => (p === "x" ? 0 : lay.strides[p]));
    this.dev[u.outs[0]] = {
      store: x.store.retain(),
      dtype: u.node.outputs[0].dtype,
      shape,
      layout: { strides, offset: lay.offset },
    };
  }

  #shape(u: DeviceStep<ShapeUnit>): void {
    const ins = u.ins.map((s, i) => this.host[s] ?? shapeOnly(u.node.inputs[i].dtype, this.shapeOf(s)));
    const outs = u.node.op.perform!(ins, u.node.params, u.node);
    u.outs.forEach((s, k) => (this.host[s] = outs[k]));
  }

  async #cpu(u: HostSegment): Promise<void> {
    await this.ensureHost(u.ins);
    const outs = u.program.run(u.ins.map((s) => this.host[s]!));
    u.outs.forEach((s, k) => (this.host[s] = outs[k]));
  }

  async #gpu(u: DeviceStep<GpuUnit>): Promise<void> {
    const ctx = this.#call.ctx;
    if (u.hostIns.length) await this.ensureHost(u.hostIns.map((i) => u.ins[i]));
    const scalars: (number | undefined)[] = u.ins.map(() => undefined);
    const hostData: (ArrayLike<number> | undefined)[] = u.ins.map(() => undefined);
    for (const i of u.hostIns) {
      hostData[i] = this.host[u.ins[i]]!.data;
      scalars[i] = hostData[i]![0];
    }
    const layouts: (InputLayout | undefined)[] = u.ins.map(() => undefined);
    for (const i of u.devIns) {
      const v = this.dev[u.ins[i]];
      if (v?.layout && !u.strided.has(i)) {
        throw new HypatiaError(`internal: a strided view reached input ${i}`);
      }
      // Inputs inlined as literals (one-element constants) are never uploaded.
      layouts[i] = v ? layoutOf(v) : { strides: stridesOf(this.shapeOf(u.ins[i])), offset: 0 };
    }
    const limits = ctx.device.limits;
    const run: KernelRunInfo = {
      ...u.info,
      shapes: u.ins.map((s) => this.shapeOf(s)),
      scalars,
      hostData,
      layouts,
      limits: {
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension ?? 65535,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize ?? 16384,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup ?? 256,
      },
      where: u.node.where(),
    };
    const plan = u.plan(run);
    const bad = checkPlan(plan, u.ins.length, u.outs.length);
    if (bad) {
      throw new HypatiaError(`internal: the WebGPU kernel of ${u.node.where()} made a bad plan: ${bad}`);
    }
    const pipelines: GpuComputePipeline[] = [];
    for (const p of plan.passes) {
      let pipe = ctx.ready.get(p.wgsl);
      if (!pipe) {
        this.#call.submit(); // nothing recorded may wait across an await (see the module note)
        pipe = await pipelineFor(ctx, p.wgsl, `the ${p.label ?? u.node.op.name} kernel of ${u.node.where()}`);
      }
      pipelines.push(pipe);
    }
    const outs: DevValue[] = plan.outputs.map((shape, k) => {
      const dtype = u.node.outputs[k].dtype, view = plan.views?.[k];
      if (view !== undefined) {
        const src = this.devOf(u.ins[view]);
        if (src.layout) throw new HypatiaError(`internal: a view of a strided view in ${u.node.where()}`);
        return { store: src.store.retain(), dtype, shape };
      }
      return { store: this.#call.alloc(shape.reduce((a, b) => a * b, 1)), dtype, shape };
    });
    const scratch = (plan.scratch ?? []).map((n) => this.#call.alloc(n));
    let caches = this.#caches.passes.get(u);
    if (!caches) this.#caches.passes.set(u, caches = []);
    plan.passes.forEach((p, k) => {
      const cache = caches![k] ??= { groups: new Map() };
      const buffers = p.bind.map((r: BindRef) => {
        const i = Number(r.slice(r[0] === "t" ? 3 : r[0] === "i" ? 2 : 3));
        if (r[0] === "i") return this.devOf(u.ins[i]).store.buffer;
        if (r[0] === "o") return outs[i].store.buffer;
        return scratch[i].buffer;
      });
      if (p.uniforms) buffers.push(this.#uniform(cache, p.uniforms));
      const key = `${sourceId(p.wgsl)}|${buffers.map(bufferId).join(",")}`;
      let group = cache.groups.get(key);
      if (!group) {
        group = ctx.device.createBindGroup({
          layout: pipelines[k].getBindGroupLayout(0),
          entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
        });
        if (cache.groups.size >= MAX_GROUPS_PER_PASS) cache.groups.delete(cache.groups.keys().next().value!);
        cache.groups.set(key, group);
      }
      this.#call.dispatch(pipelines[k], group, p.workgroups);
    });
    for (const s of scratch) this.#call.drop(s);
    u.outs.forEach((s, k) => (this.dev[s] = outs[k]));
  }

  /** The pass's uniform buffer holding `words` (written only when they change). */
  #uniform(cache: PassCache, words: readonly number[]): GpuBuffer {
    const ctx = this.#call.ctx;
    const n = Math.max(4, Math.ceil(words.length / 4) * 4);
    const same = cache.words && cache.words.length === n &&
      words.every((w, i) => cache.words![i] === w >>> 0);
    if (same) {
      cache.usedBy = this.#call;
      cache.usedAt = this.#call.submits;
      return cache.uniform!;
    }
    // Commands recorded but not submitted read the old words (a scan's earlier step): a
    // queue write would overtake them, so submit them first.
    if (cache.usedBy === this.#call && cache.usedAt === this.#call.submits) this.#call.submit();
    const data = new Uint32Array(n);
    words.forEach((w, i) => (data[i] = w >>> 0));
    if (!cache.uniform || cache.uniform.size < laneBytes(n)) {
      if (cache.uniform) ctx.pool.give(cache.uniform);
      cache.uniform = ctx.pool.take(laneBytes(n), UNIFORM_USAGE);
    }
    ctx.device.queue.writeBuffer(cache.uniform, 0, data);
    cache.words = data;
    cache.usedBy = this.#call;
    cache.usedAt = this.#call.submits;
    return cache.uniform;
  }
}

/** Give an error from a node the node's name and the user's line. */
function contextualize(e: unknown, where: string | undefined): Error {
  if (e instanceof HypatiaError) {
    if (where && !e.message.includes(where)) e.message += ` [node ${where}]`;
    return e;
  }
  const err = e instanceof Error && /device/i.test(e.message)
    ? new DeviceError(`${where ?? "WebGPU"}: ${e.message}`)
    : new HypatiaError(`${where ?? "a CPU segment"} on WebGPU failed: ${(e as Error)?.message ?? e}`);
  (err as { cause?: unknown }).cause = e;
  return err;
}
