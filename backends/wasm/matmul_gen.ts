/**
 * Generates the matrix-product module for one float lane type: a register-blocked
 * SIMD micro-kernel (MR rows × NR columns of C held in v128 accumulators), packing
 * routines, the cache-blocked GEMM loop nest (GotoBLAS order: NC columns of B, KC of
 * depth, MC rows of A) and two GEMV forms. Every pointer and stride is in bytes.
 *
 * Exports: `gemm(m, n, k, A, ars, acs, B, brs, bcs, C, ldc, packA, packB, tile)`,
 * `gemvRows(m, k, A, ars, x, y)` (rows of A contiguous), `gemvCols(m, k, A, acs, x, y)`
 * (columns of A contiguous) and `gemvColsAcc` (the same, adding to y), with x and y
 * contiguous.
 * @module
 */
import { addTo, forRange, type Lane, LANES, minI32 } from "./asm.ts";
import { type Code, F32, F64, I32, ModuleBuilder, V128 } from "./emitter.ts";

/** Shape of the register block and the cache blocks. */
export interface GemmShape {
  lane: Lane;
  /** Rows of the micro-tile. */
  mr: number;
  /** v128 columns of the micro-tile (NR = nv × lanes). */
  nv: number;
  /** Cache blocks: depth, rows of A, columns of B. */
  kc: number;
  mc: number;
  nc: number;
  /** Use relaxed SIMD's fused multiply-add. */
  relaxed: boolean;
  /** Unrolling of the depth loop of the micro-kernel. */
  unroll: number;
}

/**
 * The default blocking for a lane type (measured on an AMD EPYC, 16 XMM registers).
 *
 * @example
 * ```ts
 * import { defaultShape } from "./matmul_gen.ts";
 * import assert from "node:assert/strict";
 * const s = defaultShape("f32", false);
 * assert.equal(s.mr * s.nv, 12); // 12 accumulators: 6 rows × 2 vectors
 * ```
 */
export function defaultShape(lane: Lane, relaxed: boolean): GemmShape {
  return lane === "f32"
    ? { lane, mr: 6, nv: 2, kc: 256, mc: 96, nc: 2048, relaxed, unroll: 2 }
    : { lane, mr: 6, nv: 2, kc: 256, mc: 72, nc: 1024, relaxed, unroll: 2 };
}

const ZERO = new Uint8Array(16);

/**
 * acc = acc + a * b on v128 locals of lane ops `v` ("f32x4" / "f64x2"), with `a` a
 * local or pushed by a callback (a load); by relaxed SIMD's multiply-add when
 * `relaxed`, else a multiply then an add.
 *
 * @example
 * ```ts
 * import { madd } from "./matmul_gen.ts";
 * import { F64, ModuleBuilder, V128 } from "./emitter.ts";
 * import assert from "node:assert/strict";
 * const mb = new ModuleBuilder();
 * mb.func([F64], [F64], (c) => {
 *   const acc = c.local(V128), x = c.local(V128);
 *   c.get(0).op("f64x2.splat").set(x).get(0).op("f64x2.splat").set(acc);
 *   madd(c, "f64x2", false, acc, x, x); // acc = x + x·x
 *   c.get(acc).lane("f64x2.extract_lane", 0);
 * }, "f");
 * const f = new WebAssembly.Instance(new WebAssembly.Module(mb.build())).exports.f as (x: number) => number;
 * assert.equal(f(3), 12);
 * ```
 */
export function madd(c: Code, v: string, relaxed: boolean, acc: number, a: number | (() => void), b: number) {
  const pushA = typeof a === "number" ? () => c.get(a) : a;
  if (relaxed) {
    pushA();
    c.get(b).get(acc).op(`${v}.relaxed_madd`).set(acc);
  } else {
    c.get(acc);
    pushA();
    c.get(b).op(`${v}.mul`, `${v}.add`).set(acc);
  }
}

