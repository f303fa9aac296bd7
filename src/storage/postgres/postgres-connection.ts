// Connection settings of the PostgreSQL storage: the pool's config, a password-free location, and unreachable-server errors.
import type { PoolConfig, types as PgTypes } from "pg";
import { InstanceError, requireOptional } from "../../core/index.js";

/** Where the PostgreSQL storage connects. Unset fields fall back to libpq's variables (PGHOST, PGUSER…), as `psql` does. */
export interface PostgresConnectionOptions {
  /** A `postgres://user:password@host:port/database` URL. Its password never appears in `location` or errors. */
  url?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
  password?: string | undefined;
  database?: string | undefined;
  /** The PostgreSQL schema that holds the instance's tables; created on first open if missing. @default "public" */
  schema?: string | undefined;
  /** @default 10 */
  maxConnections?: number | undefined;
  /** How long to wait for a connection before reporting the server unreachable, in ms. @default 10000 */
  connectTimeoutMs?: number | undefined;
  /**
   * Once connected, how long to keep trying to connect again when the server goes away (a restart, a
   * failover) before reporting it unreachable, in ms. A server never reached is reported at once.
   * @default 30000
   */
  reconnectTimeoutMs?: number | undefined;
  /** Shown in pg_stat_activity, to tell Tessera's processes apart. @default "tessera" */
  applicationName?: string | undefined;
}

/** Host, port, database and user as the driver will resolve them, for messages. Never the password. */
export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly schema: string;
}

/** Lowercase unquoted identifiers only: they need no quoting in `search_path`, SQL or NOTIFY payloads. */
export const POSTGRES_SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const INT8_OID = 20;
// Storage ids and counts are BIGINT; the driver returns those as strings. Ids stay far below 2^53.
const customTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (value: string) => Number(value)
      : requireOptional<typeof import("pg")>("pg", "PostgreSQL storage").types.getTypeParser(oid, format)) as typeof PgTypes.getTypeParser,
};

export function resolveTarget(options: PostgresConnectionOptions): PostgresTarget {
  const schema = options.schema ?? "public";
  if (!POSTGRES_SCHEMA_NAME.test(schema)) {
    throw new InstanceError(
      "INVALID_STORAGE_CONFIG",
      "storage.postgres.schema",
      `The PostgreSQL schema name "${schema}" is not a lowercase identifier (letters, digits, _; at most 63). Pick another name.`,
    );
  }
  const env = process.env;
  let fromUrl: { host?: string; port?: number; database?: string; user?: string } = {};
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new InstanceError("INVALID_STORAGE_CONFIG", "storage.postgres.url", "storage.postgres.url is not a URL; give postgres://user@host:port/database.");
    }
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
      throw new InstanceError("INVALID_STORAGE_CONFIG", "storage.postgres.url", `storage.postgres.url must start with postgres:// (it starts with ${url.protocol}//).`);
    }
    const host = url.searchParams.get("host") || decodeURIComponent(url.hostname.replace(/^\[(.+)\]$/, "$1"));
    const port = url.searchParams.get("port") || url.port;
    const database = decodeURIComponent(url.pathname.slice(1));
    const user = url.searchParams.get("user") || decodeURIComponent(url.username);
    fromUrl = {
      ...(host ? { host } : {}),
      ...(port ? { port: Number(port) } : {}),
      ...(database ? { database } : {}),
      ...(user ? { user } : {}),
    };
  }
  const user = fromUrl.user ?? options.user ?? env.PGUSER ?? env.USER ?? "postgres";
  return {
    host: fromUrl.host ?? options.host ?? env.PGHOST ?? "localhost",
    port: fromUrl.port ?? options.port ?? (env.PGPORT ? Number(env.PGPORT) : 5432),
    database: fromUrl.database ?? options.database ?? env.PGDATABASE ?? user,
    user,
    schema,
  };
}

/** `postgres://user@host:port/database`, with `?schema=` unless it is public: what `info()` and errors show. */
export function locationOf(target: PostgresTarget): string {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const base = `postgres://${encodeURIComponent(target.user)}@${host.startsWith("/") ? encodeURIComponent(host) : host}:${target.port}/${encodeURIComponent(target.database)}`;
  return target.schema === "public" ? base : `${base}?schema=${target.schema}`;
}

