/**
 * Reductions beside sum: mean prod max min argmax argmin any all var std. The ops live
 * in reduce_minmax.ts (order and logic) and reduce_stats.ts (mean, prod, var, std);
 * this file gathers their user-facing functions.
 * @module
 */
export { all, any, argmax, argmin, max, min } from "./reduce_minmax.ts";
export { mean, prod, std, variance } from "./reduce_stats.ts";
