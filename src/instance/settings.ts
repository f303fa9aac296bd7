// tessera.yaml: where the instance keeps its storage and which code locations it loads.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigValidationError, InstanceError } from "../core/index.js";
import { configIssues } from "../definitions/index.js";

const sqliteStorageSchema = z.object({ sqlite: z.object({ path: z.string().min(1) }).strict() }).strict();
const postgresStorageSchema = z
  .object({
    postgres: z
      .object({
        url: z.string().optional(),
        host: z.string().optional(),
        port: z.number().int().optional(),
        user: z.string().optional(),
        password: z.string().optional(),
        database: z.string().optional(),
      })
      .strict(),
  })
  .strict();

export const storageConfigSchema = z.union([sqliteStorageSchema, postgresStorageSchema]);
export type StorageConfig = z.infer<typeof storageConfigSchema>;

export const settingsSchema = z
  .object({
    storage: storageConfigSchema.optional(),
    locations: z.array(z.object({ module: z.string().min(1) }).strict()).optional(),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

export const SETTINGS_FILE = "tessera.yaml";
export const DEFAULT_DB_FILE = "tessera.db";

/** `$TESSERA_HOME`, else `./.tessera`, as an absolute path. */
export function resolveHome(home?: string): string {
  return resolve(home ?? process.env.TESSERA_HOME ?? ".tessera");
}

/** Reads `<home>/tessera.yaml` if present; paths in it are relative to home. */
export function readSettings(home: string): Settings {
  const file = join(home, SETTINGS_FILE);
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new InstanceError("INVALID_SETTINGS", file, `${file} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  const parsed = settingsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigValidationError(file, configIssues(parsed.error, ""));
  const settings = parsed.data;
  if (settings.storage && "sqlite" in settings.storage && !isAbsolute(settings.storage.sqlite.path)) {
    settings.storage = { sqlite: { path: join(home, settings.storage.sqlite.path) } };
  }
  if (settings.locations) {
    settings.locations = settings.locations.map((l) => ({ module: isAbsolute(l.module) ? l.module : resolve(home, l.module) }));
  }
  return settings;
}
