/**
 * Linear algebra (Theano's nlinalg and slinalg): the factorisation ops and the functions
 * composed from them. The factorisations, matrixInverse, det, solve, expm, pinv and
 * matrixPower also take stacks of matrices (..., m, n), one result per matrix, as NumPy.
 * @module
 */
export {
  cholesky,
  det,
  matrixInverse,
  solve,
  solveLowerTriangular,
  solveUpperTriangular,
  type TriangularOptions,
} from "./nlinalg.ts";
export { eigh, eigvalsh, qr, type QrOptions, svd, type SvdOptions } from "./decomp.ts";
export { eig } from "./eig.ts";
export { expm } from "./expm.ts";
export {
  kron,
  matrixDot,
  matrixPower,
  norm,
  type NormOptions,
  type NormOrd,
  pinv,
  type PinvOptions,
  tensorinv,
  tensorsolve,
} from "./compose.ts";
