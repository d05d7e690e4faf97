/**
 * Enough of npm's semver ranges to read `engines.node` fields: `*`, `x`, comparators
 * (`>=18`, `> 0.8`, `<23`), carets and tildes, `X.x` / `X.*` wildcards, hyphenless AND
 * (space-separated) and `||`. Unknown syntax throws, so a test cannot pass by misreading.
 * @module
 */

type Version = [number, number, number];

function parse(v: string): { version: Version; parts: number } {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(v.trim());
  if (!m) throw new Error(`node_range: cannot read the version "${v}"`);
  const nums = [m[1], m[2], m[3]].filter((p) => p !== undefined && p !== "x" && p !== "*").map(Number);
  return { version: [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0], parts: nums.length };
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The version just above every version that `v` with `parts` given numbers covers (`20` -> 21.0.0). */
function bump(v: Version, parts: number): Version {
  if (parts <= 1) return [v[0] + 1, 0, 0];
  if (parts === 2) return [v[0], v[1] + 1, 0];
  return [v[0], v[1], v[2] + 1];
}

function admitsOne(comparator: string, x: Version): boolean {
  const m = /^(>=|<=|>|<|=|\^|~)?\s*(.+)$/.exec(comparator)!;
  const op = m[1] ?? "", rest = m[2];
  if (rest === "*" || rest === "x") return true;
  const { version: v, parts } = parse(rest);
  const c = compare(x, v);
  switch (op) {
    case ">=":
      return c >= 0;
    case ">":
      return compare(x, parts < 3 ? bump(v, parts) : v) >= (parts < 3 ? 0 : 1);
    case "<=":
      return compare(x, bump(v, parts)) < 0;
    case "<":
      return c < 0;
    case "^": {
      const upper: Version = v[0] > 0 || parts === 1
        ? [v[0] + 1, 0, 0]
        : v[1] > 0 || parts === 2
        ? [0, v[1] + 1, 0]
        : [0, 0, v[2] + 1];
      return c >= 0 && compare(x, upper) < 0;
    }
    case "~":
      return c >= 0 && compare(x, bump(v, Math.min(parts, 2))) < 0;
    default: // "=" or a bare version: every version it covers
      return c >= 0 && compare(x, bump(v, parts)) < 0;
  }
}

/**
 * Whether the range (an `engines.node` value) admits `version` ("20.19.0").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nodeRangeAdmits } from "./node_range.ts";
 * assert(nodeRangeAdmits("^20.19.0 || ^22.12.0 || >=23", "20.19.0"));
 * assert(!nodeRangeAdmits(">=22", "20.19.0"));
 * ```
 */
export function nodeRangeAdmits(range: string, version: string): boolean {
  const x = parse(version).version;
  return range.split("||").some((alternative) => {
    // ">= 10" is one comparator: join an operator to the version after it before splitting on spaces
    const comparators = alternative.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1").split(/\s+/).filter(
      Boolean,
    );
    if (comparators.length === 0) return true; // "" is "*"
    return comparators.every((c) => admitsOne(c, x));
  });
}
