/**
 * Progress of training loops and other long work, for scripts and notebooks (the
 * `./progress` entry, `hypatia/progress` from npm): on a terminal, one bar redrawn in
 * place with the rate and the time left, never wider than the terminal (so it cannot
 * wrap and leave a line per redraw); otherwise (a pipe, a file, CI, a Jupyter notebook)
 * plain lines at regular fractions of the work and a final line. Like tqdm, it writes to
 * stderr by default, so what a script prints on stdout is unchanged. No dependencies.
 *
 * ```ts
 * import { Progress } from "./mod.ts";
 * const lines: string[] = [];
 * const bar = new Progress(100, { label: "train", out: { write: (s) => lines.push(s), isTTY: false } });
 * for (let i = 1; i <= 100; i++) bar.update(i);
 * bar.finish();
 * if (lines.length !== 10) throw new Error(lines.join(""));
 * ```
 * @module
 */
import process from "node:process";
import { anyValue, checkOptions } from "../core/options.ts";

/** Where progress is written: text sink and whether it is a terminal. */
export interface ProgressOutput {
  /** Write text as is (no newline is added). */
  write(text: string): void;
  /** Draw a bar redrawn in place (true) or print plain lines (false). */
  isTTY: boolean;
  /** Width of the terminal in characters, when known (read at every redraw: it may change). */
  readonly columns?: number;
}

/** The part of Deno's API used here (typed here: the npm build compiles without Deno's types). */
interface DenoStderr {
  stderr: { isTerminal(): boolean; writeSync(p: Uint8Array): number };
  consoleSize(): { columns: number };
}

/**
 * The process's stderr, working under Deno, Bun and Node. Not a terminal, it is written
 * line by line through `console.error`, which a notebook's kernel (Deno's Jupyter kernel)
 * captures where direct writes to stderr would not be seen.
 */
export function stderrOutput(): ProgressOutput {
  const deno = (globalThis as { Deno?: DenoStderr }).Deno;
  const isTTY = deno?.stderr ? deno.stderr.isTerminal() : !!process.stderr.isTTY;
  if (!isTTY) return { write: (text) => console.error(text.replace(/\n$/, "")), isTTY };
  if (deno?.stderr) {
    const enc = new TextEncoder();
    return {
      write: (text) => {
        const bytes = enc.encode(text);
        for (let off = 0; off < bytes.length;) off += deno.stderr.writeSync(bytes.subarray(off));
      },
      isTTY,
      get columns() {
        try {
          return deno.consoleSize().columns;
        } catch {
          return undefined; // not a console after all
        }
      },
    };
  }
  return {
    write: (text) => void process.stderr.write(text),
    isTTY,
    get columns() {
      return process.stderr.columns;
    },
  };
}

/** Seconds as `4.2s`, `3m07s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** A rate with three significant digits and k/M suffixes: `523`, `12.3k`, `4.56M`. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return "?";
  const [v, suffix] = perSecond >= 1e6
    ? [perSecond / 1e6, "M"]
    : perSecond >= 1e3
    ? [perSecond / 1e3, "k"]
    : [
      perSecond,
      "",
    ];
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}${suffix}`;
}

/** State of the work, for {@link renderBar} and {@link renderLine}. */
export interface ProgressState {
  /** Units done so far. */
  done: number;
  /** Units in all. */
  total: number;
  /** Seconds since the start. */
  elapsed: number;
  /** Text before the bar. */
  label?: string;
  /** Name of a unit, plural (default "steps"). */
  unit?: string;
}

/**
 * `done/total`, both with thousands separators when the total reaches 10,000 (so that
 * `3,019/20,000` reads as one kind of number, never `3019/20,000`).
 */
export function formatCounts(done: number, total: number): string {
  const f = (n: number) => (total >= 1e4 ? n.toLocaleString("en") : String(n));
  return `${f(done)}/${f(total)}`;
}

function parts(st: ProgressState) {
  const frac = st.total > 0 ? Math.min(1, Math.max(0, st.done / st.total)) : 1;
  const rate = st.elapsed > 0 ? st.done / st.elapsed : NaN;
  const eta = st.done >= st.total ? 0 : rate > 0 ? (st.total - st.done) / rate : NaN;
  const unit = st.unit ?? "steps";
  return { frac, rate, eta, unit, pct: `${(100 * frac).toFixed(0).padStart(3)}%` };
}

