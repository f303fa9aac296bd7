// The storages a suite runs on, side by side: a SQLite file in a folder of its own, and a schema of its own on the test
// PostgreSQL server (skipped without one, or failing in CI, as postgresForTests decided).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StorageConfig } from "../../src/instance/index.js";
import { dropSchema, freshSchemaName, type TestPostgres } from "./postgres.js";

export interface StorageBackend {
  readonly name: string;
  readonly skip: boolean;
  /** A new, empty storage: the config each instance on it opens with (as each process would), and what removes it. */
  make(): { config: StorageConfig; cleanup: () => Promise<void> };
}

export function storageBackends(server: TestPostgres, folderPrefix: string): readonly StorageBackend[] {
  return [
    {
      name: "SQLite",
      skip: false,
      make() {
        const dir = mkdtempSync(join(tmpdir(), folderPrefix));
        return { config: { sqlite: { path: join(dir, "instance.db") } }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    },
    {
      name: "PostgreSQL",
      skip: !server.reachable,
      make() {
        const schema = freshSchemaName();
        return { config: { postgres: { url: server.url, schema } }, cleanup: () => dropSchema(server.url, schema) };
      },
    },
  ];
}
