/**
 * rfft and irfft (Theano's theano.tensor.fft): real-input discrete Fourier transforms
 * over the last axis. There are no complex dtypes, so a spectrum is a real tensor with
 * a trailing axis of 2 holding the real and imaginary parts, as Theano's. Any length is
 * transformed in O(n log n): radix-2 for powers of two, Bluestein's chirp-z otherwise.
 *
 * Both transforms are linear, and each one's adjoint is the other with the dual scaling
 * ("backward" ↔ "forward", "ortho" ↔ "ortho") and a weight per bin (2 for the bins that
 * stand for a conjugate pair, 1 for the DC and Nyquist bins); the ops carry that weight
 * in their params so that each gradient is one node of the other op.
 * @module
 */
import { floatX } from "../core/config.ts";
import { asTensor } from "../core/constant.ts";
import { isFloat } from "../core/dtype.ts";
import { HypatiaTypeError, ShapeError } from "../core/errors.ts";
import { defineOp, type Op, type TensorLike, TensorType, type Variable } from "../core/graph.ts";
import { NDArray } from "../core/ndarray.ts";
import { bool, checkOptions, either, oneOf } from "../core/options.ts";

/** NumPy's normalisations: "backward" scales the inverse by 1/n, "ortho" both by 1/√n, "forward" the forward by 1/n. */
export type FftNorm = "backward" | "ortho" | "forward";

/** Params of rfft: the scaling, and whether bins are weighted (the adjoint of irfft). */
export interface RfftParams {
  norm: FftNorm;
  /** Multiply each bin by its weight (2 for the bins standing for a conjugate pair): irfft's gradient. */
  weighted: boolean;
}

/** Params of irfft: the scaling, the output length's parity, and whether bins are divided by their weights. */
export interface IrfftParams {
  norm: FftNorm;
  /**
   * The output has 2(m - 1) + 1 samples for m bins instead of 2(m - 1) (Theano's is_odd);
   * "like": the length of a second input's last axis (rfft's gradient, where the parity
   * may be known only at run time).
   */
  odd: boolean | "like";
  /** Divide each bin by its weight first: rfft's gradient. */
  weighted: boolean;
}

const DUAL: Record<FftNorm, FftNorm> = { backward: "forward", ortho: "ortho", forward: "backward" };

/** In-place iterative radix-2 FFT of length n (a power of two); sign -1 forward, +1 inverse. */
function fftPow2(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (sign * 2 * Math.PI) / len, half = len >> 1;
    for (let k = 0; k < half; k++) {
      // The twiddles 1 and ∓i are exact, and multiply by swapping: no 0 · inf = NaN where
      // NumPy's pocketfft has none (and no cos(π/2) ≈ 6e-17 leaking into the other part).
      const exact = k === 0 ? 1 : 4 * k === len ? 2 : 0;
      const wr = exact === 1 ? 1 : exact === 2 ? 0 : Math.cos(ang * k);
      const wi = exact === 1 ? 0 : exact === 2 ? sign : Math.sin(ang * k);
      for (let i = k; i < n; i += len) {
        const j = i + half;
        let xr: number, xi: number;
        if (exact === 1) xr = re[j], xi = im[j];
        else if (exact === 2) xr = -wi * im[j], xi = wi * re[j];
        else xr = re[j] * wr - im[j] * wi, xi = re[j] * wi + im[j] * wr;
        re[j] = re[i] - xr, im[j] = im[i] - xi;
        re[i] += xr, im[i] += xi;
      }
    }
  }
}

/** Complex DFT of any length (sign -1 forward, +1 unscaled inverse), in place. */
export function dft(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  if (n <= 1) return;
  if ((n & (n - 1)) === 0) return fftPow2(re, im, sign);
  // Bluestein: X_k = w_k Σ_j (x_j w_j) conj(w_{k-j}), w_j = exp(sign·iπ j²/n), a circular
  // convolution of length m ≥ 2n - 1 done with power-of-two FFTs.
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const wr = new Float64Array(n), wi = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const a = (sign * Math.PI * ((j * j) % (2 * n))) / n; // j² mod 2n keeps the angle exact
    wr[j] = Math.cos(a), wi[j] = Math.sin(a);
  }
  const ar = new Float64Array(m),
    ai = new Float64Array(m),
    br = new Float64Array(m),
    bi = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    ar[j] = re[j] * wr[j] - im[j] * wi[j];
    ai[j] = re[j] * wi[j] + im[j] * wr[j];
  }
  br[0] = wr[0], bi[0] = -wi[0];
  for (let j = 1; j < n; j++) br[j] = br[m - j] = wr[j], bi[j] = bi[m - j] = -wi[j];
  fftPow2(ar, ai, -1);
  fftPow2(br, bi, -1);
  for (let k = 0; k < m; k++) {
    const r = ar[k] * br[k] - ai[k] * bi[k];
    ai[k] = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = r;
  }
  fftPow2(ar, ai, 1);
  for (let k = 0; k < n; k++) {
    const cr = ar[k] / m, ci = ai[k] / m;
    re[k] = cr * wr[k] - ci * wi[k];
    im[k] = cr * wi[k] + ci * wr[k];
  }
}

