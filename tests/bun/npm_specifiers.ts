/**
 * Lets Bun load the sources' `npm:` specifiers (`import { parse } from "npm:mathjs@^15.2.0"`),
 * which Deno resolves natively and Bun does not: a runtime plugin maps `npm:name@range/sub`
 * to the package `name/sub` installed in node_modules. Preloaded for `bun run` and `bun
 * test` by bunfig.toml. The npm build needs no plugin: it rewrites the specifiers to bare
 * names (tools/build_npm.ts).
 * @module
 */
import { npmToBare } from "../../tools/npm_specifiers.ts";

/** The part of Bun's API this file uses (typed here: Deno type-checks the repository without Bun's types). */
interface BunApi {
  plugin(p: {
    name: string;
    setup(build: {
      onResolve(
        options: { filter: RegExp; namespace: string },
        resolve: (args: { path: string; importer: string }) => { path: string },
      ): void;
    }): void;
  }): void;
  resolveSync(specifier: string, from: string): string;
}
const Bun = (globalThis as unknown as { Bun: BunApi }).Bun;

Bun.plugin({
  name: "npm: specifiers",
  setup(build) {
    // Bun hands a `scheme:rest` specifier to the plugins registered for the namespace `scheme`.
    build.onResolve({ filter: /.*/, namespace: "npm" }, (args) => {
      const bare = npmToBare(`npm:${args.path}`);
      if (bare === undefined) throw new Error(`not an npm specifier: npm:${args.path}`);
      return { path: Bun.resolveSync(bare, args.importer) };
    });
  },
});
