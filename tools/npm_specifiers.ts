/**
 * The sources import npm packages by `npm:` specifiers (`npm:mathjs@^15.2.0`), so that Deno
 * resolves them even when a file is imported from a URL with no import map. Bun and Node
 * know only bare names: the npm build rewrites the specifiers (tools/build_npm.ts) and lists
 * the packages as optional peer dependencies with the ranges written in the specifiers, and
 * Bun running the sources maps them with a plugin (tests/bun/npm_specifiers.ts).
 * @module
 */

/** An `npm:` specifier taken apart: package name, version range, and subpath. */
export interface NpmSpecifier {
  /** The package name, with its scope (`@resvg/resvg-js`). */
  name: string;
  /** The version range (`^15.2.0`); empty when the specifier has none. */
  range: string;
  /** The path inside the package, with its leading slash, or "". */
  subpath: string;
}

const NPM_SPECIFIER = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)(?:@([^/]*))?(\/.*)?$/;

/** Parses `npm:name@range/subpath`; undefined when `specifier` is not an `npm:` specifier. */
export function parseNpmSpecifier(specifier: string): NpmSpecifier | undefined {
  const m = NPM_SPECIFIER.exec(specifier);
  return m ? { name: m[1], range: m[2] ?? "", subpath: m[3] ?? "" } : undefined;
}

/** The bare specifier Bun and Node resolve for an `npm:` one (`npm:vega@6/build` -> `vega/build`). */
export function npmToBare(specifier: string): string | undefined {
  const s = parseNpmSpecifier(specifier);
  return s && s.name + s.subpath;
}

/** Quoted `npm:` specifiers in `from "..."`, `import("...")` and `import "..."` forms of JS or TS text. */
const QUOTED_NPM = /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(npm:[^"'\n]+)\2/g;

/**
 * Every `npm:` specifier imported by `text`, and the text with each replaced by its bare
 * name.
 */
export function rewriteNpmSpecifiers(text: string): { text: string; found: NpmSpecifier[] } {
  const found: NpmSpecifier[] = [];
  const out = text.replace(QUOTED_NPM, (m, pre: string, q: string, spec: string) => {
    const s = parseNpmSpecifier(spec);
    if (!s) return m;
    found.push(s);
    return `${pre}${q}${s.name}${s.subpath}${q}`;
  });
  return { text: out, found };
}
