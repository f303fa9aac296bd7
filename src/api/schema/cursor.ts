// Opaque cursors: what a page ended at, encoded so that clients pass it back without reading it.
import { createGraphQLError } from "graphql-yoga";

/** The most items one page returns, whatever `limit` asks for. */
export const MAX_PAGE_SIZE = 1000;
/** A page's size when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 100;

export function encodeCursor(kind: string, value: string | number): string {
  return Buffer.from(JSON.stringify([kind, value]), "utf8").toString("base64url");
}

/** The value of a cursor made by `encodeCursor(kind, ...)`; a cursor of another list or a made-up one is a GraphQL error. */
export function decodeCursor<T extends string | number>(kind: string, cursor: string | null | undefined, type: "string" | "number"): T | undefined {
  if (cursor === null || cursor === undefined || cursor === "") return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === kind && typeof parsed[1] === type) return parsed[1] as T;
  } catch {
    // fall through to the error below
  }
  throw createGraphQLError(`Invalid cursor ${JSON.stringify(cursor)}: pass the cursor a previous page of this same list returned, or none for the first page.`, {
    extensions: { code: "INVALID_CURSOR" },
  });
}

/** `limit` clamped to 1..max (DEFAULT_PAGE_SIZE when absent). */
export function pageSize(limit: number | null | undefined, max = MAX_PAGE_SIZE, fallback = DEFAULT_PAGE_SIZE): number {
  if (limit === null || limit === undefined) return Math.min(fallback, max);
  if (!Number.isInteger(limit) || limit < 1) {
    throw createGraphQLError(`limit must be a positive integer (at most ${max}), got ${limit}.`, { extensions: { code: "BAD_USER_INPUT" } });
  }
  return Math.min(limit, max);
}