/** kernel(kc, a, b, c, ldc, first): the full MR × NR tile, C = or += Apanel · Bpanel. */
function emitKernel(mb: ModuleBuilder, s: GemmShape): number {
  const L = LANES[s.lane], NR = s.nv * L.lanes, S = L.size;
  return mb.func([I32, I32, I32, I32, I32, I32], [], (c) => {
    const [kc, a, b, cp, ldc, first] = [0, 1, 2, 3, 4, 5];
    const acc: number[] = [];
    for (let i = 0; i < s.mr * s.nv; i++) acc.push(c.local(V128));
    const bv: number[] = [];
    for (let v = 0; v < s.nv; v++) bv.push(c.local(V128));
    const av = c.local(V128);
    for (const x of acc) c.v128(ZERO).set(x);
    const step = (u: number) => {
      for (let v = 0; v < s.nv; v++) c.get(b).mem("v128.load", (u * NR + v * L.lanes) * S).set(bv[v]);
      for (let i = 0; i < s.mr; i++) {
        c.get(a).mem(L.splatLoad, (u * s.mr + i) * S).set(av);
        for (let v = 0; v < s.nv; v++) madd(c, L.v, s.relaxed, acc[i * s.nv + v], av, bv[v]);
      }
    };
    const loopBy = (u: number) =>
      c.block(() =>
        c.loop(() => {
          c.get(kc).i32(u).op("i32.lt_s").brIf(1);
          for (let t = 0; t < u; t++) step(t);
          addTo(c, a, u * s.mr * S);
          addTo(c, b, u * NR * S);
          addTo(c, kc, -u);
          c.br(0);
        })
      );
    if (s.unroll > 1) loopBy(s.unroll);
    loopBy(1);
    const store = (add: boolean) => {
      for (let i = 0; i < s.mr; i++) {
        for (let v = 0; v < s.nv; v++) {
          c.get(cp);
          if (add) c.get(cp).mem("v128.load", v * 16).get(acc[i * s.nv + v]).op(`${L.v}.add`);
          else c.get(acc[i * s.nv + v]);
          c.mem("v128.store", v * 16);
        }
        if (i + 1 < s.mr) addTo(c, cp, ldc, true);
      }
    };
    c.get(first).if(() => store(false), () => store(true));
  });
}

/** addTile(tile, c, ldc, mr, nr, first): copy (or add) the valid mr × nr corner of a tile. */
function emitAddTile(mb: ModuleBuilder, s: GemmShape): number {
  const L = LANES[s.lane], NR = s.nv * L.lanes, S = L.size;
  return mb.func([I32, I32, I32, I32, I32, I32], [], (c) => {
    const [tile, cp, ldc, mr, nr, first] = [0, 1, 2, 3, 4, 5];
    const i = c.local(I32), j = c.local(I32), d = c.local(I32), src = c.local(I32);
    forRange(c, i, () => c.i32(0), () => c.get(mr), 1, () => {
      c.get(cp).get(i).get(ldc).op("i32.mul", "i32.add").set(d);
      c.get(tile).get(i).i32(NR * S).op("i32.mul", "i32.add").set(src);
      forRange(c, j, () => c.i32(0), () => c.get(nr), 1, () => {
        c.get(d);
        c.get(first).if(
          () => c.get(src).mem(`${L.s}.load`),
          () => c.get(src).mem(`${L.s}.load`).get(d).mem(`${L.s}.load`).op(`${L.s}.add`),
          L.s === "f32" ? F32 : F64,
        );
        c.mem(`${L.s}.store`);
        addTo(c, d, S);
        addTo(c, src, S);
      });
    });
  });
}

