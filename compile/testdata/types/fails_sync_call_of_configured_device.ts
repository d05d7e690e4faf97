/** Must fail `deno check`: a function on the configured device may return a Promise. */
import * as T from "../../../mod.ts";

const x = T.dvector("x");
const f = T.function([x], T.neg(x), { device: T.config.device });
export const firstElement: number = f([1, 2]).item(0);
