import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Test files run in parallel on a shared 2-core machine: the 5 s default is too tight.
    testTimeout: 30_000,
    // The CLI tests run the built `wspc` (dist/), so the sources are compiled once first.
    globalSetup: ["test/cli/global-setup.ts"],
  },
});
