/**
 * Issue 16's linear algebra against NumPy (LAPACK through its bundled OpenBLAS), timed in
 * one run with compare_numpy.ts's NumPy worker: inv, det, solve, cholesky, eigh, svd and
 * qr at n = 64, 256 and 1024, interleaved round by round.
 *
 *   deno run --allow-read --allow-env --allow-run=python3 --allow-ffi bench/compare_linalg.ts [--sizes 64,256,1024] [--rounds N]
 *
 * With --allow-ffi and a system OpenBLAS the factorisations run on its LAPACK (the BLAS
 * engine); without it, or with HYPATIA_BLAS=none, on the wasm/JS engines. The header
 * line says which (T.engineReport()).
 *
 * The matrices are the same numbers on both sides: A = I + X/n (well conditioned) and
 * S = 2I + (X + Xᵀ)/n (symmetric positive definite), X from compare_numpy.ts's `pseudo`;
 * b a pseudo vector. Each result is cross-checked by a checksum that depends on the order
 * of eigenvalues and singular values (and on R's signs for qr). Rounds shrink with n
 * (the O(n³) JS reference at n = 1024 takes seconds): `--rounds` sets the count at 64,
 * a quarter of it at 256 (at least 3), two rounds without warm-up at 1024.
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { markdownTable } from "./common.ts";
import { measure, NumPy, pseudo, type Workload } from "./compare_numpy.ts";

const KINDS = ["inv", "det", "solve", "cholesky", "eigh", "svd", "qr"] as const;
type Kind = typeof KINDS[number];

function sumOf(a: T.NDArray, weight = (_i: number) => 1, f = (v: number) => v): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += f(a.data[i] as number) * weight(i);
  return s;
}

function workload(kind: Kind, n: number): Workload {
  const x = pseudo(n * n, 1, 1), av = new Float64Array(n * n), sv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      av[i * n + j] = (i === j ? 1 : 0) + x[i * n + j] / n;
      sv[i * n + j] = (i === j ? 2 : 0) + (x[i * n + j] + x[j * n + i]) / n;
    }
  }
  const A = T.asarray(av).reshape([n, n]), S = T.asarray(sv).reshape([n, n]), b = T.asarray(pseudo(n, 3, 1));
  const m = T.dmatrix("m"), v = T.dvector("v");
  const rank = (i: number) => i + 1;
  const table: Record<Kind, [() => T.NDArray | T.NDArray[], (r: T.NDArray | T.NDArray[]) => number]> = {
    inv: [((f) => () => f(A))(T.function([m], T.matrixInverse(m))), (r) => sumOf(r as T.NDArray)],
    det: [((f) => () => f(A))(T.function([m], T.det(m))), (r) => sumOf(r as T.NDArray)],
    solve: [((f) => () => f(A, b))(T.function([m, v], T.solve(m, v))), (r) => sumOf(r as T.NDArray)],
    cholesky: [((f) => () => f(S))(T.function([m], T.cholesky(m))), (r) => sumOf(r as T.NDArray)],
    eigh: [((f) => () => f(S))(T.function([m], T.eigh(m))), (r) => sumOf((r as T.NDArray[])[0], rank)],
    svd: [
      ((f) => () => f(A))(T.function([m], T.svd(m) as T.Variable[])),
      (r) => sumOf((r as T.NDArray[])[1], rank),
    ],
    qr: [
      ((f) => () => f(A))(T.function([m], T.qr(m) as T.Variable[])),
      (r) => sumOf((r as T.NDArray[])[1], undefined, Math.abs),
    ],
  };
  const [run, check] = table[kind];
  return {
    label: `${kind} ${n}×${n} f64`,
    goal: "",
    params: { n },
    run,
    checksum: () => check(run()),
    check: 1e-8,
  };
}

async function main(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { sizes: { type: "string", default: "64,256,1024" }, rounds: { type: "string", default: "12" } },
  });
  const sizes = values.sizes!.split(",").map(Number), rounds = Number(values.rounds);
  const numpy = new NumPy("python3");
  try {
    const info = JSON.parse(await numpy.ask("info"));
    const rows: string[][] = [];
    for (const n of sizes) {
      for (const kind of KINDS) {
        const name = `linalg_${kind}`, w = workload(kind, n);
        await numpy.ask(`setup ${name} ${JSON.stringify(w.params)}`);
        const [ours, theirs] = [w.checksum(), Number(await numpy.ask(`check ${name}`))];
        const rel = Math.abs(ours - theirs) / Math.max(Math.abs(theirs), 1e-300);
        if (!(rel <= 1e-8)) throw new Error(`${w.label}: checksums differ (${ours} vs ${theirs})`);
        const [r, warm] = n >= 1024 ? [2, 0] : n >= 256 ? [Math.max(3, rounds >> 2), 1] : [rounds, 2];
        const m = await measure(name, [w], numpy, r, { rounds: warm, ms: 0 }),
          t = { hypatia: m.hypatia[0], numpy: m.numpy };
        const ms = (x: number) => (x < 10 ? x.toFixed(3) : x.toFixed(1));
        rows.push([
          w.label,
          `${ms(t.hypatia.best)} (${ms(t.hypatia.median)})`,
          `${ms(t.numpy.best)} (${ms(t.numpy.median)})`,
          (t.hypatia.best / t.numpy.best).toFixed(2),
          (t.hypatia.median / t.numpy.median).toFixed(2),
          String(r),
          `rel. diff ${rel.toExponential(1)}`,
        ]);
        console.error(`done: ${w.label}`);
      }
    }
    console.log(
      `\nHypatia on ${navigator.userAgent}; NumPy ${info.numpy} on Python ${info.python}; CPU: ${info.cpu}, ` +
        `${navigator.hardwareConcurrency} cores; NumPy's BLAS: ${JSON.stringify(info.blas.build)}; ` +
        `Hypatia's engines: ${JSON.stringify(T.engineReport())}\n`,
    );
    console.log(markdownTable(
      [
        "workload",
        "Hypatia ms, best (median)",
        "NumPy ms, best (median)",
        "ratio, best",
        "ratio, median",
        "rounds",
        "cross-check",
      ],
      rows,
    ));
  } finally {
    await numpy.close();
  }
}

if (import.meta.main) await main(process.argv.slice(2));
