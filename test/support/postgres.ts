// The PostgreSQL server for tests and benchmarks: where it is, whether it answers, and throwaway schemas on it.
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { PostgresStorage, type PostgresStorageOptions } from "../../src/storage/index.js";

/** Set in CI (.ci/run): the PostgreSQL suites must run there, and fail rather than skip without a server. */
export const TEST_POSTGRES_ENV = "TESSERA_TEST_POSTGRES_URL";
const LOCAL_URL = "postgres://postgres@127.0.0.1:5432/test";

export interface TestPostgres {
  readonly url: string;
  /** True when TESSERA_TEST_POSTGRES_URL names the server: an unreachable one is then an error, not a skip. */
  readonly required: boolean;
  readonly reachable: boolean;
  /** Why it is not reachable. */
  readonly reason?: string | undefined;
}

/** Whether the test server answers, within two seconds. */
export async function probePostgres(): Promise<TestPostgres> {
  const fromEnv = process.env[TEST_POSTGRES_ENV];
  const url = fromEnv || LOCAL_URL;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { url, required: Boolean(fromEnv), reachable: true };
  } catch (error) {
    const reason = error instanceof AggregateError ? String(error.errors[0]?.message ?? error) : String((error as Error).message || error);
    return { url, required: Boolean(fromEnv), reachable: false, reason: reason || "no answer" };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * For a test file, at collection: the server to use, or a printed line saying the PostgreSQL suites
 * are skipped and why. Throws when CI asked for PostgreSQL (TESSERA_TEST_POSTGRES_URL) and it is not there.
 */
export async function postgresForTests(): Promise<TestPostgres> {
  const probe = await probePostgres();
  if (probe.reachable) return probe;
  if (probe.required) {
    throw new Error(
      `${TEST_POSTGRES_ENV} is set (${probe.url}) but PostgreSQL does not answer there: ${probe.reason}. ` +
        `Start it (.ci/run does: pg_ctlcluster --skip-systemctl-redirect <version> main start) or unset ${TEST_POSTGRES_ENV} to skip the PostgreSQL suites.`,
    );
  }
  console.warn(
    `PostgreSQL suites SKIPPED: no server at ${probe.url} (${probe.reason}). ` +
      `Start PostgreSQL there, or set ${TEST_POSTGRES_ENV} to a server's URL, to run them; CI sets it and never skips.`,
  );
  return probe;
}

/** A fresh schema name, unique to one test: `tessera_test_<12 hex digits>`. */
export function freshSchemaName(): string {
  return `tessera_test_${randomBytes(6).toString("hex")}`;
}

/** Runs `fn` with a short-lived connection of its own (outside any storage), e.g. to inspect or tamper. */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

/** A storage in a schema of its own that is dropped when the storage closes: tests run in parallel and leave nothing behind. */
export function throwawayPostgresStorage(url: string, options: Omit<PostgresStorageOptions, "url" | "schema"> = {}): PostgresStorage {
  return new ThrowawayPostgresStorage({ ...options, url, schema: freshSchemaName() }, url);
}

class ThrowawayPostgresStorage extends PostgresStorage {
  readonly #url: string;
  #dropped = false;
  constructor(options: PostgresStorageOptions, url: string) {
    super(options);
    this.#url = url;
  }
  override async close(): Promise<void> {
    await super.close();
    if (this.#dropped) return;
    this.#dropped = true;
    await dropSchema(this.#url, this.schema);
  }
}