export function poolConfig(options: PostgresConnectionOptions, target: PostgresTarget): PoolConfig {
  // The schema is the session's search_path from its first statement, sent in the startup packet:
  // no extra round trip per connection, and no unqualified name can resolve elsewhere.
  let startupOptions = `-c search_path=${target.schema}`;
  let connectionString = options.url;
  if (connectionString !== undefined) {
    // The driver lets every part of a URL win over separate settings, so a URL's own `options=`
    // would drop our search_path, and a URL without a password would drop the separate one: merge.
    const url = new URL(connectionString);
    const own = url.searchParams.get("options");
    if (own !== null) {
      startupOptions = `${own} ${startupOptions}`;
      url.searchParams.delete("options");
    }
    if (options.password !== undefined) {
      url.searchParams.delete("password");
      url.password = encodeURIComponent(options.password);
    }
    if (own !== null || options.password !== undefined) connectionString = url.toString();
  }
  return {
    ...(connectionString !== undefined ? { connectionString } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.database !== undefined ? { database: options.database } : {}),
    options: startupOptions,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    // Idle pooled connections do not keep a script alive that forgot to close its instance.
    allowExitOnIdle: true,
    application_name: options.applicationName ?? "tessera",
    types: customTypes,
  };
}

/** The password given, if any, so that messages can be scrubbed of it. */
export function passwordOf(options: PostgresConnectionOptions): string | undefined {
  if (options.password) return options.password;
  if (options.url === undefined) return undefined;
  try {
    const url = new URL(options.url);
    return url.searchParams.get("password") || (url.password ? decodeURIComponent(url.password) : undefined);
  } catch {
    return undefined;
  }
}

/** Removes every occurrence of the password from a message: the driver's messages do not carry it, but a proxy's might. */
export function scrub(text: string, password: string | undefined): string {
  return password ? text.split(password).join("***") : text;
}

/**
 * The error with every occurrence of the password masked in its message and the server's fields (detail, hint,
 * where…): a server or proxy may echo what it was sent, and these errors end up printed and stored.
 */
export function scrubError<E>(error: E, password: string | undefined): E {
  if (!password || typeof error !== "object" || error === null) return error;
  const fields = error as Record<string, unknown>;
  for (const field of ["message", "detail", "hint", "where", "internalQuery", "stack"]) {
    const value = fields[field];
    if (typeof value === "string" && value.includes(password)) fields[field] = scrub(value, password);
  }
  return error;
}

/** The error for a server that cannot be reached or refuses the connection: where, why, and the fix. */
export function unreachableError(
  error: unknown,
  target: PostgresTarget,
  location: string,
  password: string | undefined,
  when: "connecting" | "querying" = "connecting",
): InstanceError {
  const reason = scrub(describeCause(error), password);
  const where = `${target.host}:${target.port}/${target.database}`;
  const what = when === "connecting" ? `Cannot connect to PostgreSQL at ${where} as user "${target.user}"` : `Lost the connection to PostgreSQL at ${where}`;
  return new InstanceError(
    "POSTGRES_UNREACHABLE",
    location,
    `${what}: ${reason}. ${fixFor(error, target)}`,
    { cause: error },
  );
}

const SETTINGS_HINT = "storage.postgres in tessera.yaml (url, or host, port, user, database; a password only as { env: NAME })";

function fixFor(error: unknown, target: PostgresTarget): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("28")) {
    return "Check the user in storage.postgres (tessera.yaml) and its password: the environment variable that storage.postgres.password or .url names, or PGPASSWORD.";
  }
  if (code === "3D000") return `Create the database (createdb ${target.database}) or fix ${SETTINGS_HINT}.`;
  return `Start the server (and check that it accepts TCP connections there), or fix ${SETTINGS_HINT}.`;
}

function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeCause(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message || (typeof code === "string" ? code : error.name);
    return typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
  }
  return String(error);
}
