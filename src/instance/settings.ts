// tessera.yaml: the project file at a project's root (its code locations, relative to it) and the instance's own, in
// its home (where it keeps its storage); and how the home is found.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import type { z as Zod } from "zod";
import { ConfigValidationError, InstanceError, requireOptional } from "../core/index.js";
import { configIssues } from "../definitions/index.js";
import { POSTGRES_SCHEMA_NAME, type PostgresStorageOptions } from "../storage/index.js";

// The schemas are built on first use, with zod loaded then (see OPTIONAL_PACKAGES): a command whose project has no
// tessera.yaml and passes no storage settings never loads zod.
function buildSchemas(z: typeof Zod) {
  const sqliteSettingsSchema = z.object({ path: z.string().min(1).describe("The instance database file, relative to the home") }).strict();

  const envReferenceSchema = z
    .object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name, like DATABASE_URL") })
    .strict()
    .describe("Read from this environment variable when the instance opens");

  const postgresSettingsSchema = z
    .object({
      url: z
        .union([z.string().min(1), envReferenceSchema])
        .optional()
        .describe("postgres://user@host:port/database, or { env: DATABASE_URL } when the URL carries a password"),
      host: z.string().min(1).optional().describe("@default $PGHOST or localhost"),
      port: z.number().int().min(1).max(65535).optional().describe("@default $PGPORT or 5432"),
      user: z.string().min(1).optional().describe("@default $PGUSER or the login name"),
      password: envReferenceSchema.optional().describe("Only from the environment: { env: TESSERA_PG_PASSWORD }. @default $PGPASSWORD or ~/.pgpass"),
      database: z.string().min(1).optional().describe("@default $PGDATABASE or the user name"),
      schema: z
        .string()
        .regex(POSTGRES_SCHEMA_NAME, "a lowercase identifier: letters, digits and _, at most 63")
        .optional()
        .describe("The PostgreSQL schema of the instance's tables, created if missing. @default public"),
    })
    .strict()
    .superRefine((value, ctx) => {
      const parts = (["host", "port", "user", "database"] as const).filter((k) => value[k] !== undefined);
      if (value.url !== undefined && parts.length > 0) {
        ctx.addIssue({ code: "custom", path: ["url"], message: `give either url or ${parts.join(", ")}, not both` });
      }
      if (typeof value.url === "string") {
        const problem = literalUrlProblem(value.url);
        if (problem) ctx.addIssue({ code: "custom", path: ["url"], message: problem });
      }
    });


  // One object with both keys optional rather than a union: a union reports "Invalid input" for the
  // whole of `storage`, where this names the field (storage.postgres.password) that is wrong.
  const storageConfigSchema = z
    .object({ sqlite: sqliteSettingsSchema.optional(), postgres: postgresSettingsSchema.optional() })
    .strict()
    .superRefine((value, ctx) => {
      if (value.sqlite === undefined && value.postgres === undefined) {
        ctx.addIssue({ code: "custom", message: "give sqlite: { path } or postgres: { url } (or host, port, user, database)" });
      } else if (value.sqlite !== undefined && value.postgres !== undefined) {
        ctx.addIssue({ code: "custom", message: "give sqlite or postgres, not both" });
      }
    })
    .transform((value): { sqlite: { path: string } } | { postgres: NonNullable<typeof value.postgres> } =>
      value.postgres !== undefined ? { postgres: value.postgres } : { sqlite: value.sqlite as { path: string } },
    );

  const tagConcurrencyLimitSchema = z
    .object({
      key: z.string().min(1).describe("The run tag the limit applies to"),
      value: z
        .union([z.string(), z.object({ applyLimitPerUniqueValue: z.literal(true) }).strict()])
        .optional()
        .describe("Only runs whose tag has this value; { applyLimitPerUniqueValue: true } limits each value apart; absent: every run with the tag, together"),
      limit: z.number().int().min(0).describe("At most this many such runs in progress at once"),
    })
    .strict();

  const runQueueSettingsSchema = z
    .object({
      maxConcurrentRuns: z.number().int().min(-1).optional().describe("Runs in progress at once; -1 for no limit. @default 10"),
      launcher: z
        .enum(["childProcess", "inProcess", "workers"])
        .optional()
        .describe("Where the daemon starts queued runs: a child process each (default), the daemon's own process, or `tessera worker`s (PostgreSQL)"),
      tagConcurrencyLimits: z.array(tagConcurrencyLimitSchema).optional(),
    })
    .strict();

  const concurrencySettingsSchema = z
    .object({
      pools: z.record(z.string().min(1), z.number().int().min(1)).optional().describe("Steps of each pool running at once"),
      defaultPoolLimit: z.number().int().min(1).optional().describe("The limit of pools not listed. @default no limit"),
    })
    .strict();

  const computeLogSettingsSchema = z
    .object({
      directory: z.string().min(1).optional().describe("Where steps' stdout and stderr are kept, relative to this file. @default <home>/storage/compute_logs"),
      maxBytesPerStep: z.number().int().min(1).optional().describe("The most bytes kept of each stream of a step; the rest is dropped behind a marker. @default 10485760"),
      enabled: z.boolean().optional().describe("false: steps' output is not captured. @default true"),
    })
    .strict();

  const settingsSchema = z
    .object({
      storage: storageConfigSchema.optional(),
      computeLogs: computeLogSettingsSchema.optional(),
      runQueue: runQueueSettingsSchema.optional(),
      concurrency: concurrencySettingsSchema.optional(),
      locations: z.array(z.object({ module: z.string().min(1) }).strict()).optional(),
      runMonitoring: z
        .object({
          runLeaseSeconds: z.number().min(1).optional().describe("How long a run's process holds its run without renewing (renewed every third of it); past it the run is failed. @default 30"),
          maxRuntimeSeconds: z.number().positive().optional().describe("Default max runtime of a run whose tags set no tessera/max_runtime: a step still running past it is failed. @default none"),
        })
        .strict()
        .optional(),
    })
    .strict();
  return { computeLogSettingsSchema, envReferenceSchema, postgresSettingsSchema, sqliteSettingsSchema, storageConfigSchema, tagConcurrencyLimitSchema, runQueueSettingsSchema, concurrencySettingsSchema, settingsSchema };
}
type Schemas = ReturnType<typeof buildSchemas>;
let schemas: Schemas | undefined;

