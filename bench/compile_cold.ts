/**
 * One cold compile: a fresh process builds a 1,000-node elementwise graph, compiles it
 * (T.function) and calls it once, then prints the three times in ms as JSON. Run by
 * compare_tfjs.ts several times; also runnable alone:
 *
 *   deno run --allow-read --allow-env bench/compile_cold.ts
 */
import * as T from "../mod.ts";
import { buildElementwiseGraph } from "./common.ts";

const t0 = performance.now();
const { x, y } = buildElementwiseGraph(1000);
const t1 = performance.now();
const f = T.function([x], y);
const t2 = performance.now();
f([0.1, 0.2, 0.3]);
const t3 = performance.now();
console.log(JSON.stringify({ build: t1 - t0, compile: t2 - t1, firstCall: t3 - t2 }));
