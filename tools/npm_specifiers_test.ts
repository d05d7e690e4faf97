import assert from "node:assert/strict";
import { npmToBare, parseNpmSpecifier, rewriteNpmSpecifiers } from "./npm_specifiers.ts";

Deno.test("parseNpmSpecifier() takes apart scoped, ranged and subpath specifiers", () => {
  assert.deepEqual(parseNpmSpecifier("npm:mathjs@^15.2.0"), {
    name: "mathjs",
    range: "^15.2.0",
    subpath: "",
  });
  assert.deepEqual(parseNpmSpecifier("npm:@resvg/resvg-js@2.6.2"), {
    name: "@resvg/resvg-js",
    range: "2.6.2",
    subpath: "",
  });
  assert.deepEqual(parseNpmSpecifier("npm:vega@6/build/x.js"), {
    name: "vega",
    range: "6",
    subpath: "/build/x.js",
  });
  assert.deepEqual(parseNpmSpecifier("npm:fflate"), { name: "fflate", range: "", subpath: "" });
  assert.equal(parseNpmSpecifier("mathjs"), undefined);
  assert.equal(parseNpmSpecifier("node:fs"), undefined);
  assert.equal(npmToBare("npm:@scope/pkg@1.2.3/sub"), "@scope/pkg/sub");
});

Deno.test("rewriteNpmSpecifiers() rewrites static, dynamic and type imports and leaves the rest", () => {
  const text = `import { parse } from "npm:mathjs@^15.2.0";
const m = await import('npm:@resvg/resvg-js@2.6.2');
type R = typeof import("npm:vega@6.4.0").View;
import x from "./a.ts";
const s = "npm:not-an-import@1";`;
  const { text: out, found } = rewriteNpmSpecifiers(text);
  assert.equal(
    out,
    `import { parse } from "mathjs";
const m = await import('@resvg/resvg-js');
type R = typeof import("vega").View;
import x from "./a.ts";
const s = "npm:not-an-import@1";`,
  );
  assert.deepEqual(found.map((s) => `${s.name}@${s.range}`), [
    "mathjs@^15.2.0",
    "@resvg/resvg-js@2.6.2",
    "vega@6.4.0",
  ]);
});
