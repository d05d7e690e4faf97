/**
 * The system's BLAS, opened through the runtime's foreign-function interface: Deno's
 * `Deno.dlopen` or Bun's `bun:ffi` (Node has none, and runs the next engine). The
 * library is `HYPATIA_BLAS` (a path or a name the system loader finds; `none`, `off`
 * or `0` turns the engine off), else the first of the usual names that opens: Debian's
 * OpenBLAS (`libopenblas.so.0`), the BLAS alternative (`libblas.so.3`), Homebrew's
 * OpenBLAS and Apple's Accelerate on macOS, `libopenblas.dll` on Windows. It is opened
 * only where FFI is already permitted: the permission is queried, never asked for.
 *
 * The functions take typed arrays (ordinary or views of WebAssembly memory, shared or
 * not): both runtimes pass the address of the view's first element. The LAPACK routines
 * the library bundles (OpenBLAS does; Debian's has the Fortran entry points, not
 * LAPACKE) are opened too when all are present (lapack.ts calls them).
 * @module
 */
import { readEnv } from "../../core/config.ts";
import type { FloatArray } from "../kernel.ts";

/** CBLAS's row-major layout and transpose flags. */
const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

/**
 * C (m × n, row stride `ldc`) = A·B, where A is m × k and B is k × n, each row-major with
 * row stride `lda`/`ldb`, or given as its transpose's row-major storage when `ta`/`tb`.
 * Arrays of the same float dtype; nothing is checked here (kernels.ts does it).
 */
export type Gemm = (
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  lda: number,
  b: FloatArray,
  ldb: number,
  c: FloatArray,
  ldc: number,
) => void;

/** y = A·x (or Aᵀ·x when `t`) for a row-major m × n A with row stride `lda`, x and y contiguous. */
export type Gemv = (
  t: boolean,
  m: number,
  n: number,
  a: FloatArray,
  lda: number,
  x: FloatArray,
  y: FloatArray,
) => void;

/** A += x·yᵀ for a row-major m × n A (row stride n), x of m and y of n elements, contiguous. */
export type Ger = (m: number, n: number, x: FloatArray, y: FloatArray, a: FloatArray) => void;

/**
 * A LAPACK routine in the Fortran calling convention: every argument by address (typed
 * arrays; integers and characters as one-element Int32Array/Uint8Array), followed by the
 * hidden lengths of its character arguments (numbers). lapack.ts gives them types.
 */
export type FortranRoutine = (...args: (FloatArray | Int32Array | Uint8Array | number)[]) => void;

/** The LAPACK routines the engine calls, in one float dtype (`d…_` or `s…_`), and CBLAS's TRSM. */
export interface LapackRoutines {
  readonly getrf: FortranRoutine;
  readonly getri: FortranRoutine;
  readonly getrs: FortranRoutine;
  readonly potrf: FortranRoutine;
  readonly syevd: FortranRoutine;
  readonly gesdd: FortranRoutine;
  readonly gelqf: FortranRoutine;
  readonly orglq: FortranRoutine;
  /** cblas_?trsm: (layout, side, uplo, trans, diag, m, n, alpha, a, lda, b, ldb). */
  readonly trsm: (...args: (number | FloatArray)[]) => void;
}

/** An opened BLAS: GEMM, GEMV and (when present) GER in both float dtypes, and what was opened. */
export interface Blas {
  /** The path or name that opened. */
  readonly library: string;
  /** The library's own description (OpenBLAS's `openblas_get_config`), when it has one. */
  readonly build: string | undefined;
  readonly sgemm: Gemm;
  readonly dgemm: Gemm;
  readonly sgemv: Gemv;
  readonly dgemv: Gemv;
  /** The rank-1 updates (cblas_?ger); undefined when the library lacks them. */
  readonly sger: Ger | undefined;
  readonly dger: Ger | undefined;
  /**
   * The library's LAPACK (OpenBLAS bundles it), per dtype; undefined when it lacks one of
   * the routines (a plain BLAS): the factorisations then run the next engine.
   */
  readonly lapack: { readonly float64: LapackRoutines; readonly float32: LapackRoutines } | undefined;
}

/** Whether the BLAS engine is available, and why or why not. */
export interface BlasStatus {
  /** The opened library, or undefined when the engine is off. */
  readonly blas: Blas | undefined;
  /** One line: the library opened, or why none was. */
  readonly reason: string;
}

/** The values of `HYPATIA_BLAS` that turn the engine off. */
export const BLAS_OFF: readonly string[] = ["none", "off", "0", "false"];