/**
 * One terminal line: label, a bar of `width` cells (eighth blocks for the partial cell),
 * percentage, counts, rate and ETA. A pure function of its arguments.
 *
 * @example
 * ```ts
 * import { renderBar } from "./mod.ts";
 * const s = renderBar({ done: 50, total: 100, elapsed: 2, label: "train" }, 10);
 * if (s !== "train |█████     |  50% 50/100 steps 25.0 steps/s ETA 2.0s") throw new Error(s);
 * ```
 */
export function renderBar(st: ProgressState, width = 30): string {
  const { frac, rate, eta, unit, pct } = parts(st);
  const tail = st.done >= st.total ? `in ${formatDuration(st.elapsed)}` : `ETA ${formatDuration(eta)}`;
  return `${st.label ? st.label + " " : ""}${bar(frac, width)} ${pct} ${
    formatCounts(st.done, st.total)
  } ${unit} ` +
    `${formatRate(rate)} ${unit}/s ${tail}`;
}

/** The widest bar {@link fitBar} draws, in cells. */
const MAX_BAR = 30;

/**
 * The terminal line for a terminal `columns` wide: at most `columns - 1` characters, so
 * it never wraps (a wrapped line is left behind by every redraw, since `\r` goes back to
 * the start of the last row only). The bar takes the room the text leaves, up to 30
 * cells; when that is under 5 the rate goes, then the label, then the unit, then the
 * time, and what still does not fit is cut.
 *
 * @example
 * ```ts
 * import { fitBar } from "./mod.ts";
 * const st = { done: 3019, total: 20000, elapsed: 2.5, label: "training" };
 * for (const columns of [20, 40, 80, 120]) {
 *   if ([...fitBar(st, columns)].length > columns - 1) throw new Error(`wider than ${columns}`);
 * }
 * if (!fitBar(st, 80).includes("3,019/20,000 steps")) throw new Error(fitBar(st, 80));
 * ```
 */
export function fitBar(st: ProgressState, columns: number): string {
  const room = Math.max(1, Math.floor(columns) - 1);
  const { frac, rate, eta, unit, pct } = parts(st);
  const tail = st.done >= st.total ? `in ${formatDuration(st.elapsed)}` : `ETA ${formatDuration(eta)}`;
  const counts = formatCounts(st.done, st.total);
  // Each try lists the texts after the bar, and the label; the first whose bar gets 5 cells wins.
  const tries: [string | undefined, string[]][] = [
    [st.label, [pct, `${counts} ${unit}`, `${formatRate(rate)} ${unit}/s`, tail]],
    [st.label, [pct, `${counts} ${unit}`, tail]],
    [undefined, [pct, `${counts} ${unit}`, tail]],
    [undefined, [pct, counts, tail]],
    [undefined, [pct, counts]],
    [undefined, [pct]],
  ];
  let line = "";
  for (const [label, after] of tries) {
    const text = after.join(" ");
    const head = label ? `${label} ` : "";
    const width = Math.min(MAX_BAR, room - [...head].length - [...text].length - 3); // 2 edges, 1 space
    if (width >= 5 || label === undefined && after.length === 1) {
      line = `${head}${bar(frac, Math.max(1, width))} ${text}`;
      if (width >= 5) return line;
    }
  }
  return [...line].slice(0, room).join("");
}

/** `|█████▌    |`: `width` cells, the partial one in eighths. */
function bar(frac: number, width: number): string {
  const eighths = Math.floor(frac * width * 8);
  const full = Math.floor(eighths / 8), rest = eighths % 8;
  const partial = rest > 0 && full < width ? " ▏▎▍▌▋▊▉"[rest] : "";
  const cells = "█".repeat(full) + partial;
  return `|${cells}${" ".repeat(width - cells.length)}|`;
}

/**
 * One plain line for logs: label, percentage, counts, rate, and ETA (or the total time
 * once finished). A pure function of its arguments.
 *
 * @example
 * ```ts
 * import { renderLine } from "./mod.ts";
 * const s = renderLine({ done: 100, total: 100, elapsed: 4, label: "mc", unit: "draws" });
 * if (s !== "mc: 100% 100/100 draws, 25.0 draws/s, done in 4.0s") throw new Error(s);
 * ```
 */
export function renderLine(st: ProgressState): string {
  const { rate, eta, unit, pct } = parts(st);
  const tail = st.done >= st.total ? `done in ${formatDuration(st.elapsed)}` : `ETA ${formatDuration(eta)}`;
  return `${st.label ? st.label + ": " : ""}${pct.trimStart()} ${formatCounts(st.done, st.total)} ${unit}, ` +
    `${formatRate(rate)} ${unit}/s, ${tail}`;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Text before the bar or line. */
  label?: string;
  /** Name of a unit, plural (default "steps"). */
  unit?: string;
  /** Where to write (default: stderr, a bar when it is a terminal). */
  out?: ProgressOutput;
  /** Plain mode: print a line each time this fraction of the work is passed (default 0.1). */
  every?: number;
  /** Terminal mode: least time between redraws in seconds (default 0.1). */
  redraw?: number;
  /** Clock in seconds (default `performance.now() / 1000`); tests pass a fake one. */
  now?: () => number;
}

