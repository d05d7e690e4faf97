/**
 * `expr`: write Hypatia expressions as math text, parsed by mathjs.
 *
 * ```ts
 * import { expr } from "./expr.ts";
 * import * as T from "./mod.ts";
 * const x = T.dmatrix("x");
 * const s = expr`1 / (1 + exp(-${x}))`;
 * ```
 *
 * Operators act elementwise, as in Theano (`*` is not a matrix product: call
 * `dot(a, b)`); `^` is power. A separate entry point so the core needs no dependency.
 *
 * mathjs is imported by an `npm:` specifier, which Deno resolves even when this file is
 * imported from a URL with no import map. The npm build rewrites it to the bare `mathjs`,
 * an optional peer dependency of the `hypatia/expr` entry (`npm install mathjs`).
 * @module
 */
// An inline npm: specifier, not the import map, so that importing this file from a URL works.
// deno-lint-ignore no-import-prefix
import { type MathNode, parse } from "npm:mathjs@^15.2.0";
import * as T from "./mod.ts";

type Builder = (...args: T.Variable[]) => T.Variable;

const FUNCTIONS: Record<string, Builder> = {
  exp: T.exp,
  expm1: T.expm1,
  log: T.log,
  log1p: T.log1p,
  log2: T.log2,
  sqrt: T.sqrt,
  sin: T.sin,
  cos: T.cos,
  tan: T.tan,
  tanh: T.tanh,
  abs: T.abs,
  sign: T.sign,
  floor: T.floor,
  ceil: T.ceil,
  round: T.round,
  sigmoid: T.sigmoid,
  softplus: T.softplus,
  erf: T.erf,
  max: T.maximum,
  min: T.minimum,
  dot: T.dot,
  sum: (x) => T.sum(x),
  mean: (x) => T.mean(x),
};

const OPERATORS: Record<string, Builder> = {
  add: T.add,
  subtract: T.sub,
  multiply: T.mul,
  dotMultiply: T.mul,
  divide: T.div,
  dotDivide: T.div,
  pow: T.pow,
  dotPow: T.pow,
  mod: T.mod,
  unaryMinus: T.neg,
  unaryPlus: (x) => x,
  larger: T.gt,
  largerEq: T.ge,
  smaller: T.lt,
  smallerEq: T.le,
  equal: T.eq,
  unequal: T.neq,
  and: T.and,
  or: T.or,
  not: T.not,
};

/**
 * Build a graph from math text with interpolated tensors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expr } from "./expr.ts";
 * import * as T from "./mod.ts";
 * const x = T.dvector("x");
 * const f = T.function([x], expr`1 / (1 + exp(-${x}))`);
 * assert(f([0]).item(0) === 0.5);
 * ```
 */
export function expr(strings: TemplateStringsArray, ...values: T.TensorLike[]): T.Variable {
  const names = values.map((_, i) => `__hypatia_${i}`);
  const text = strings.reduce((acc, s, i) => acc + s + (i < names.length ? ` ${names[i]} ` : ""), "");
  let tree: MathNode;
  try {
    tree = parse(text);
  } catch (e) {
    throw new T.InputError(
      `expr: cannot parse ${JSON.stringify(strings.join("${…}"))}: ${(e as Error).message}`,
    );
  }
  const bound = new Map(names.map((n, i) => [n, values[i]]));
  const build = (node: MathNode): T.Variable => {
    const n = node as MathNode & {
      type: string;
      value?: unknown;
      name?: string;
      fn?: string | { name: string };
      args?: MathNode[];
      content?: MathNode;
      condition?: MathNode;
      trueExpr?: MathNode;
      falseExpr?: MathNode;
    };
    switch (n.type) {
      case "ConstantNode":
        return T.constant(n.value as number);
      case "SymbolNode": {
        const v = bound.get(n.name!);
        if (v === undefined) {
          throw new T.InputError(`expr: unknown name "${n.name}"; interpolate tensors with \${...}`);
        }
        return v instanceof T.Variable ? v : T.constant(v);
      }
      case "ParenthesisNode":
        return build(n.content!);
      case "OperatorNode": {
        const f = OPERATORS[n.fn as string];
        if (!f) throw new T.InputError(`expr: operator ${n.fn} is not supported`);
        return f(...n.args!.map(build));
      }
      case "FunctionNode": {
        const name = typeof n.fn === "string" ? n.fn : n.fn!.name;
        const f = FUNCTIONS[name];
        if (!f) {
          throw new T.InputError(
            `expr: unknown function "${name}" (known: ${Object.keys(FUNCTIONS).join(", ")})`,
          );
        }
        return f(...n.args!.map(build));
      }
      case "ConditionalNode":
        return T.switch(build(n.condition!), build(n.trueExpr!), build(n.falseExpr!));
      default:
        throw new T.InputError(`expr: ${n.type} is not supported`);
    }
  };
  return build(tree);
}
