/**
 * Everything the compiler needs from the outside world, passed in. The compiler itself never
 * touches the file system: the CLI gives it a Node host, tests and the language server give it
 * in-memory ones (open editor buffers win over disk there).
 */
export interface CompilerHost {
  /** The text of a file, or undefined when it does not exist or cannot be read. */
  readFile(file: string): string | undefined;
  /**
   * Where module `path` (e.g. ["std", "policies"]) lives, as seen from `fromFile` whose own
   * module name is `fromModule` (undefined when it has no `module` line). Undefined if nowhere.
   */
  resolveModule(path: readonly string[], fromFile: string, fromModule: readonly string[] | undefined): string | undefined;
}
