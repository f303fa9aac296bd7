import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["node_modules", ".scratch", "bench"],
    typecheck: {
      include: ["src/**/*.test-d.ts", "test/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
    testTimeout: 30_000,
    // CI reads the totals from the JSON report (see .ci/run).
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".ci/vitest-results.json" },
    pool: "forks",
  },
});
