// Parses the run options given on the command line: --config (a file or inline JSON) and --tags.
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { requireOptional } from "../core/index.js";
import { CliUsageError } from "./errors.js";

const CONFIG_EXAMPLE = `'{"ops": {"daily_revenue": {"config": {"currency": "USD"}}}}'`;

/**
 * The run config of `--config`: inline JSON when it starts with `{`, else a path to a YAML or JSON file.
 * Its shape (`ops`, `resources`) is validated later, against the selected assets.
 */
export async function readRunConfig(value: string | undefined, cwd: string = process.cwd()): Promise<unknown> {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text.startsWith("{")) return expectObject(parseJson(text, "--config"), "--config");

  const path = resolve(cwd, text);
  let contents: string;
  try {
    contents = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new CliUsageError(`Config file ${text} does not exist (looked for ${path}). Pass a .yaml or .json file, or inline JSON such as ${CONFIG_EXAMPLE}.`);
    }
    if (code === "EISDIR") throw new CliUsageError(`--config ${text} is a directory; pass a .yaml or .json file.`);
    throw new CliUsageError(`Cannot read config file ${text}: ${(error as Error).message}`);
  }
  const ext = extname(path).toLowerCase();
  let parsed: unknown;
  if (ext === ".json") parsed = parseJson(contents, `Config file ${text}`);
  else {
    try {
      parsed = requireOptional<typeof import("yaml")>("yaml", "Reading a YAML config file").parse(contents);
    } catch (error) {
      throw new CliUsageError(`Config file ${text} is not valid YAML: ${(error as Error).message}`);
    }
  }
  // An empty file is an empty config.
  return parsed === null || parsed === undefined ? {} : expectObject(parsed, `Config file ${text}`);
}

/** `--tags '{"team": "finance"}'`: an object of string values. */
export function parseTags(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const parsed = expectObject(parseJson(value, "--tags"), "--tags");
  const tags: Record<string, string> = {};
  for (const [key, tag] of Object.entries(parsed)) {
    if (typeof tag !== "string") {
      throw new CliUsageError(`--tags value of "${key}" must be a string, got ${JSON.stringify(tag)}; quote it: '{"${key}": "${String(tag)}"}'.`);
    }
    tags[key] = tag;
  }
  return tags;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliUsageError(`${what} is not valid JSON: ${(error as Error).message}. Example: ${what === "--tags" ? `'{"team": "finance"}'` : CONFIG_EXAMPLE}`);
  }
}

function expectObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CliUsageError(`${what} must be an object (a mapping), got ${Array.isArray(value) ? "a list" : JSON.stringify(value)}.`);
  }
  return value as Record<string, unknown>;
}