/** The names tried, in order, when `HYPATIA_BLAS` is not set. */
export function defaultCandidates(os: string): string[] {
  if (os === "darwin") {
    return [
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
      "libopenblas.dylib",
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
    ];
  }
  if (os === "windows" || os === "win32") return ["libopenblas.dll", "openblas.dll"];
  return [
    "libopenblas.so.0",
    "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
    "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
    "libopenblas.so",
    "libblas.so.3",
  ];
}

// The C signatures, in the two runtimes' words.
const GEMM = ["i32", "i32", "i32", "i32", "i32", "i32", "f", "p", "i32", "p", "i32", "f", "p", "i32"];
const GEMV = ["i32", "i32", "i32", "i32", "f", "p", "i32", "p", "i32", "f", "p", "i32"];
const SIGNATURES: Record<string, [string[], string]> = {
  cblas_sgemm: [GEMM.map((t) => (t === "f" ? "f32" : t)), "void"],
  cblas_dgemm: [GEMM.map((t) => (t === "f" ? "f64" : t)), "void"],
  cblas_sgemv: [GEMV.map((t) => (t === "f" ? "f32" : t)), "void"],
  cblas_dgemv: [GEMV.map((t) => (t === "f" ? "f64" : t)), "void"],
};
const GER = ["i32", "i32", "i32", "f", "p", "i32", "p", "i32", "p", "i32"];
/** Opened apart (`more`): a library without them keeps its GEMM and GEMV. */
const GER_SIGNATURES: Record<string, [string[], string]> = {
  cblas_sger: [GER.map((t) => (t === "f" ? "f32" : t)), "void"],
  cblas_dger: [GER.map((t) => (t === "f" ? "f64" : t)), "void"],
};

/** The LAPACK routines' Fortran names without the dtype letter, and their arguments ("len": a hidden character length). */
const FORTRAN: Record<string, string[]> = {
  getrf: Array(6).fill("p"),
  getri: Array(7).fill("p"),
  getrs: [...Array(9).fill("p"), "len"],
  potrf: [...Array(5).fill("p"), "len"],
  syevd: [...Array(11).fill("p"), "len", "len"],
  gesdd: [...Array(14).fill("p"), "len"],
  gelqf: Array(8).fill("p"),
  orglq: Array(9).fill("p"),
};
const TRSM = ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "f", "p", "i32", "p", "i32"];
/**
 * OpenBLAS's thread count, opened apart (other libraries lack it): getrf runs on one
 * thread (see `lapackOf`).
 */
const THREAD_SIGNATURES: Record<string, [string[], string]> = {
  openblas_get_num_threads: [[], "i32"],
  openblas_set_num_threads: [["i32"], "void"],
};
const LAPACK_SIGNATURES: Record<string, [string[], string]> = Object.fromEntries([
  ...Object.entries(FORTRAN).flatMap(([name, params]) =>
    ["d", "s"].map((t) => [`${t}${name}_`, [params, "void"] as [string[], string]])
  ),
  ["cblas_strsm", [TRSM.map((t) => (t === "f" ? "f32" : t)), "void"]],
  ["cblas_dtrsm", [TRSM.map((t) => (t === "f" ? "f64" : t)), "void"]],
]);

type Fn = (...args: unknown[]) => unknown;
/**
 * Opens `path` with the C functions of SIGNATURES; throws when it cannot. `more` opens
 * further functions of the same library, undefined when one is missing.
 */
type Opener = (path: string) => {
  symbols: Record<string, Fn>;
  config(): string | undefined;
  more(signatures: Record<string, [string[], string]>): Record<string, Fn> | undefined;
};

interface DenoFfi {
  dlopen(path: string, symbols: Record<string, unknown>): { symbols: Record<string, Fn> };
  permissions?: { querySync?(d: { name: string; path?: string }): { state: string } };
  UnsafePointerView?: { getCString(p: unknown): string };
  build?: { os: string };
}