/** packA(src, rs, cs, mc, kc, dst): MR-row micro-panels, zero-padded rows. */
function emitPackA(mb: ModuleBuilder, s: GemmShape): number {
  const L = LANES[s.lane], S = L.size;
  return mb.func([I32, I32, I32, I32, I32, I32], [], (c) => {
    const [src, rs, cs, mc, kc, dst] = [0, 1, 2, 3, 4, 5];
    const ir = c.local(I32), p = c.local(I32), o = c.local(I32), mr = c.local(I32);
    const t = c.local(I32), i = c.local(I32);
    forRange(c, ir, () => c.i32(0), () => c.get(mc), s.mr, () => {
      minI32(c, () => c.i32(s.mr), () => c.get(mc).get(ir).op("i32.sub"));
      c.set(mr);
      c.get(src).get(ir).get(rs).op("i32.mul", "i32.add").set(o);
      c.get(mr).i32(s.mr).op("i32.eq");
      c.if(() => {
        forRange(c, p, () => c.i32(0), () => c.get(kc), 1, () => {
          c.get(o).set(t);
          for (let r = 0; r < s.mr; r++) {
            c.get(dst).get(t).mem(`${L.s}.load`).mem(`${L.s}.store`, r * S);
            if (r + 1 < s.mr) addTo(c, t, rs, true);
          }
          addTo(c, dst, s.mr * S);
          addTo(c, o, cs, true);
        });
      }, () => {
        forRange(c, p, () => c.i32(0), () => c.get(kc), 1, () => {
          c.get(o).set(t);
          forRange(c, i, () => c.i32(0), () => c.i32(s.mr), 1, () => {
            c.get(dst);
            c.get(i).get(mr).op("i32.lt_s");
            c.if(
              () => c.get(t).mem(`${L.s}.load`),
              () => (S === 4 ? c.f32(0) : c.f64(0)),
              L.s === "f32" ? F32 : F64,
            );
            c.mem(`${L.s}.store`);
            addTo(c, dst, S);
            addTo(c, t, rs, true);
          });
          addTo(c, o, cs, true);
        });
      });
    });
  });
}

/** packB(src, rs, cs, kc, nc, dst): NR-column micro-panels, zero-padded columns. */
function emitPackB(mb: ModuleBuilder, s: GemmShape): number {
  const L = LANES[s.lane], S = L.size, NR = s.nv * L.lanes;
  return mb.func([I32, I32, I32, I32, I32, I32], [], (c) => {
    const [src, rs, cs, kc, nc, dst] = [0, 1, 2, 3, 4, 5];
    const jr = c.local(I32), p = c.local(I32), o = c.local(I32), nr = c.local(I32);
    const t = c.local(I32), j = c.local(I32);
    forRange(c, jr, () => c.i32(0), () => c.get(nc), NR, () => {
      minI32(c, () => c.i32(NR), () => c.get(nc).get(jr).op("i32.sub"));
      c.set(nr);
      c.get(src).get(jr).get(cs).op("i32.mul", "i32.add").set(o);
      c.get(nr).i32(NR).op("i32.eq").get(cs).i32(S).op("i32.eq", "i32.and");
      c.if(() => {
        forRange(c, p, () => c.i32(0), () => c.get(kc), 1, () => {
          for (let v = 0; v < s.nv; v++) {
            c.get(dst).get(o).mem("v128.load", v * 16, 0).mem("v128.store", v * 16);
          }
          addTo(c, dst, NR * S);
          addTo(c, o, rs, true);
        });
      }, () => {
        forRange(c, p, () => c.i32(0), () => c.get(kc), 1, () => {
          c.get(o).set(t);
          forRange(c, j, () => c.i32(0), () => c.i32(NR), 1, () => {
            c.get(dst);
            c.get(j).get(nr).op("i32.lt_s");
            c.if(
              () => c.get(t).mem(`${L.s}.load`),
              () => (S === 4 ? c.f32(0) : c.f64(0)),
              L.s === "f32" ? F32 : F64,
            );
            c.mem(`${L.s}.store`);
            addTo(c, dst, S);
            addTo(c, t, cs, true);
          });
          addTo(c, o, rs, true);
        });
      });
    });
  });
}

