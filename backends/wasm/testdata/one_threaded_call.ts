// A script whose only large elementwise call starts the wasm worker pool (that call itself
// runs on one thread while the workers boot); it must end by itself (threads_exit_test.ts).
import * as T from "../../../mod.ts";
const x = T.dvector("x");
const y = T.function([x], T.exp(x))(new Float64Array(1 << 20));
console.log(`done ${y.size}`);