/** Deno: `dlopen` with typed-array ("buffer") arguments. */
function denoOpener(deno: DenoFfi): Opener {
  const word = (t: string) => (t === "p" ? "buffer" : t === "len" ? "usize" : t);
  const specOf = (signatures: Record<string, [string[], string]>) => {
    const spec: Record<string, unknown> = {};
    for (const [name, [params, result]] of Object.entries(signatures)) {
      spec[name] = { parameters: params.map(word), result };
    }
    return spec;
  };
  return (path) => {
    const spec = specOf(SIGNATURES);
    spec.openblas_get_config = { parameters: [], result: "pointer", optional: true };
    const lib = deno.dlopen(path, spec);
    return {
      symbols: lib.symbols,
      more: (signatures) => {
        try {
          return deno.dlopen(path, specOf(signatures)).symbols;
        } catch {
          return undefined;
        }
      },
      config() {
        const p = lib.symbols.openblas_get_config?.();
        return p && deno.UnsafePointerView ? deno.UnsafePointerView.getCString(p) : undefined;
      },
    };
  };
}

interface BunFfi {
  dlopen(path: string, symbols: Record<string, unknown>): { symbols: Record<string, Fn> };
  CString: new (p: unknown) => { toString(): string };
}

/** Bun: `bun:ffi`, whose `ptr` arguments take typed arrays. */
function bunOpener(ffi: BunFfi): Opener {
  const word = (t: string) => (t === "p" ? "ptr" : t === "len" ? "u64" : t);
  const specOf = (signatures: Record<string, [string[], string]>) => {
    const spec: Record<string, unknown> = {};
    for (const [name, [params, result]] of Object.entries(signatures)) {
      spec[name] = { args: params.map(word), returns: result };
    }
    return spec;
  };
  return (path) => {
    const lib = ffi.dlopen(path, specOf(SIGNATURES));
    return {
      symbols: lib.symbols,
      more: (signatures) => {
        try {
          return ffi.dlopen(path, specOf(signatures)).symbols;
        } catch {
          return undefined;
        }
      },
      config() {
        try {
          const cfg = ffi.dlopen(path, { openblas_get_config: { args: [], returns: "ptr" } });
          const p = cfg.symbols.openblas_get_config();
          return p ? new ffi.CString(p).toString() : undefined;
        } catch {
          return undefined; // not OpenBLAS
        }
      },
    };
  };
}

/** The runtime's opener and the operating system, or why there is none. */
function runtimeOpener(): { open: Opener; os: string; permitted(path: string): boolean } | string {
  const g = globalThis as { Bun?: unknown; Deno?: DenoFfi; process?: { platform?: string } };
  if (g.Bun) {
    const require = (import.meta as { require?: (id: string) => unknown }).require;
    const ffi = require?.("bun:ffi") as BunFfi | undefined;
    if (!ffi) return "this Bun has no bun:ffi";
    return { open: bunOpener(ffi), os: g.process?.platform ?? "linux", permitted: () => true };
  }
  const deno = g.Deno;
  if (!deno || typeof deno.dlopen !== "function") return "the runtime has no FFI (Node)";
  const permitted = (path: string) => {
    try {
      // A path-scoped grant (--allow-ffi=PATH) answers for its path; a bare name asks for all.
      const q = deno.permissions?.querySync?.(path.includes("/") ? { name: "ffi", path } : { name: "ffi" });
      return q?.state === "granted";
    } catch {
      return false;
    }
  };
  return { open: denoOpener(deno), os: deno.build?.os ?? "linux", permitted };
}

/**
 * `f` run with OpenBLAS on one thread, its thread count restored after. OpenBLAS's
 * threaded LU (getrf_parallel, in builds for up to 64 threads such as Debian's) keeps
 * about half a megabyte of per-thread job records on the caller's stack: on a thread
 * with a small stack (Deno runs `deno test` modules on 2 MiB runtime threads; web
 * Workers' stacks are small too) it overflowed and the process died (SIGSEGV inside
 * dgetrf_parallel, in 2 of 8 runs of backends/cpu/linalg_test.ts). The one-thread LU
 * keeps no such records. Without the thread functions (another library), `f` as it is.
 * The count is the process's: two threads of one process (Workers) factorising at once
 * may see each other's setting, and one of them may then run the threaded LU.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type FortranRoutine, oneThread } from "./library.ts";
 * let threads = 4;
 * const counts = { openblas_get_num_threads: () => threads, openblas_set_num_threads: (n: unknown) => void (threads = n as number) };
 * const seen: number[] = [];
 * oneThread((() => void seen.push(threads)) as FortranRoutine, counts)();
 * assert.deepEqual([seen[0], threads], [1, 4]);
 * ```
 */
export function oneThread(f: FortranRoutine, threads: Record<string, Fn> | undefined): FortranRoutine {
  const get = threads?.openblas_get_num_threads, set = threads?.openblas_set_num_threads;
  if (!get || !set) return f;
  return (...args) => {
    const n = get() as number;
    if (n <= 1) return f(...args);
    set(1);
    try {
      f(...args);
    } finally {
      set(n);
    }
  };
}

