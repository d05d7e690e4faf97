/**
 * progress/mod.ts: the bar and line texts as pure functions of counts and times,
 * the plain (non-terminal) and terminal modes with a fake clock, and the training
 * scripts' stderr when it is a pipe.
 */
import assert from "node:assert/strict";
import {
  fitBar,
  formatCounts,
  formatDuration,
  formatRate,
  Progress,
  type ProgressOutput,
  renderBar,
  renderLine,
} from "./mod.ts";

/** A fake output collecting every write, and a clock advancing `dt` seconds per reading. */
function fake(isTTY: boolean, dt = 0) {
  const writes: string[] = [];
  let t = 0;
  const out: ProgressOutput = { write: (s) => void writes.push(s), isTTY, columns: 90 };
  return { writes, out, now: () => (t += dt), set: (v: number) => void (t = v) };
}

Deno.test("formatDuration() and formatRate() read as people write them", () => {
  assert.equal(formatDuration(0), "0.0s");
  assert.equal(formatDuration(59.94), "59.9s");
  assert.equal(formatDuration(187), "3m07s");
  assert.equal(formatDuration(3600 + 2 * 60 + 29), "1h02m");
  assert.equal(formatDuration(NaN), "?");
  assert.equal(formatDuration(-1), "?");
  assert.equal(formatRate(7), "7.00");
  assert.equal(formatRate(25), "25.0");
  assert.equal(formatRate(523.4), "523");
  assert.equal(formatRate(12_345), "12.3k");
  assert.equal(formatRate(4_560_000), "4.56M");
  assert.equal(formatRate(Infinity), "?");
});

Deno.test("renderBar() fills width × done/total cells, in eighths, with rate and ETA", () => {
  // 30 of 120 in 3 s: 10 steps/s, 90 left -> 9 s; a quarter of 20 cells = 5 full cells.
  assert.equal(
    renderBar({ done: 30, total: 120, elapsed: 3, label: "train" }, 20),
    "train |█████               |  25% 30/120 steps 10.0 steps/s ETA 9.0s",
  );
  // 3/16 of 8 cells = 1.5 cells: one full and a half (4/8) block.
  assert.equal(renderBar({ done: 3, total: 16, elapsed: 1, unit: "draws" }, 8).slice(0, 10), "|█▌      |");
  // Finished: a full bar and the total time instead of the ETA.
  assert.equal(
    renderBar({ done: 50, total: 50, elapsed: 125 }, 4),
    "|████| 100% 50/50 steps 0.40 steps/s in 2m05s",
  );
  // Nothing done yet: empty bar, no rate, no ETA.
  assert.equal(renderBar({ done: 0, total: 10, elapsed: 0 }, 4), "|    |   0% 0/10 steps ? steps/s ETA ?");
  // Large counts get thousands separators.
  assert.match(
    renderBar({ done: 2_500_000, total: 10_000_000, elapsed: 1 }),
    / 2,500,000\/10,000,000 steps 2\.50M/,
  );
});

Deno.test("renderBar() is always width cells wide with floor(width · fraction) full ones", () => {
  for (const width of [1, 7, 30]) {
    for (let total = 1; total <= 40; total += 3) {
      for (let done = 0; done <= total; done++) {
        const s = renderBar({ done, total, elapsed: 1 }, width);
        const cells = [...s.slice(1, s.indexOf("|", 1))];
        assert.equal(cells.length, width, s);
        assert.equal(cells.filter((c) => c === "█").length, Math.floor((width * done) / total + 1e-12), s);
      }
    }
  }
});

Deno.test("formatCounts() writes done and total alike: separators for both once the total reaches 10,000", () => {
  assert.equal(formatCounts(3019, 20_000), "3,019/20,000");
  assert.equal(formatCounts(20_000, 20_000), "20,000/20,000");
  assert.equal(formatCounts(3019, 9999), "3019/9999");
  assert.equal(formatCounts(7, 2_500_000), "7/2,500,000");
  assert.match(renderLine({ done: 3019, total: 20_000, elapsed: 1 }), / 3,019\/20,000 steps,/);
});

