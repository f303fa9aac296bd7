// Plain-data snapshots of partitions definitions (for run records, the API and storage) and a stable fingerprint.
import { createHash } from "node:crypto";
import { DynamicPartitionsDefinition } from "./dynamic-partitions-definition.js";
import { InvalidPartitionsDefinitionError } from "./errors.js";
import { MultiPartitionsDefinition } from "./multi-partitions-definition.js";
import type { PartitionsDefinition } from "./partitions-definition.js";
import { StaticPartitionsDefinition } from "./static-partitions-definition.js";
import { TimeWindowPartitionsDefinition } from "./time-window-partitions-definition.js";

/** A partitions definition as JSON-safe data; `partitionsDefinitionFromSnapshot` rebuilds an equal definition. */
export type PartitionsDefinitionSnapshot =
  | { kind: "static"; partitionKeys: string[] }
  | { kind: "time_window"; cronSchedule: string; timezone: string; fmt: string; start: number; end: number | null; endOffset: number }
  | { kind: "dynamic"; name: string }
  | { kind: "multi"; dimensions: { name: string; partitionsDef: PartitionsDefinitionSnapshot }[] };

export function snapshotPartitionsDefinition(def: PartitionsDefinition): PartitionsDefinitionSnapshot {
  if (def instanceof StaticPartitionsDefinition) return { kind: "static", partitionKeys: [...def.partitionKeys] };
  if (def instanceof TimeWindowPartitionsDefinition) {
    return {
      kind: "time_window",
      cronSchedule: def.cronSchedule,
      timezone: def.timezone,
      fmt: def.fmt,
      start: def.start.getTime(),
      end: def.end?.getTime() ?? null,
      endOffset: def.endOffset,
    };
  }
  if (def instanceof DynamicPartitionsDefinition) return { kind: "dynamic", name: def.name };
  if (def instanceof MultiPartitionsDefinition) {
    return { kind: "multi", dimensions: def.partitionsDefs.map((d) => ({ name: d.name, partitionsDef: snapshotPartitionsDefinition(d.partitionsDef) })) };
  }
  throw new InvalidPartitionsDefinitionError(String(def), "not a partitions definition this version knows how to snapshot");
}

export function partitionsDefinitionFromSnapshot(snapshot: PartitionsDefinitionSnapshot): PartitionsDefinition {
  switch (snapshot?.kind) {
    case "static":
      return new StaticPartitionsDefinition(snapshot.partitionKeys);
    case "time_window":
      return new TimeWindowPartitionsDefinition({
        cronSchedule: snapshot.cronSchedule,
        timezone: snapshot.timezone,
        fmt: snapshot.fmt,
        start: new Date(snapshot.start),
        end: snapshot.end === null ? undefined : new Date(snapshot.end),
        endOffset: snapshot.endOffset,
      });
    case "dynamic":
      return new DynamicPartitionsDefinition({ name: snapshot.name });
    case "multi":
      return new MultiPartitionsDefinition(Object.fromEntries(snapshot.dimensions.map((d) => [d.name, partitionsDefinitionFromSnapshot(d.partitionsDef)])));
    default:
      throw new InvalidPartitionsDefinitionError("PartitionsDefinitionSnapshot", `unknown kind ${JSON.stringify((snapshot as { kind?: unknown })?.kind)}`);
  }
}

/**
 * A short stable id of a definition (sha1 of its snapshot): stored next to cached partition status so
 * that a changed definition is noticed. Dynamic definitions are identified by name, not by their keys.
 */
export function partitionsDefinitionFingerprint(def: PartitionsDefinition): string {
  // Definitions are frozen, so each one's fingerprint is computed once (status reads ask for it per asset).
  let fingerprint = FINGERPRINTS.get(def);
  if (fingerprint === undefined) {
    fingerprint = createHash("sha1").update(JSON.stringify(snapshotPartitionsDefinition(def))).digest("hex");
    FINGERPRINTS.set(def, fingerprint);
  }
  return fingerprint;
}

const FINGERPRINTS = new WeakMap<PartitionsDefinition, string>();