/** The GEMM loop nest calling the packers and the kernel. */
function emitGemm(
  mb: ModuleBuilder,
  s: GemmShape,
  f: { kernel: number; tile: number; pa: number; pb: number },
) {
  const L = LANES[s.lane], S = L.size, NR = s.nv * L.lanes;
  mb.func(new Array(14).fill(I32), [], (c) => {
    const [m, n, k, A, ars, acs, B, brs, bcs, C, ldc, pa, pb, tile] = Array.from({ length: 14 }, (_, i) => i);
    const [jc, nc, pc, kc, ic, mc, jr, ir, first, cptr, nr, mr] = Array.from(
      { length: 12 },
      () => c.local(I32),
    );
    forRange(c, jc, () => c.i32(0), () => c.get(n), s.nc, () => {
      minI32(c, () => c.i32(s.nc), () => c.get(n).get(jc).op("i32.sub"));
      c.set(nc);
      forRange(c, pc, () => c.i32(0), () => c.get(k), s.kc, () => {
        minI32(c, () => c.i32(s.kc), () => c.get(k).get(pc).op("i32.sub"));
        c.set(kc);
        c.get(pc).op("i32.eqz").set(first);
        c.get(B).get(pc).get(brs).op("i32.mul", "i32.add").get(jc).get(bcs).op("i32.mul", "i32.add");
        c.get(brs).get(bcs).get(kc).get(nc).get(pb).call(f.pb);
        forRange(c, ic, () => c.i32(0), () => c.get(m), s.mc, () => {
          minI32(c, () => c.i32(s.mc), () => c.get(m).get(ic).op("i32.sub"));
          c.set(mc);
          c.get(A).get(ic).get(ars).op("i32.mul", "i32.add").get(pc).get(acs).op("i32.mul", "i32.add");
          c.get(ars).get(acs).get(mc).get(kc).get(pa).call(f.pa);
          forRange(c, jr, () => c.i32(0), () => c.get(nc), NR, () => {
            minI32(c, () => c.i32(NR), () => c.get(nc).get(jr).op("i32.sub"));
            c.set(nr);
            forRange(c, ir, () => c.i32(0), () => c.get(mc), s.mr, () => {
              minI32(c, () => c.i32(s.mr), () => c.get(mc).get(ir).op("i32.sub"));
              c.set(mr);
              c.get(C).get(ic).get(ir).op("i32.add").get(ldc).op("i32.mul", "i32.add");
              c.get(jc).get(jr).op("i32.add").i32(S).op("i32.mul", "i32.add").set(cptr);
              // Panel addresses: A micro-panel ir*kc*S into pa, B micro-panel jr*kc*S into pb.
              const panels = () => {
                c.get(kc);
                c.get(pa).get(ir).get(kc).op("i32.mul").i32(S).op("i32.mul", "i32.add");
                c.get(pb).get(jr).get(kc).op("i32.mul").i32(S).op("i32.mul", "i32.add");
              };
              c.get(mr).i32(s.mr).op("i32.eq").get(nr).i32(NR).op("i32.eq", "i32.and");
              c.if(() => {
                panels();
                c.get(cptr).get(ldc).get(first).call(f.kernel);
              }, () => {
                panels();
                c.get(tile).i32(NR * S).i32(1).call(f.kernel);
                c.get(tile).get(cptr).get(ldc).get(mr).get(nr).get(first).call(f.tile);
              });
            });
          });
        });
      });
    });
  }, "gemm");
}

/**
 * gemvRows(m, k, A, ars, x, y): y[i] = sum_p A[i, p] x[p], rows of A contiguous.
 * Blocks of R rows; each step reads U vectors of x and of every row, alternating
 * between two accumulators per row so that 2R multiply-add chains run side by side
 * (measured on the 400×784 float64 case: R = 4, U = 4 beat the 4 × 2 of before by 6%).
 */