/** The zod schemas of tessera.yaml (`settingsSchema`) and its parts, built on first use. */
export function settingsSchemas(): Schemas {
  return (schemas ??= buildSchemas(requireOptional<{ z: typeof Zod }>("zod", "Reading tessera.yaml").z));
}

/** `{ env: NAME }`: a value read from the environment when the instance opens, so that no secret sits in tessera.yaml. */
export type EnvReference = Zod.infer<Schemas["envReferenceSchema"]>;
export type PostgresSettings = Zod.infer<Schemas["postgresSettingsSchema"]>;
/**
 * `storage: { postgres: … }` in tessera.yaml. Secrets come only from the environment:
 *
 * @example
 * storage:
 *   postgres:
 *     url: { env: DATABASE_URL }        # or: host, port, user, database, password: { env: PGPASS_VAR }
 *     schema: tessera                   # optional; default public
 */
export type PostgresStorageConfig = { postgres: PostgresSettings };
export type SqliteStorageConfig = { sqlite: Zod.infer<Schemas["sqliteSettingsSchema"]> };
/** `storage:` in tessera.yaml: `{ sqlite: { path } }` or `{ postgres: { … } }`. */
export type StorageConfig = Zod.output<Schemas["storageConfigSchema"]>;
/** One entry of `runQueue.tagConcurrencyLimits` in tessera.yaml: at most `limit` runs in progress with the run tag `key` (optionally of one value, or per value). */
export type TagConcurrencyLimit = Zod.infer<Schemas["tagConcurrencyLimitSchema"]>;
/**
 * `runQueue:` in tessera.yaml: how the daemon's run coordinator launches queued runs.
 *
 * @example
 * runQueue:
 *   maxConcurrentRuns: 4
 *   launcher: workers            # or childProcess (default), inProcess
 *   tagConcurrencyLimits:
 *     - { key: database, value: warehouse, limit: 2 }
 *     - { key: customer, value: { applyLimitPerUniqueValue: true }, limit: 1 }
 */
export type RunQueueSettings = Zod.infer<Schemas["runQueueSettingsSchema"]>;
/**
 * `concurrency:` in tessera.yaml: how many steps of each pool (an asset's `pool`) run at once, across
 * every run and every process of the instance.
 *
 * @example
 * concurrency:
 *   pools: { warehouse: 2, shop_api: 1 }
 *   defaultPoolLimit: 4        # pools not listed; without it they are unlimited
 */
export type ConcurrencySettings = Zod.infer<Schemas["concurrencySettingsSchema"]>;
/** A tessera.yaml, parsed: storage, run queue, concurrency and code locations. */
export type Settings = Zod.infer<Schemas["settingsSchema"]>;

export const SETTINGS_FILE = "tessera.yaml";
export const DEFAULT_DB_FILE = "tessera.db";

/**
 * The instance home: `home` when given, else `$TESSERA_HOME`, else `.tessera` in the project root (the folder of the
 * project's tessera.yaml, found by walking up from `cwd`; see findProjectRoot). Absolute.
 */
export function resolveHome(home?: string, options: { cwd?: string; env?: NodeJS.ProcessEnv; projectRoot?: string } = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const fromEnv = (options.env ?? process.env).TESSERA_HOME;
  if (home !== undefined) return resolve(cwd, home);
  if (fromEnv !== undefined && fromEnv !== "") return resolve(cwd, fromEnv);
  return join(options.projectRoot ?? findProjectRoot(cwd), HOME_DIR);
}

/** The folder of the instance home inside a project. */
export const HOME_DIR = ".tessera";

/**
 * The project root: the nearest folder, from `cwd` up, holding a tessera.yaml (the project file), else the nearest
 * holding a package.json, else `cwd` itself. The tessera.yaml inside an instance home is the instance's, not a
 * project file, and is skipped.
 */