Deno.test("fitBar() never reaches the terminal's last column, dropping the rate, label, unit and time in turn", () => {
  const states = [
    { done: 3019, total: 20_000, elapsed: 2.5, label: "training" },
    { done: 2_500_000, total: 10_000_000, elapsed: 61, label: "sampling", unit: "draws" },
    { done: 7, total: 7, elapsed: 4000, label: "a rather long label for a loop" },
    { done: 0, total: 10, elapsed: 0 },
  ];
  for (const st of states) {
    for (let columns = 1; columns <= 200; columns++) {
      const line = fitBar(st, columns);
      assert.ok([...line].length <= Math.max(1, columns - 1), `${columns}: ${line}`);
    }
  }
  const st = states[0];
  // Wide: everything, with a 30-cell bar.
  assert.equal(fitBar(st, 120), renderBar(st, 30));
  // 80 columns: everything still fits, with a narrower bar.
  assert.match(
    fitBar(st, 80),
    /^training \|█*[ ▏▎▍▌▋▊▉]* *\| {2}15% 3,019\/20,000 steps 1\.21k steps\/s ETA 14\.1s$/,
  );
  // Narrower: the rate goes, then the label, then the unit, then the time.
  assert.equal(fitBar(st, 60), "training |██            |  15% 3,019/20,000 steps ETA 14.1s");
  assert.equal(fitBar(st, 48), "|█▋         |  15% 3,019/20,000 steps ETA 14.1s"); // 47 characters
  assert.equal(fitBar(st, 40), "|█▎       |  15% 3,019/20,000 ETA 14.1s");
  assert.equal(fitBar(st, 30), "|█▎       |  15% 3,019/20,000");
  assert.equal(fitBar(st, 16), "|█▏      |  15%");
});

Deno.test("renderLine() gives percentage, counts, rate and ETA, then the total time", () => {
  assert.equal(
    renderLine({ done: 250, total: 1000, elapsed: 5, label: "training" }),
    "training: 25% 250/1000 steps, 50.0 steps/s, ETA 15.0s",
  );
  assert.equal(
    renderLine({ done: 8, total: 8, elapsed: 2, unit: "batches" }),
    "100% 8/8 batches, 4.00 batches/s, done in 2.0s",
  );
});

Deno.test("Progress without a terminal prints a line each 10% and a final line", () => {
  const f = fake(false);
  const bar = new Progress(1000, { label: "training", out: f.out, now: f.now });
  for (let i = 1; i <= 1000; i++) {
    f.set(i / 100); // 100 steps a second
    bar.update(i);
  }
  bar.finish();
  bar.finish(); // idempotent
  bar.update(5); // ignored once finished
  assert.equal(f.writes.length, 10);
  for (let k = 1; k <= 9; k++) {
    const left = (1000 - 100 * k) / 100;
    assert.equal(
      f.writes[k - 1],
      `training: ${10 * k}% ${100 * k}/1000 steps, 100 steps/s, ETA ${left.toFixed(1)}s\n`,
    );
  }
  assert.equal(f.writes[9], "training: 100% 1000/1000 steps, 100 steps/s, done in 10.0s\n");
});

