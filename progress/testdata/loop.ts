/**
 * A training-like loop for progress/tty_test.ts: 20,000 steps with a redraw at every
 * update, run inside tmux; prints "DONE" on stdout when finished.
 */
import { Progress } from "../mod.ts";

const total = 20_000;
const bar = new Progress(total, { label: "training", redraw: 0 });
for (let done = 0; done < total;) {
  done += 97; // uneven steps: the counts change width as they grow
  bar.update(done);
  await new Promise((r) => setTimeout(r, 2));
}
bar.finish();
console.log("DONE");
