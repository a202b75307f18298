import { describe, expect, it } from "vitest";
import { abiProblem, CURRENT_ABI, parseAbi } from "../../runtime/package/abi.js";

describe("ABI versions", () => {
  it("parses MAJOR.MINOR", () => {
    expect(parseAbi("1.0")).toEqual({ major: 1, minor: 0 });
    expect(parseAbi("12.345")).toEqual({ major: 12, minor: 345 });
  });

  it.each(["1", "1.0.0", "01.0", "1.00", "v1.0", " 1.0", "1.-1", "", "1.x"])("rejects %j", (text) => {
    expect(parseAbi(text)).toBeUndefined();
  });

  it("is 1.0 for this runtime", () => {
    expect(CURRENT_ABI).toBe("1.0");
  });

  it("accepts every minor of major 1", () => {
    expect(abiProblem("1.0")).toBeUndefined();
    expect(abiProblem("1.7")).toBeUndefined();
    expect(abiProblem("1.4096")).toBeUndefined();
  });

  it("refuses newer and older majors in one line each", () => {
    expect(abiProblem("2.0")).toBe("package ABI 2.0 is newer than this runtime's 1.x; upgrade wsp");
    expect(abiProblem("10.3")).toBe("package ABI 10.3 is newer than this runtime's 1.x; upgrade wsp");
    expect(abiProblem("0.9")).toBe("package ABI 0.9 is older than this runtime's 1.x; rebuild the package with a current wspc");
  });

  it("says what a malformed or missing ABI should look like", () => {
    expect(abiProblem(1)).toBe('wsp_runtime_abi must be a string "MAJOR.MINOR" such as "1.0", but it is 1; rebuild the package with wspc');
    expect(abiProblem(undefined)).toBe('wsp_runtime_abi must be a string "MAJOR.MINOR" such as "1.0", but it is missing; rebuild the package with wspc');
    expect(abiProblem("1.0-beta")).toBe('wsp_runtime_abi must be "MAJOR.MINOR" such as "1.0", but it is "1.0-beta"; rebuild the package with wspc');
  });
});