Deno.test("Progress without a terminal: no line lost to rounding (0.3 / 0.1), one line per jump", () => {
  const f = fake(false, 1);
  const bar = new Progress(10, { out: f.out, now: f.now });
  for (let i = 1; i <= 10; i++) bar.update(i);
  bar.finish();
  assert.deepEqual(f.writes.map((w) => Number(/ (\d+)\/10 /.exec(w)![1])), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  const g = fake(false, 1);
  const jumpy = new Progress(1000, { out: g.out, now: g.now, every: 0.25 });
  for (const d of [100, 550, 560, 749, 750, 999]) jumpy.update(d);
  jumpy.finish();
  assert.deepEqual(g.writes.map((w) => Number(/ (\d+)\/1000 /.exec(w)![1])), [550, 750, 999]);
});

Deno.test("Progress on a terminal redraws one line in place, at most every `redraw` seconds", () => {
  const f = fake(true);
  const bar = new Progress(100, { label: "t", out: f.out, now: f.now, redraw: 0.5 });
  for (let i = 1; i <= 100; i++) {
    f.set(i / 8); // exact binary times, 4 updates per half second
    bar.update(i);
  }
  const draws = f.writes.filter((w) => w.startsWith("\rt |"));
  assert.ok(draws.every((w) => w.endsWith("\x1b[K") && !w.includes("\n")));
  // Drawn at updates 1, 5, 9, ..., 97 (every half second) and at 100 (the end): 26 times.
  assert.equal(draws.length, 26);
  assert.ok(draws[1].endsWith("|   5% 5/100 steps 8.00 steps/s ETA 11.9s\x1b[K"), draws[1]);
  assert.match(draws.at(-1)!, /100% 100\/100 steps/);
  bar.finish();
  assert.equal(f.writes.at(-1), "\n");
  assert.match(f.writes.at(-2)!, /^\rt \|█+\| 100% 100\/100 steps .* in /);
});

Deno.test("Progress.log() clears the bar, prints on stdout and redraws it; plain mode only prints", () => {
  const printed: string[] = [];
  const original = console.log;
  console.log = (s: string) => void printed.push(s);
  try {
    const f = fake(true, 1);
    const bar = new Progress(10, { out: f.out, now: f.now, redraw: 0 });
    bar.update(3);
    const before = f.writes.length;
    bar.log("step 3  cost 0.5");
    assert.deepEqual(printed, ["step 3  cost 0.5"]);
    assert.equal(f.writes[before], "\r\x1b[K");
    assert.match(f.writes[before + 1], /^\r\|.*\| +30% 3\/10/);

    const g = fake(false, 1);
    const plain = new Progress(10, { out: g.out, now: g.now });
    plain.log("a line");
    assert.deepEqual(printed, ["step 3  cost 0.5", "a line"]);
    assert.deepEqual(g.writes, []);
  } finally {
    console.log = original;
  }
});

Deno.test("Progress rejects a negative, NaN or infinite total, a zero period and an unknown option", () => {
  const out = fake(false).out;
  for (const total of [-1, NaN, Infinity]) assert.throws(() => new Progress(total, { out }), RangeError);
  assert.throws(() => new Progress(10, { out, every: 0 }), /every must be > 0/);
  assert.throws(
    () => new Progress(10, { out, lable: "x" } as Record<string, unknown>),
    /Progress: unknown option "lable"; did you mean "label"\? \(options: label, unit, out, every, redraw, now\)/,
  );
  const empty = fake(false);
  const bar = new Progress(0, { out: empty.out, now: empty.now });
  bar.finish();
  assert.match(empty.writes[0], /^100% 0\/0 steps, .* done in /);
});

Deno.test("Training and Monte Carlo scripts: progress lines on stderr when it is a pipe, stdout unchanged", async () => {
  const dir = new URL("../scripts/", import.meta.url).pathname;
  const run = async (script: string, ...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", "--allow-read", "--allow-env", `${dir}${script}`, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    assert.equal(out.code, 0, text(out.stderr));
    return { stdout: text(out.stdout), stderr: text(out.stderr).trim().split("\n") };
  };
  const rnn = await run("rnn.ts", "--epochs", "20", "--every", "10");
  assert.equal([...rnn.stdout.matchAll(/^step +\d+ +loss \S+$/gm)].length, 3);
  assert.ok(!rnn.stdout.includes("training:"));
  assert.deepEqual(rnn.stderr.map((l) => /^training: (\d+)% (\d+)\/20 steps/.exec(l)?.slice(1).map(Number)), [
    [10, 2],
    [20, 4],
    [30, 6],
    [40, 8],
    [50, 10],
    [60, 12],
    [70, 14],
    [80, 16],
    [90, 18],
    [100, 20],
  ]);
  assert.match(rnn.stderr[9], /done in /);

  const mc = await run("monte_carlo.ts", "--samples", "4000", "--batch", "1000");
  assert.match(mc.stdout, /^π \(uniform points/m);
  assert.ok(!mc.stdout.includes("sampling"));
  assert.deepEqual(mc.stderr.map((l) => /^sampling: (\d+)% /.exec(l)?.[1]), ["25", "50", "75", "100"]);
});
