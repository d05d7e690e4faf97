/**
 * The worked examples of Theano's basic tutorials, in Hypatia. Each prints what Theano
 * printed. Run: `deno run scripts/basics.ts` (or `bun scripts/basics.ts`).
 * @module
 */
import { parseArgs } from "node:util";
import * as T from "../mod.ts";
import { usage } from "./lib/usage.ts";

const { values } = parseArgs({ options: { help: { type: "boolean", short: "h" } } });
const HELP = `${usage("scripts/basics.ts")}

Runs the Theano basics tutorial examples and prints their results.`;
if (values.help) console.log(HELP);
else main();

function main() {
  const show = (label: string, value: unknown) => console.log(`${label}\n${value}\n`);

  // --- The logistic function, elementwise on a matrix.
  {
    const x = T.dmatrix("x");
    const s = T.div(1, T.add(1, T.exp(T.neg(x))));
    const logistic = T.function([x], s);
    show("logistic([[0, 1], [-1, -2]])", logistic([[0, 1], [-1, -2]]));
    show("logistic([[1, 2], [3, 4]])", logistic([[1, 2], [3, 4]]));
    // The same with tanh: s(x) = (1 + tanh(x / 2)) / 2
    const s2 = T.div(T.add(1, T.tanh(T.div(x, 2))), 2);
    show("logistic2([[0, 1], [-1, -2]])", T.function([x], s2)([[0, 1], [-1, -2]]));
  }

  // --- Several outputs at once.
  {
    const [a, b] = T.dmatrices("a", "b");
    const diff = T.sub(a, b);
    const f = T.function([a, b], [diff, T.abs(diff), T.pow(diff, 2)]);
    const [d, absD, sq] = f([[1, 1], [1, 1]], [[0, 1], [2, 3]]);
    show("diff", d);
    show("abs_diff", absD);
    show("diff_squared", sq);
  }

  // --- Default values and keyword arguments.
  {
    const [x, y, w] = T.dscalars("x", "y", "w");
    const z = T.mul(T.add(x, y), w);
    const f = T.function([x, new T.In(y, { value: 1 }), new T.In(w, { value: 2, name: "w_by_name" })], z);
    console.log(`f(1) = ${f(1)}`);
    console.log(`f(1, 2) = ${f(1, 2)}`);
    console.log(`f(1, 1, 1) = ${f(1, 1, 1)}`);
    console.log(`f(1, { w_by_name: 1, y: 0 }) = ${f(1, { w_by_name: 1, y: 0 })}\n`);
  }

  // --- Shared state: an accumulator, a decrementor sharing it, givens, copies.
  {
    const state = T.shared(0, { name: "state" });
    const inc = T.iscalar("inc");
    const accumulator = T.function([inc], state, { updates: [[state, T.add(state, inc)]] });
    console.log(`state = ${state.getValue()}`);
    accumulator(1);
    console.log(`after accumulator(1): state = ${state.getValue()}`);
    accumulator(200);
    console.log(`after accumulator(200): state = ${state.getValue()}`);
    state.setValue(-1);
    accumulator(2);
    console.log(`after setValue(-1), accumulator(2): state = ${state.getValue()}`);
    const decrementor = T.function([inc], state, { updates: [[state, T.sub(state, inc)]] });
    decrementor(2);
    console.log(`after decrementor(2): state = ${state.getValue()}`);

    const fnOfState = T.add(T.mul(state, 2), inc);
    const fooIn = T.scalar("foo", state.dtype); // Theano: T.scalar(dtype=state.dtype)
    const skipShared = T.function([inc, fooIn], fnOfState, { givens: [[state, fooIn]] });
    console.log(`skip_shared(1, 3) = ${skipShared(1, 3)}`);
    console.log(`state is still ${state.getValue()}`);

    state.setValue(10);
    const newState = T.shared(0, { name: "new_state" });
    const newAccumulator = accumulator.copy({ swap: [[state, newState]] });
    newAccumulator(100);
    console.log(`copy with swap: new_state = ${newState.getValue()}, state = ${state.getValue()}`);
    const nullAccumulator = accumulator.copy({ deleteUpdates: true });
    nullAccumulator(9000);
    console.log(`copy with deleteUpdates: state = ${state.getValue()}\n`);
  }

  // --- Matrix products.
  {
    const [a, b] = T.dmatrices("a", "b");
    const x = [[1, 2], [3, 4], [5, 6]];
    const y = [[1, 2], [3, 4]];
    show("dot(3x2, 2x2)", T.function([a, b], T.dot(a, b))(x, y));
    show("elementwise product of 2x2 matrices", T.function([a, b], T.mul(a, b))(y, y));
    const [p, q] = [T.dtensor3("p"), T.dtensor3("q")];
    const bd = T.function([p, q], T.batchedDot(p, q));
    const left = Array.from({ length: 4 }, (_, i) => [[i, 1, 0], [0, 1, i]]);
    const right = Array.from({ length: 4 }, () => [[1, 0], [0, 1], [1, 1]]);
    const out = bd(left, right);
    show(`batchedDot of 4x2x3 and 4x3x2 has shape (${out.shape.join(", ")})`, out);
  }

  // --- A single neuron with shared weights and bias.
  {
    const x = T.dvector("x");
    const w = T.shared([1, -1, 0.5], { name: "w" });
    const b = T.shared(0.1, { name: "b" });
    const neuron = T.function([x], T.sigmoid(T.add(T.dot(x, w), b)));
    show("neuron([1, 2, 3])", neuron([1, 2, 3]));
  }
}