/** The weight of bin f of n's spectrum: 1 for DC (and Nyquist when n is even), 2 otherwise. */
const binWeight = (f: number, n: number) => (f === 0 || 2 * f === n ? 1 : 2);

/** Forward scale for rfft, or the inverse's for irfft, of length n. */
function scaleOf(norm: FftNorm, n: number, inverse: boolean): number {
  if (norm === "ortho") return 1 / Math.sqrt(n);
  return (norm === "backward") === inverse ? 1 / n : 1;
}

const outDtype = (x: Variable) => (isFloat(x.dtype) ? x.dtype : floatX());

/** rfft: (..., n) real → (..., n/2 + 1, 2). */
export const rfftOp: Op<RfftParams> = defineOp<RfftParams>({
  name: "rfft",
  inferType([x]) {
    if (x.ndim < 1 || x.dtype === "bool") {
      throw new HypatiaTypeError(
        `rfft: input must be a real tensor of at least 1 dimension, got ${x.describe()}`,
      );
    }
    const n = x.type.shape[x.ndim - 1];
    return [new TensorType(outDtype(x), [...x.type.shape.slice(0, -1), n === null ? null : (n >> 1) + 1, 2])];
  },
  perform([x], { norm, weighted }, node) {
    const n = x.shape[x.ndim - 1];
    if (n === 0) throw new ShapeError(`${node.where()}: cannot transform an axis of length 0`);
    const m = (n >> 1) + 1, rows = x.size / n, scale = scaleOf(norm, n, false);
    const out = new NDArray(node.outputs[0].dtype, [...x.shape.slice(0, -1), m, 2]);
    const re = new Float64Array(n), im = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) re[j] = x.data[r * n + j], im[j] = 0;
      dft(re, im, -1);
      for (let f = 0; f < m; f++) {
        const w = scale * (weighted ? binWeight(f, n) : 1);
        out.data[(r * m + f) * 2] = re[f] * w;
        // DC and Nyquist are real for real input: exactly 0, not 0 · inf (NumPy's real FFT never forms them).
        out.data[(r * m + f) * 2 + 1] = f === 0 || 2 * f === n ? 0 : im[f] * w;
      }
    }
    return [out];
  },
  // With c the bin weights: rfftᵀ = irfft_dual(· / c) and (c · rfft)ᵀ = irfft_dual.
  vjp: (node, [g]) => {
    const { norm, weighted } = node.params as RfftParams;
    return [irfftOp.apply1([g, node.inputs[0]], { norm: DUAL[norm], odd: "like", weighted: !weighted })];
  },
  format: ([x], { norm }) => `rfft(${x}, norm=${norm})`,
});