/** The keys of {@link ProgressOptions}; any other is refused, never ignored. */
const OPTION_KEYS = ["label", "unit", "out", "every", "redraw", "now"];

/**
 * A progress bar (terminal) or periodic progress lines (anything else) for `total` units.
 * Call `update(done)` as work finishes, `log(text)` to print a line of output on
 * stdout without breaking the bar, and `finish()` at the end.
 *
 * @example
 * ```ts
 * import { Progress } from "./mod.ts";
 * let text = "";
 * const bar = new Progress(4, { out: { write: (s) => text += s, isTTY: true }, redraw: 0 });
 * for (let i = 1; i <= 4; i++) bar.update(i);
 * bar.finish();
 * if (!text.includes("\r") || !text.endsWith("\n")) throw new Error(JSON.stringify(text));
 * ```
 */
export class Progress {
  /** Units in all. */
  readonly total: number;
  #opt: Required<Omit<ProgressOptions, "label">> & { label?: string };
  #t0: number;
  #done = 0;
  #lines = 0;
  #lastDraw = -Infinity;
  #drawn = false;
  #finished = false;

  /** Progress over `total` units (a finite number ≥ 0), started now. */
  constructor(total: number, options: ProgressOptions = {}) {
    if (!(total >= 0) || !Number.isFinite(total)) throw new RangeError(`Progress: bad total ${total}`);
    checkOptions("Progress", options, Object.fromEntries(OPTION_KEYS.map((k) => [k, anyValue])));
    this.total = total;
    this.#opt = {
      label: options.label,
      unit: options.unit ?? "steps",
      out: options.out ?? stderrOutput(),
      every: options.every ?? 0.1,
      redraw: options.redraw ?? 0.1,
      now: options.now ?? (() => performance.now() / 1000),
    };
    if (!(this.#opt.every > 0)) throw new RangeError(`Progress: every must be > 0, got ${this.#opt.every}`);
    this.#t0 = this.#opt.now();
  }

  #state(now: number): ProgressState {
    const { label, unit } = this.#opt;
    return { done: this.#done, total: this.total, elapsed: now - this.#t0, label, unit };
  }

  #draw(now: number) {
    const out = this.#opt.out;
    out.write(`\r${fitBar(this.#state(now), out.columns ?? 80)}\x1b[K`);
    this.#drawn = true;
    this.#lastDraw = now;
  }

  /** Record that `done` units (in all, not more) are finished. */
  update(done: number): void {
    if (this.#finished) return;
    this.#done = Math.min(done, this.total);
    const now = this.#opt.now(); // read once per update
    if (this.#opt.out.isTTY) {
      if (now - this.#lastDraw >= this.#opt.redraw || this.#done >= this.total) this.#draw(now);
      return;
    }
    // The k-th line is due once k * every of the work is done (the small slack keeps
    // 0.3 / 0.1 = 2.9999999999999996 from missing the third line); the last is finish()'s.
    const k = Math.floor((this.total > 0 ? this.#done / this.total : 1) / this.#opt.every + 1e-9);
    if (k > this.#lines && this.#done < this.total) {
      this.#opt.out.write(renderLine(this.#state(now)) + "\n");
      this.#lines = k;
    }
  }

  /** Record `n` more units done (default 1). */
  tick(n = 1): void {
    this.update(this.#done + n);
  }

  /**
   * Print `text` and a newline on stdout; on a terminal the bar is cleared first and
   * redrawn after, so the output reads as if the bar were not there.
   */
  log(text: string): void {
    const tty = this.#opt.out.isTTY && this.#drawn && !this.#finished;
    if (tty) this.#opt.out.write("\r\x1b[K");
    console.log(text);
    if (tty) this.#draw(this.#opt.now());
  }

  /** Draw the final state (a full bar, or the last line) and end the line. Idempotent. */
  finish(): void {
    if (this.#finished) return;
    const now = this.#opt.now();
    if (this.#opt.out.isTTY) {
      this.#draw(now);
      this.#opt.out.write("\n");
    } else this.#opt.out.write(renderLine(this.#state(now)) + "\n");
    this.#finished = true;
  }
}