export function findProjectRoot(cwd: string = process.cwd()): string {
  const start = resolve(cwd);
  let packageRoot: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (basename(dir) !== HOME_DIR && existsSync(join(dir, SETTINGS_FILE))) return dir;
    if (packageRoot === undefined && existsSync(join(dir, "package.json"))) packageRoot = dir;
    if (dirname(dir) === dir) return packageRoot ?? start;
  }
}

/** The project file (`<root>/tessera.yaml`) above `cwd`, if there is one. */
export function findProjectFile(cwd: string = process.cwd()): string | undefined {
  return projectFileIn(findProjectRoot(cwd));
}

/** The project file of the project rooted at `root`, if it has one. */
export function projectFileIn(root: string): string | undefined {
  const file = join(root, SETTINGS_FILE);
  return existsSync(file) ? file : undefined;
}

/** Reads one tessera.yaml; paths in it are relative to its folder. */
export function readSettingsFile(file: string): Settings {
  if (!existsSync(file)) return {};
  const dir = dirname(file);
  const { LineCounter, parseDocument } = requireOptional<typeof import("yaml")>("yaml", "Reading tessera.yaml");
  const lines = new LineCounter();
  const document = parseDocument(readFileSync(file, "utf8"), { lineCounter: lines, prettyErrors: true });
  const [syntax] = document.errors;
  if (syntax) {
    throw new InstanceError("INVALID_SETTINGS", file, `${file} is not valid YAML: ${syntax.message}`, { cause: syntax });
  }
  const raw: unknown = document.toJS();
  const parsed = settingsSchemas().settingsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    // Each issue names its line in the file: the path alone is hard to find in a long tessera.yaml.
    const issues = parsed.error.issues.map((issue, i) => {
      const node = document.getIn(issue.path.map(String), true) as { range?: [number, number, number] } | undefined;
      const base = configIssues(parsed.error, "")[i] as { path: string; message: string };
      const at = node?.range ? lines.linePos(node.range[0]) : undefined;
      return at ? { path: `${base.path || "(root)"} (${file}:${at.line}:${at.col})`, message: base.message } : base;
    });
    throw new ConfigValidationError(file, issues, `Fix the value at that line of ${file}.`);
  }
  const settings = parsed.data;
  if (settings.storage && "sqlite" in settings.storage && !isAbsolute(settings.storage.sqlite.path)) {
    settings.storage = { sqlite: { path: join(dir, settings.storage.sqlite.path) } };
  }
  if (settings.computeLogs?.directory !== undefined && !isAbsolute(settings.computeLogs.directory)) {
    settings.computeLogs = { ...settings.computeLogs, directory: join(dir, settings.computeLogs.directory) };
  }
  if (settings.locations) {
    settings.locations = settings.locations.map((l) => ({ module: isAbsolute(l.module) ? l.module : resolve(dir, l.module) }));
  }
  return settings;
}

/**
 * The settings of the instance at `home`: the project file's (code locations, and any instance settings it holds),
 * overridden key by key by the home's own tessera.yaml. Paths in each are relative to its own folder.
 */
export function readSettings(home: string, options: { projectFile?: string | undefined } = {}): Settings {
  const own = readSettingsFile(join(home, SETTINGS_FILE));
  const projectFile = options.projectFile;
  if (projectFile === undefined || resolve(projectFile) === resolve(home, SETTINGS_FILE)) return own;
  const project = readSettingsFile(projectFile);
  const locations = [...(project.locations ?? []), ...(own.locations ?? [])];
  return { ...project, ...own, ...(locations.length ? { locations } : {}) };
}

/** Why a URL written in the settings is refused, or undefined. Never echoes the URL: it may hold a secret. */
function literalUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "not a URL; give postgres://user@host:port/database";
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") return "must start with postgres://";
  if (url.password || url.searchParams.has("password")) {
    return "holds a password; secrets must not be written in the settings: read the whole URL from the environment with url: { env: DATABASE_URL }, or add password: { env: PGPASSWORD_VARIABLE }";
  }
  return undefined;
}

/** The PostgreSQL storage options of `storage.postgres`, reading `{ env }` references from `env`. */
export function resolvePostgresSettings(settings: PostgresSettings, env: NodeJS.ProcessEnv = process.env): PostgresStorageOptions {
  const read = (field: string, ref: EnvReference): string => {
    const value = env[ref.env];
    if (value === undefined || value === "") {
      throw new InstanceError(
        "INVALID_STORAGE_CONFIG",
        `storage.postgres.${field}`,
        `storage.postgres.${field} is read from the environment variable ${ref.env}, which is not set. Set it before opening the instance, or change tessera.yaml.`,
      );
    }
    return value;
  };
  const url = settings.url === undefined ? undefined : typeof settings.url === "string" ? settings.url : read("url", settings.url);
  return {
    ...(url !== undefined ? { url } : {}),
    ...(settings.host !== undefined ? { host: settings.host } : {}),
    ...(settings.port !== undefined ? { port: settings.port } : {}),
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.password !== undefined ? { password: read("password", settings.password) } : {}),
    ...(settings.database !== undefined ? { database: settings.database } : {}),
    ...(settings.schema !== undefined ? { schema: settings.schema } : {}),
  };
}
