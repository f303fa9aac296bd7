// Run and backfill ids given on the command line by a unique prefix, as git takes commit hashes.
import { InstanceError, RunNotFoundError, TesseraError } from "../core/index.js";
import type { Instance } from "../instance/index.js";
import type { IdPrefixMatches } from "../storage/index.js";

/** The fewest characters a prefix must have (a whole id of any length is always accepted). */
export const MIN_ID_PREFIX = 4;

/** How many candidates an ambiguous prefix's error lists. */
const SHOWN_CANDIDATES = 10;

/** A prefix that more than one id starts with; `candidates` holds the first ones in id order. */
export class AmbiguousIdError extends TesseraError {
  readonly prefix: string;
  readonly candidates: readonly string[];
  readonly total: number;
  constructor(kind: IdKind, prefix: string, matches: IdPrefixMatches) {
    const more = matches.total - matches.ids.length;
    super(
      "AMBIGUOUS_ID",
      `${KINDS[kind].label} id prefix "${prefix}" matches ${matches.total} ${KINDS[kind].plural}: ${matches.ids.join(", ")}` +
        `${more > 0 ? ` and ${more} more` : ""}. Give more characters of the id.`,
    );
    this.prefix = prefix;
    this.candidates = matches.ids;
    this.total = matches.total;
  }
}

type IdKind = "run" | "backfill";

const KINDS = {
  run: { label: "Run", plural: "runs", list: "tessera run list" },
  backfill: { label: "Backfill", plural: "backfills", list: "tessera backfill list" },
} as const;

/**
 * The run id `text` names: the run with exactly that id, else the only run whose id starts with it (at least
 * MIN_ID_PREFIX characters). Throws RunNotFoundError when none does, AmbiguousIdError when several do.
 */
export async function resolveRunId(instance: Instance, text: string): Promise<string> {
  if (await instance.getRunById(text)) return text;
  return resolvePrefix("run", text, (limit) => instance.storage.runIds(text, { limit }), () => new RunNotFoundError(text));
}

/** The backfill id `text` names, as resolveRunId does for runs; a missing one throws BACKFILL_NOT_FOUND. */
export async function resolveBackfillId(instance: Instance, text: string): Promise<string> {
  if (await instance.getBackfill(text)) return text;
  return resolvePrefix(
    "backfill",
    text,
    (limit) => instance.storage.backfillIds(text, { limit }),
    () => new InstanceError("BACKFILL_NOT_FOUND", text, `No backfill with id "${text}". List them with \`tessera backfill list\`.`),
  );
}

async function resolvePrefix(kind: IdKind, prefix: string, find: (limit: number) => Promise<IdPrefixMatches>, notFound: () => TesseraError): Promise<string> {
  if (prefix.length < MIN_ID_PREFIX) {
    const matches = prefix.length === 0 ? { ids: [], total: 0 } : await find(1);
    if (matches.total === 0) throw notFound();
    throw new InstanceError(
      "ID_PREFIX_TOO_SHORT",
      prefix,
      `${KINDS[kind].label} id prefix "${prefix}" is too short: give at least ${MIN_ID_PREFIX} characters, or the whole id (see \`${KINDS[kind].list}\`).`,
    );
  }
  const matches = await find(SHOWN_CANDIDATES);
  if (matches.total === 0) throw notFound();
  if (matches.total > 1) throw new AmbiguousIdError(kind, prefix, matches);
  return matches.ids[0] as string;
}
