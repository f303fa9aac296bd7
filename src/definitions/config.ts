// Validates config values against zod schemas, naming the config path of every failure.
import type { z } from "zod";
import { ConfigValidationError } from "../core/index.js";

/** Parses `value` with `schema`; on failure throws a ConfigValidationError whose paths start at `basePath`. */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, basePath: string, subject: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigValidationError(subject, configIssues(result.error, basePath));
}

export function configIssues(error: z.ZodError, basePath: string): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: [basePath, ...issue.path.map(String)].filter(Boolean).join("."),
    message: issue.message,
  }));
}
