/**
 * The example notebooks run in Jupyter: nbconvert executes each with Deno's kernel (a
 * kernelspec written for this test, pointing at the running Deno, as `deno jupyter
 * --install` writes one), and the outputs are what the library shows: NDArrays as tables,
 * graphs as pp text, charts as SVG, progress as plain lines. Needs Debian's
 * jupyter-nbconvert and python3-nbclient (.ci/run installs them).
 */
import assert from "node:assert/strict";
import * as T from "../mod.ts";

const here = new URL(".", import.meta.url).pathname;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

const join = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : t ?? "");

/** Whether a code cell ends with an expression, whose value Jupyter shows as its result. */
const showsResult = (c: Cell) => {
  const last = join(c.source).trimEnd().split("\n").at(-1)!.trim();
  return !last.startsWith("import ") && !last.endsWith(";") && !last.endsWith("}");
};

/**
 * Executes examples/`name` with nbconvert; returns the code cells of the executed notebook.
 * Deno's kernel now and then sends a cell's result after reporting the cell done, and
 * nbclient drops it (one run in two or three lost one result on this busy machine): a run
 * that lost a result is run again, up to ten runs, and the checks see the last.
 */
async function execute(name: string): Promise<Cell[]> {
  let cells: Cell[] = [];
  for (let attempt = 1; attempt <= 10; attempt++) {
    cells = await executeOnce(name);
    const lost = cells.filter((c) =>
      showsResult(c) && !c.outputs?.some((o) => o.output_type === "execute_result")
    );
    if (lost.length === 0) break;
    console.warn(
      `${name}: the kernel's result of ${JSON.stringify(join(lost[0].source))} was lost; running again`,
    );
  }
  return cells;
}

async function executeOnce(name: string): Promise<Cell[]> {
  const tmp = await Deno.makeTempDir({ prefix: "hypatia_nb_" });
  try {
    const kernel = `${tmp}/jupyter/kernels/deno`;
    await Deno.mkdir(kernel, { recursive: true });
    await Deno.writeTextFile(
      `${kernel}/kernel.json`,
      JSON.stringify({
        argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
        display_name: "Deno",
        language: "typescript",
      }),
    );
    let out;
    try {
      out = await new Deno.Command("jupyter", {
        args: [
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          "--ExecutePreprocessor.timeout=120",
          "--output",
          `${tmp}/${name}`,
          `${here}${name}`,
        ],
        cwd: here,
        env: { JUPYTER_PATH: `${tmp}/jupyter`, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (e) {
      throw new Error(
        `jupyter nbconvert is needed (apt-get install jupyter-nbconvert python3-nbclient): ${e}`,
      );
    }
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const nb = JSON.parse(await Deno.readTextFile(`${tmp}/${name}`));
    const cells = (nb.cells as Cell[]).filter((c) => c.cell_type === "code");
    for (const c of cells) {
      const errors = (c.outputs ?? []).filter((o) => o.output_type === "error");
      assert.deepEqual(errors, [], join(c.source));
    }
    return cells;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

/** The data of a cell's result, by MIME type. */
function result(cell: Cell): Record<string, string> {
  const r = (cell.outputs ?? []).find((o) => o.output_type === "execute_result");
  assert.ok(r?.data, `no result for ${join(cell.source)}`);
  return Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, join(v)]));
}

Deno.test("examples/basics.ipynb runs in Jupyter: arrays as tables, graphs as pp text and pictures, a chart", async () => {
  const cells = await execute("basics.ipynb");
  const [, logistic, grad, compiled, call, large, chart, picture] = cells;

  const x = T.dmatrix("x");
  const expected = T.function([x], T.div(1, T.add(1, T.exp(T.neg(x)))))([[0, 1], [-1, -2]]);
  assert.deepEqual(result(logistic), T.arrayMimeBundle(expected));

  const y = T.dscalar("y");
  const gy = T.grad(T.pow(y, 2), y);
  assert.equal(result(grad)["text/plain"], T.pp(gy));
  assert.match(result(grad)["text/html"], /<details><summary>debugprint<\/summary>/);
  assert.equal(result(compiled)["text/plain"], `<compiled function>\n${T.pp(T.function([y], gy))}`);
  assert.equal(result(compiled)["text/plain"], "<compiled function>\n(2.0 * y)");
  assert.equal(result(call)["text/plain"], "8.0");

  const big = result(large);
  assert.match(big["text/html"], /<caption>int64 \(40, 50\)<\/caption>/);
  assert.equal([...big["text/html"].matchAll(/<tr><th>\d+<\/th>/g)].length, 6, "3 rows at each edge");
  assert.ok(big["text/plain"].startsWith("[[   0    1    2 ...   47   48   49]"), big["text/plain"]);

  const svg = result(chart);
  assert.match(svg["image/svg+xml"], /^<svg /);
  assert.ok(
    svg["image/svg+xml"].includes("s&#39;(x) from T.grad") ||
      svg["image/svg+xml"].includes("s'(x) from T.grad"),
  );
  assert.equal(svg["text/plain"], "line chart of s(x), s'(x) from T.grad");

  const drawn = result(picture);
  assert.equal(drawn["text/plain"], "(2.0 * y)");
  for (const title of ["before", "after", "fill", "mul"]) {
    assert.ok(drawn["image/svg+xml"].includes(`>${title}</text>`), `the graph picture shows "${title}"`);
  }
});

Deno.test("examples/training.ipynb runs in Jupyter: progress as plain lines, the cost falls, its chart", async () => {
  const cells = await execute("training.ipynb");
  const loop = cells.find((c) => join(c.source).includes("new Progress"))!;
  const stderr = (loop.outputs ?? []).filter((o) => o.name === "stderr").map((o) => join(o.text)).join("");
  const lines = stderr.trim().split("\n");
  assert.deepEqual(lines.map((l) => /^training: (\d+)% (\d+)\/200 steps, /.exec(l)?.slice(1)), [
    ["25", "50"],
    ["50", "100"],
    ["75", "150"],
    ["100", "200"],
  ]);
  assert.match(lines[3], /done in /);
  assert.ok(!stderr.includes("\r"), "no bar redraws in a notebook");
  assert.equal(result(loop)["text/plain"], "true", "the cost fell");
  assert.match(result(cells.at(-1)!)["image/svg+xml"], /^<svg /);
});