/** The LAPACK routines of one dtype letter from the opened symbols. */
function lapackOf(symbols: Record<string, Fn>, t: "d" | "s", threads?: Record<string, Fn>): LapackRoutines {
  const routine = (name: string) => symbols[`${t}${name}_`] as FortranRoutine;
  return {
    getrf: oneThread(routine("getrf"), threads),
    getri: routine("getri"),
    getrs: routine("getrs"),
    potrf: routine("potrf"),
    syevd: routine("syevd"),
    gesdd: routine("gesdd"),
    gelqf: routine("gelqf"),
    orglq: routine("orglq"),
    trsm: symbols[`cblas_${t}trsm`] as LapackRoutines["trsm"],
  };
}

/** Wrap the C functions as Gemm/Gemv over typed arrays. */
function wrap(
  library: string,
  symbols: Record<string, Fn>,
  build: string | undefined,
  lapack: Record<string, Fn> | undefined,
  rank1: Record<string, Fn> | undefined,
  threads?: Record<string, Fn>,
): Blas {
  const gemm = (f: Fn): Gemm => (ta, tb, m, n, k, a, lda, b, ldb, c, ldc) =>
    void f(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, 1, a, lda, b, ldb, 0, c, ldc);
  const gemv = (f: Fn): Gemv => (t, m, n, a, lda, x, y) =>
    void f(ROW_MAJOR, t ? TRANS : NO_TRANS, m, n, 1, a, lda, x, 1, 0, y, 1);
  const ger = (f: Fn | undefined): Ger | undefined =>
    f && ((m, n, x, y, a) => void f(ROW_MAJOR, m, n, 1, x, 1, y, 1, a, n));
  return {
    library,
    build,
    sgemm: gemm(symbols.cblas_sgemm),
    dgemm: gemm(symbols.cblas_dgemm),
    sgemv: gemv(symbols.cblas_sgemv),
    dgemv: gemv(symbols.cblas_dgemv),
    sger: ger(rank1?.cblas_sger),
    dger: ger(rank1?.cblas_dger),
    lapack: lapack && { float64: lapackOf(lapack, "d", threads), float32: lapackOf(lapack, "s", threads) },
  };
}

/**
 * Open the BLAS named by `setting` (the value of `HYPATIA_BLAS`; undefined: the usual
 * names in turn). Never throws: a library that is missing, lacks a CBLAS function or is
 * not permitted leaves `blas` undefined and says why in `reason`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openBlas } from "./library.ts";
 * assert.equal(openBlas("none").blas, undefined);
 * assert.match(openBlas("none").reason, /HYPATIA_BLAS=none/);
 * ```
 */
export function openBlas(setting: string | undefined): BlasStatus {
  const value = setting?.trim();
  if (value !== undefined && BLAS_OFF.includes(value.toLowerCase())) {
    return { blas: undefined, reason: `turned off by HYPATIA_BLAS=${value}` };
  }
  const rt = runtimeOpener();
  if (typeof rt === "string") return { blas: undefined, reason: rt };
  const candidates = value ? [value] : defaultCandidates(rt.os);
  const failures: string[] = [];
  const permitted = candidates.filter((path) => rt.permitted(path));
  if (permitted.length === 0) return { blas: undefined, reason: "FFI is not permitted (Deno: --allow-ffi)" };
  for (const path of permitted) {
    try {
      const lib = rt.open(path);
      const blas = wrap(
        path,
        lib.symbols,
        lib.config(),
        lib.more(LAPACK_SIGNATURES),
        lib.more(GER_SIGNATURES),
        lib.more(THREAD_SIGNATURES),
      );
      const lapack = blas.lapack ? "" : ", without LAPACK";
      return { blas, reason: `${path}${blas.build ? ` (${blas.build})` : ""}${lapack}` };
    } catch (e) {
      failures.push(`${path}: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
    }
  }
  return { blas: undefined, reason: `no BLAS opened: ${failures.join("; ")}` };
}

let status: BlasStatus | undefined;

/**
 * The process's BLAS status, opened on first use from `HYPATIA_BLAS` or the usual names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasStatus } from "./library.ts";
 * const s = blasStatus();
 * assert.equal(typeof s.reason, "string");
 * assert(s === blasStatus()); // opened once
 * ```
 */
export function blasStatus(): BlasStatus {
  return status ??= openBlas(readEnv("HYPATIA_BLAS"));
}
