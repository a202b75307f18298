/** The public grammar API: parse a `.wsp` text into a syntax tree, comments and problems. */
export { parse, MAX_NESTING, type ParseResult } from "./parse.js";
export * from "./ast.js";
export { LineMap, type LineCol } from "./line-map.js";
export type { SyntaxProblem, SyntaxProblemKind } from "./syntax-problem.js";
