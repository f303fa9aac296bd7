import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The repository's tests run Tessera from its sources: `@tessera/core` is src/index.ts here, and processes the tests
// start (the CLI, step and run processes, workers) resolve it through the package's `tessera-source` condition.
const SOURCE_CONDITION = "--conditions=tessera-source";

export default defineConfig({
  resolve: {
    // Most specific first: "@tessera/core" would otherwise also match "@tessera/core/duckdb".
    alias: [
      ...["duckdb", "postgres", "pipes"].map((name) => ({
        find: `@tessera/core/${name}`,
        replacement: fileURLToPath(new URL(`./src/integrations/${name}/index.ts`, import.meta.url)),
      })),
      { find: /^@tessera\/core$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "ui/src/**/*.test.ts"],
    exclude: ["node_modules", ".scratch", "bench", "dist"],
    env: { NODE_OPTIONS: [process.env.NODE_OPTIONS, SOURCE_CONDITION].filter(Boolean).join(" ") },
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