/** irfft: (..., m, 2) → (..., 2(m - 1) [+ 1]) real. */
export const irfftOp: Op<IrfftParams> = defineOp<IrfftParams>({
  name: "irfft",
  inferType([y, like], { odd }) {
    const last = y.type.shape[y.ndim - 1];
    if (y.ndim < 2 || (last !== null && last !== 2) || y.dtype === "bool") {
      throw new HypatiaTypeError(
        `irfft: input must be a spectrum with a trailing axis of length 2 (real, imaginary), got ${y.describe()}`,
      );
    }
    const m = y.type.shape[y.ndim - 2];
    const n = odd === "like"
      ? like.type.shape[like.ndim - 1]
      : m === null
      ? null
      : 2 * (m - 1) + (odd ? 1 : 0);
    return [new TensorType(outDtype(y), [...y.type.shape.slice(0, -2), n])];
  },
  perform([y, like], { norm, odd, weighted }, node) {
    const m = y.shape[y.ndim - 2];
    const n = odd === "like" ? like.shape[like.ndim - 1] : 2 * (m - 1) + (odd ? 1 : 0);
    if (odd === "like" && (n >> 1) + 1 !== m) {
      throw new ShapeError(`${node.where()}: ${m} bins cannot make ${n} samples`);
    }
    if (y.shape[y.ndim - 1] !== 2) {
      throw new ShapeError(
        `${node.where()}: the last axis must have length 2, got shape (${y.shape.join(", ")})`,
      );
    }
    if (n <= 0) {
      throw new ShapeError(
        `${node.where()}: ${m} bins give no output samples (shape (${y.shape.join(", ")}))`,
      );
    }
    const rows = y.size / (2 * m), scale = scaleOf(norm, n, true);
    const out = new NDArray(node.outputs[0].dtype, [...y.shape.slice(0, -2), n]);
    const re = new Float64Array(n), im = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      // Hermitian extension; the imaginary parts of DC (and Nyquist for even n) are dropped, as NumPy's.
      for (let f = 0; f < m; f++) {
        const w = weighted ? binWeight(f, n) : 1;
        re[f] = y.data[(r * m + f) * 2] / w;
        im[f] = f === 0 || 2 * f === n ? 0 : y.data[(r * m + f) * 2 + 1] / w;
      }
      for (let f = m; f < n; f++) re[f] = re[n - f], im[f] = -im[n - f];
      dft(re, im, 1);
      for (let j = 0; j < n; j++) out.data[r * n + j] = re[j] * scale;
    }
    return [out];
  },
  // irfftᵀ = c · rfft_dual and (irfft(· / c))ᵀ = rfft_dual; the length input has no gradient.
  vjp: (node, [g]) => {
    const { norm, weighted } = node.params as IrfftParams;
    return [
      rfftOp.apply1([g], { norm: DUAL[norm], weighted: !weighted }),
      ...node.inputs.slice(1).map(() => null),
    ];
  },
  format: ([y], { norm, odd }) => `irfft(${y}, norm=${norm}, odd=${odd})`,
});

/** Options of rfft and irfft. */
export interface FftOptions {
  /** null or "backward" (default: irfft scales by 1/n), "ortho" (both by 1/√n) or "forward". */
  norm?: FftNorm | null;
}

/** Options of irfft. */
export interface IrfftOptions extends FftOptions {
  /** The signal had an odd length: m bins give 2m - 1 samples instead of 2(m - 1) (Theano's is_odd). */
  isOdd?: boolean;
}

const NORMS = either({ test: (v) => v === null, expected: "null" }, oneOf("backward", "ortho", "forward"));

const normOf = (norm: FftNorm | null | undefined): FftNorm => norm ?? "backward";

/**
 * The discrete Fourier transform of real input over its last axis (NumPy's `rfft`,
 * Theano's `fft.rfft`): for n samples, the n/2 + 1 non-negative frequency bins, each as
 * (real, imaginary) in a trailing axis of 2 since there are no complex dtypes. Any n,
 * O(n log n). norm: null (unscaled) or "ortho" (1/√n), as Theano; "forward" (1/n) as NumPy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * assert.deepEqual(T.function([x], T.rfft(x))([1, 2, 3, 4]).toArray(), [[10, 0], [-2, 2], [-2, 0]]);
 * ```
 */
export function rfft(x: TensorLike, options: FftOptions = {}): Variable {
  checkOptions("rfft", options, { norm: NORMS });
  return rfftOp.apply1([asTensor(x)], { norm: normOf(options.norm), weighted: false });
}

/**
 * The inverse of `rfft` (NumPy's `irfft`, Theano's `fft.irfft`): bins (..., m, 2) as
 * (real, imaginary) to 2(m - 1) real samples, or 2m - 1 with `isOdd`. The imaginary
 * parts of the zero-frequency bin (and of the Nyquist bin for an even length) are
 * ignored, as NumPy's. norm as in `rfft` (null scales this direction by 1/n).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as T from "../mod.ts";
 * const x = T.dvector("x");
 * const back = T.function([x], T.irfft(T.rfft(x), { isOdd: true }))([1, 2, 3]);
 * assert.deepEqual(back.toArray().map(Math.round), [1, 2, 3]);
 * ```
 */
export function irfft(y: TensorLike, options: IrfftOptions = {}): Variable {
  checkOptions("irfft", options, { norm: NORMS, isOdd: bool });
  return irfftOp.apply1([asTensor(y)], {
    norm: normOf(options.norm),
    odd: options.isOdd ?? false,
    weighted: false,
  });
}
