// The default IO manager: one file per asset (and partition) under a base directory, written atomically.
import { mkdir, readFile, rename, writeFile, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { deserialize, serialize } from "node:v8";
import { MetadataValue, MissingAssetValueError, type AssetKey, type RawMetadata } from "../../core/index.js";
import type { IOManager, InputContext, OutputContext } from "../../definitions/index.js";

export interface FilesystemIOManagerOptions {
  /** Where values are stored; the default IO manager of an instance uses `$TESSERA_HOME/storage`. */
  baseDir: string;
  /** `v8` (structured clone: Dates, Maps, typed arrays…) or `json` (readable by other tools). @default "v8" */
  format?: "v8" | "json";
}

/**
 * Stores each value at `<baseDir>/<key segments>[/<partition>]`. Writes go to a temporary file that is
 * renamed into place, so a crash never leaves a half-written value behind.
 */
export class FilesystemIOManager implements IOManager {
  readonly baseDir: string;
  readonly format: "v8" | "json";
  readonly #createdDirs = new Set<string>();

  constructor(options: FilesystemIOManagerOptions) {
    this.baseDir = options.baseDir;
    this.format = options.format ?? "v8";
  }

  pathFor(key: AssetKey, partitionKey?: string): string {
    const base = join(this.baseDir, ...key.path);
    const file = partitionKey === undefined ? base : join(base, encodeURIComponent(partitionKey));
    return this.format === "json" ? `${file}.json` : file;
  }

  async handleOutput(ctx: OutputContext, value: unknown): Promise<RawMetadata> {
    const path = this.pathFor(ctx.assetKey, ctx.partitionKey);
    const dir = dirname(path);
    if (!this.#createdDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.#createdDirs.add(dir);
    }
    const bytes = this.format === "json" ? Buffer.from(JSON.stringify(value ?? null)) : serialize(value);
    const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    return { path: MetadataValue.path(path) };
  }

  async loadInput(ctx: InputContext): Promise<unknown> {
    const path = this.pathFor(ctx.assetKey, ctx.partitionKey);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new MissingAssetValueError(
          ctx.assetKey.toString(),
          `No stored value for asset "${ctx.assetKey.toString()}"${ctx.partitionKey ? ` partition "${ctx.partitionKey}"` : ""} at ${path}. ` +
            `Materialize it first (tessera materialize --select ${ctx.assetKey.toString()}), or check that it uses the same IO manager.`,
        );
      }
      throw error;
    }
    return this.format === "json" ? (JSON.parse(bytes.toString("utf8")) as unknown) : deserialize(bytes);
  }
}
