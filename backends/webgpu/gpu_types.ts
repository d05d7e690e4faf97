/**
 * The small part of the WebGPU API this backend uses, typed structurally. Deno ships
 * the full WebGPU types but Bun and plain TypeScript do not, and the library must
 * type-check everywhere it runs; a fake `navigator.gpu` in tests fits these too.
 * The numeric flags are WebGPU's own values (GPUBufferUsage, GPUMapMode), so nothing
 * here reads a global that a runtime without WebGPU lacks.
 * @module
 */

/** GPUBufferUsage flags. */
export const USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** GPUMapMode.READ. */
export const MAP_READ = 0x0001;

/** `navigator.gpu`. */
export interface Gpu {
  requestAdapter(
    options?: { powerPreference?: "low-power" | "high-performance" },
  ): Promise<GpuAdapter | null>;
}

/** Adapter information (`isFallbackAdapter` moved here from the adapter in newer specs). */
export interface GpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** A GPUAdapter. */
export interface GpuAdapter {
  readonly info?: GpuAdapterInfo;
  readonly isFallbackAdapter?: boolean;
  readonly limits: Readonly<Record<string, number>>;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}

/** A GPUBuffer. */
export interface GpuBuffer {
  readonly size: number;
  readonly usage: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

/** A compiled compute pipeline. */
export interface GpuComputePipeline {
  getBindGroupLayout(index: number): unknown;
}

/** A compute pass encoder. */
export interface GpuComputePass {
  setPipeline(pipeline: GpuComputePipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

/** A command encoder. */
export interface GpuCommandEncoder {
  beginComputePass(descriptor?: { label?: string }): GpuComputePass;
  copyBufferToBuffer(
    src: GpuBuffer,
    srcOffset: number,
    dst: GpuBuffer,
    dstOffset: number,
    size: number,
  ): void;
  clearBuffer(buffer: GpuBuffer, offset?: number, size?: number): void;
  finish(): unknown;
}

/** The device queue. */
export interface GpuQueue {
  submit(commandBuffers: unknown[]): void;
  writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView): void;
}

/** A shader module's compilation messages. */
export interface GpuCompilationInfo {
  readonly messages: readonly { type: string; message: string; lineNum: number; linePos: number }[];
}

/** A GPUDevice. */
export interface GpuDevice {
  readonly queue: GpuQueue;
  readonly limits: Readonly<Record<string, number>>;
  readonly lost: Promise<{ reason?: string; message: string }>;
  createBuffer(descriptor: { size: number; usage: number; label?: string }): GpuBuffer;
  createShaderModule(descriptor: { code: string; label?: string }): {
    getCompilationInfo?(): Promise<GpuCompilationInfo>;
  };
  createComputePipelineAsync(descriptor: {
    layout: "auto";
    compute: { module: unknown; entryPoint: string };
    label?: string;
  }): Promise<GpuComputePipeline>;
  createBindGroup(descriptor: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[];
  }): unknown;
  createCommandEncoder(descriptor?: { label?: string }): GpuCommandEncoder;
  pushErrorScope(filter: "validation" | "out-of-memory" | "internal"): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}