function emitGemvRows(mb: ModuleBuilder, s: GemmShape) {
  const L = LANES[s.lane], S = L.size, W = L.lanes, R = 4, U = 4;
  mb.func([I32, I32, I32, I32, I32, I32], [], (c) => {
    const [m, k, A, ars, x, y] = [0, 1, 2, 3, 4, 5];
    const i = c.local(I32), p = c.local(I32), xp = c.local(I32);
    const rows: number[] = [], accs: number[] = [], sums: number[] = [];
    for (let r = 0; r < R; r++) rows.push(c.local(I32));
    for (let r = 0; r < 2 * R; r++) accs.push(c.local(V128));
    for (let r = 0; r < R; r++) sums.push(c.local(L.s === "f32" ? F32 : F64));
    const xv: number[] = [];
    for (let u = 0; u < U; u++) xv.push(c.local(V128));
    const block = (nRows: number) => {
      for (let r = 0; r < nRows; r++) {
        c.get(A).get(i).i32(r).op("i32.add").get(ars).op("i32.mul", "i32.add").set(rows[r]);
        c.v128(ZERO).set(accs[2 * r]).v128(ZERO).set(accs[2 * r + 1]);
      }
      c.get(x).set(xp);
      // U vectors per step, then one at a time, then scalars.
      forRange(c, p, () => c.i32(0), () => c.get(k).i32(U * W - 1).op("i32.sub"), U * W, () => {
        for (let u = 0; u < U; u++) c.get(xp).mem("v128.load", 16 * u, 0).set(xv[u]);
        for (let u = 0; u < U; u++) {
          for (let r = 0; r < nRows; r++) {
            madd(
              c,
              L.v,
              s.relaxed,
              accs[2 * r + (u & 1)],
              () => c.get(rows[r]).mem("v128.load", 16 * u, 0),
              xv[u],
            );
          }
        }
        for (let r = 0; r < nRows; r++) addTo(c, rows[r], 16 * U);
        addTo(c, xp, 16 * U);
      });
      forRange(c, p, () => c.get(p), () => c.get(k).i32(W - 1).op("i32.sub"), W, () => {
        c.get(xp).mem("v128.load", 0, 0).set(xv[0]);
        for (let r = 0; r < nRows; r++) {
          madd(c, L.v, s.relaxed, accs[2 * r], () => c.get(rows[r]).mem("v128.load", 0, 0), xv[0]);
          addTo(c, rows[r], 16);
        }
        addTo(c, xp, 16);
      });
      for (let r = 0; r < nRows; r++) {
        c.get(accs[2 * r]).get(accs[2 * r + 1]).op(`${L.v}.add`).set(accs[2 * r]);
        c.get(accs[2 * r]).lane(`${L.v}.extract_lane`, 0);
        for (let l = 1; l < W; l++) c.get(accs[2 * r]).lane(`${L.v}.extract_lane`, l).op(`${L.s}.add`);
        c.set(sums[r]);
      }
      forRange(c, p, () => c.get(p), () => c.get(k), 1, () => {
        for (let r = 0; r < nRows; r++) {
          c.get(sums[r]).get(rows[r]).mem(`${L.s}.load`).get(xp).mem(`${L.s}.load`).op(
            `${L.s}.mul`,
            `${L.s}.add`,
          );
          c.set(sums[r]);
          addTo(c, rows[r], S);
        }
        addTo(c, xp, S);
      });
      for (let r = 0; r < nRows; r++) {
        c.get(y).get(i).i32(r).op("i32.add").i32(S).op("i32.mul", "i32.add").get(sums[r]).mem(`${L.s}.store`);
      }
    };
    forRange(c, i, () => c.i32(0), () => c.get(m).i32(R - 1).op("i32.sub"), R, () => block(R));
    forRange(c, i, () => c.get(i), () => c.get(m), 1, () => block(1));
  }, "gemvRows");
}

/**
 * gemvCols(m, k, A, acs, x, y): y[i] = sum_p A[i, p] x[p], columns of A contiguous;
 * gemvColsAcc adds to y instead (for a product streamed in blocks of columns). Blocks
 * of P columns; each step updates U vectors of y, summing the P products of each in
 * two chains (even and odd columns), so no vector waits on P multiply-adds in a row
 * (measured on the 400×784 float64 case: P = 6, U = 3 beat 8 × 1 in one chain by 22%).
 */
