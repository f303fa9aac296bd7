// The resources of the quickstart: where the raw CSV files come from and where reports go.
import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { resource } from "@tessera/core";
import { z } from "zod";
import { parseCsv } from "./csv.js";

/** Reads the CSV exports the source systems drop into a directory. */
export class SourceFiles {
  constructor(readonly dataDir: string) {}

  pathOf(file: string): string {
    return resolve(this.dataDir, file);
  }

  /** A fingerprint of the file's bytes: it changes exactly when the export does. */
  async fingerprint(file: string): Promise<{ sha256: string; bytes: number; modified: Date }> {
    const path = this.pathOf(file);
    const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
    return { sha256: createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length, modified: info.mtime };
  }

  /** The rows of `file`, checked to have `columns`, with every value as the text it was. */
  async readCsv<const C extends string>(file: string, columns: readonly C[]): Promise<Record<C, string>[]> {
    const rows = parseCsv(await readFile(this.pathOf(file), "utf8"));
    const missing = columns.filter((c) => rows.length > 0 && !(c in (rows[0] as object)));
    if (missing.length > 0) throw new Error(`${file} lacks the column(s) ${missing.join(", ")}; check the export's header line`);
    return rows as Record<C, string>[];
  }
}

export const sourceFiles = resource({
  description: "CSV exports of the shop's order and customer systems",
  config: z.object({ dataDir: z.string() }),
  setup: ({ config }) => new SourceFiles(config.dataDir),
});

/** Writes report files into one directory. */
export class ReportWriter {
  constructor(readonly outputDir: string) {}

  /** Writes `content` to `name` in the output directory and returns the file's absolute path. */
  async write(name: string, content: string): Promise<string> {
    await mkdir(this.outputDir, { recursive: true });
    const path = resolve(join(this.outputDir, name));
    await writeFile(path, content);
    return path;
  }
}

export const reports = resource({
  description: "Where the reports for the finance team are written",
  config: z.object({ outputDir: z.string() }),
  setup: ({ config }) => new ReportWriter(config.outputDir),
});
