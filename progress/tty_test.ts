/**
 * The progress bar in a real terminal: tmux panes 40, 80 and 120 columns wide run a
 * 20,000-step loop (progress/testdata/loop.ts) under Deno and under Bun, redrawing at
 * every update; afterwards the screen holds one bar line (and the loop's "DONE"), never
 * wider than the pane. tmux must be installed (.ci/run installs it); the test uses its own
 * tmux server socket and stops only that server.
 */
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;
const loop = `${root}progress/testdata/loop.ts`;
const bun = `${root}node_modules/.bin/bun`;
/** The tmux server of the running test: one per test, so one's shutdown cannot meet the next one's start. */
let socket = "";

async function tmux(...args: string[]): Promise<string> {
  let out;
  try {
    out = await new Deno.Command("tmux", { args: ["-L", socket, ...args], stdout: "piped", stderr: "piped" })
      .output();
  } catch (e) {
    throw new Error(`tmux is needed for this test (apt-get install tmux; .ci/run installs it): ${e}`);
  }
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, `tmux ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return text;
}

/** Runs `command` in a detached pane `columns` wide; returns the screen once "DONE" shows. */
async function screenAfter(command: string, columns: number): Promise<string[]> {
  const name = `w${columns}`;
  // The shell stays after the command so the pane (and its screen) can be read.
  await tmux("new-session", "-d", "-s", name, "-x", String(columns), "-y", "15", `${command}; sleep 120`);
  try {
    for (let i = 0; i < 600; i++) {
      const screen = await tmux("capture-pane", "-p", "-t", name);
      if (/^DONE$/m.test(screen)) return screen.split("\n").filter((l) => l.trim() !== "");
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `no DONE after 60 s in ${columns} columns:\n${await tmux("capture-pane", "-p", "-t", name)}`,
    );
  } finally {
    await tmux("kill-session", "-t", name);
  }
}

for (
  const [runtime, command] of [
    ["Deno", `cd ${root} && ${Deno.execPath()} run --no-check ${loop}`],
    ["Bun", `cd ${root} && ${bun} ${loop}`],
  ]
) {
  Deno.test(`Progress in tmux at 40, 80 and 120 columns under ${runtime}: one bar line on the screen afterwards`, async () => {
    socket = `hypatia_progress_${Deno.pid}_${runtime}`;
    // An idle session keeps the server up between the panes (it exits with its last session).
    await tmux("new-session", "-d", "-s", "keeper", "sleep 600");
    try {
      for (const columns of [40, 80, 120]) {
        const lines = await screenAfter(command, columns);
        const bars = lines.filter((l) => /\d+% /.test(l));
        assert.equal(
          bars.length,
          1,
          `${columns} columns, ${runtime}: one bar line, not\n${lines.join("\n")}`,
        );
        assert.deepEqual(lines, [bars[0], "DONE"], `${columns} columns, ${runtime}`);
        assert.match(bars[0], /^(training )?\|█+\| 100% 20,000\/20,000/, `${columns} columns: ${bars[0]}`);
        assert.ok([...bars[0]].length < columns, `${columns} columns: ${bars[0].length} characters`);
        if (columns >= 80) assert.match(bars[0], /^training \|█+\| 100% 20,000\/20,000 steps .* in /);
      }
    } finally {
      await tmux("kill-server").catch(() => {});
    }
  });
}