function emitGemvCols(mb: ModuleBuilder, s: GemmShape, accumulate: boolean) {
  const L = LANES[s.lane], S = L.size, W = L.lanes, P = 6, U = 3;
  mb.func([I32, I32, I32, I32, I32, I32], [], (c) => {
    const [m, k, A, acs, x, y] = [0, 1, 2, 3, 4, 5];
    const i = c.local(I32), p = c.local(I32), yo = c.local(I32);
    const cols: number[] = [], xs: number[] = [], xsc: number[] = [], accs: number[] = [];
    for (let q = 0; q < P; q++) cols.push(c.local(I32));
    for (let q = 0; q < P; q++) xs.push(c.local(V128));
    for (let q = 0; q < P; q++) xsc.push(c.local(L.s === "f32" ? F32 : F64));
    for (let u = 0; u < 2 * U; u++) accs.push(c.local(V128));
    const sc = c.local(L.s === "f32" ? F32 : F64);
    // y = 0
    if (!accumulate) {
      forRange(c, i, () => c.i32(0), () => c.get(m), 1, () => {
        c.get(y).get(i).i32(S).op("i32.mul", "i32.add");
        if (S === 4) c.f32(0);
        else c.f64(0);
        c.mem(`${L.s}.store`);
      });
    }
    const block = (nP: number) => {
      for (let q = 0; q < nP; q++) {
        c.get(A).get(p).i32(q).op("i32.add").get(acs).op("i32.mul", "i32.add").set(cols[q]);
        c.get(x).get(p).i32(q).op("i32.add").i32(S).op("i32.mul", "i32.add").mem(`${L.s}.load`).tee(xsc[q]);
        c.op(`${L.v}.splat`).set(xs[q]);
      }
      c.get(y).set(yo);
      // acc[2u] starts from y, acc[2u+1] from zero; their sum goes back to y.
      const step = (nU: number) => {
        for (let u = 0; u < nU; u++) {
          c.get(yo).mem("v128.load", 16 * u, 0).set(accs[2 * u]);
          if (nP > 1) c.v128(ZERO).set(accs[2 * u + 1]);
        }
        for (let q = 0; q < nP; q++) {
          for (let u = 0; u < nU; u++) {
            madd(
              c,
              L.v,
              s.relaxed,
              accs[2 * u + (q & 1)],
              () => c.get(cols[q]).mem("v128.load", 16 * u, 0),
              xs[q],
            );
          }
        }
        for (let u = 0; u < nU; u++) {
          c.get(yo).get(accs[2 * u]);
          if (nP > 1) c.get(accs[2 * u + 1]).op(`${L.v}.add`);
          c.mem("v128.store", 16 * u, 0);
        }
        for (let q = 0; q < nP; q++) addTo(c, cols[q], 16 * nU);
        addTo(c, yo, 16 * nU);
      };
      forRange(c, i, () => c.i32(0), () => c.get(m).i32(U * W - 1).op("i32.sub"), U * W, () => step(U));
      forRange(c, i, () => c.get(i), () => c.get(m).i32(W - 1).op("i32.sub"), W, () => step(1));
      forRange(c, i, () => c.get(i), () => c.get(m), 1, () => {
        c.get(yo).mem(`${L.s}.load`).set(sc);
        for (let q = 0; q < nP; q++) {
          c.get(sc).get(cols[q]).mem(`${L.s}.load`).get(xsc[q]).op(`${L.s}.mul`, `${L.s}.add`).set(sc);
          addTo(c, cols[q], S);
        }
        c.get(yo).get(sc).mem(`${L.s}.store`);
        addTo(c, yo, S);
      });
    };
    forRange(c, p, () => c.i32(0), () => c.get(k).i32(P - 1).op("i32.sub"), P, () => block(P));
    forRange(c, p, () => c.get(p), () => c.get(k), 1, () => block(1));
  }, accumulate ? "gemvColsAcc" : "gemvCols");
}

/**
 * The module bytes for one lane type and blocking.
 *
 * @example
 * ```ts
 * import { defaultShape, matmulModule } from "./matmul_gen.ts";
 * import assert from "node:assert/strict";
 * const bytes = matmulModule(defaultShape("f64", false), { initial: 1, maximum: 16, shared: false });
 * assert(WebAssembly.validate(bytes));
 * ```
 */
export function matmulModule(s: GemmShape, memory: { initial: number; maximum: number; shared: boolean }) {
  const mb = new ModuleBuilder().importMemory({ module: "env", name: "mem", ...memory });
  const kernel = emitKernel(mb, s);
  const tile = emitAddTile(mb, s);
  const pa = emitPackA(mb, s);
  const pb = emitPackB(mb, s);
  emitGemm(mb, s, { kernel, tile, pa, pb });
  emitGemvRows(mb, s);
  emitGemvCols(mb, s, false);
  emitGemvCols(mb, s, true);
  return mb.build();
}
