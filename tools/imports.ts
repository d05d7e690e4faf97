/**
 * Import graph of the project's TypeScript files: used to reject cycles and imports
 * that point the wrong way (core -> ops -> autodiff -> backends -> compile -> mod.ts).
 * @module
 */

/** Layers in import order: a file may import its own layer or an earlier one. */
export const LAYERS = ["core", "ops", "autodiff", "random", "backends", "compile"] as const;

/** The project's source files (not tests, not node_modules). */
export async function sourceFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(`${root}/${dir}`)) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory) {
        if (["node_modules", ".git", "npm", "docs"].includes(e.name)) continue;
        await walk(rel);
      } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(rel);
    }
  };
  await walk("");
  return out.sort();
}

/** Source text without comments (doc examples contain imports too). */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** An import or re-export statement; groups: keyword, "type ", specifier. */
export const IMPORT_RE =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']/g;

/**
 * Relative imports of a file, resolved against the root. With `runtimeOnly`,
 * `import type` statements are left out: they vanish at run time and cannot make a
 * loading cycle.
 */
export function importsOf(path: string, text: string, runtimeOnly = false): string[] {
  const result: string[] = [];
  for (const m of stripComments(text).matchAll(IMPORT_RE)) {
    if (runtimeOnly && m[2]) continue;
    if (!m[3].startsWith(".")) continue;
    const parts = path.split("/").slice(0, -1);
    for (const seg of m[3].split("/")) {
      if (seg === "..") parts.pop();
      else if (seg !== ".") parts.push(seg);
    }
    result.push(parts.join("/"));
  }
  return result;
}

/** The layer of a file (its top folder), or undefined for top-level and other files. */
export function layerOf(path: string): number | undefined {
  const top = path.split("/")[0];
  const i = (LAYERS as readonly string[]).indexOf(top);
  return i < 0 ? undefined : i;
}

/** Every import cycle among files, as lists of paths (empty when none). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 1 | 2>();
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const stack: [string, number][] = [[start, 0]];
    const path: string[] = [start];
    state.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const deps = graph.get(top[0]) ?? [];
      if (top[1] < deps.length) {
        const next = deps[top[1]++];
        const s = state.get(next);
        if (s === 1) cycles.push([...path.slice(path.indexOf(next)), next]);
        else if (!s && graph.has(next)) {
          state.set(next, 1);
          stack.push([next, 0]);
          path.push(next);
        }
      } else {
        state.set(top[0], 2);
        stack.pop();
        path.pop();
      }
    }
  }
  return cycles;
}
