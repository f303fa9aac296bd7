// Dates and times in tables, in the time zone of the asset's partitions. A DATE column holds the local day of that
// zone, a TIMESTAMP (without time zone) column its wall-clock time, a TIMESTAMPTZ column an instant. JavaScript Dates
// are instants: written to DATE or TIMESTAMP they become the day or wall-clock time they are in the zone, and read back
// they become the instant that day starts or that wall-clock time is in the zone. The dialects move DATE and TIMESTAMP
// values as "naive" Dates (the day or wall-clock time counted as if it were UTC); this module converts at the edge.
import type { TableColumn } from "../../core/index.js";
import { ZoneOffsets, type MultiPartitionsDefinition, type PartitionsDefinition, type TimeWindowPartitionsDefinition } from "../../partitions/index.js";
import type { Row } from "./row-columns.js";

/** How a column or partition expression holds time. `other` is compared as an instant (the database casts it). */
export type TimeColumnKind = "date" | "timestamp" | "timestamptz" | "other";

const DAY_MS = 86_400_000;

/** The kind of a SQL type as DuckDB (`TIMESTAMP WITH TIME ZONE`, `TIMESTAMP_MS`) or PostgreSQL (`timestamp without time zone`) names it. */
export function timeKindOfSqlType(type: string): TimeColumnKind {
  const t = type.toLowerCase();
  if (t === "date") return "date";
  if (t === "timestamptz" || t.includes("with time zone")) return "timestamptz";
  if (t.startsWith("timestamp")) return "timestamp";
  return "other";
}

/** The time zone of an asset's time partitions (the time dimension's, for multi-partitions); UTC without one. */
export function zoneOf(def: PartitionsDefinition | undefined): string {
  if (def?.kind === "time_window") return (def as TimeWindowPartitionsDefinition).timezone;
  if (def?.kind === "multi") {
    const time = (def as MultiPartitionsDefinition).partitionsDefs.find((d) => d.partitionsDef.kind === "time_window");
    if (time !== undefined) return (time.partitionsDef as TimeWindowPartitionsDefinition).timezone;
  }
  return "UTC";
}

/** The wall-clock time of an instant in `zone`, as epoch ms counted like UTC. */
export function wallOf(instant: number, zone: string): number {
  return zone === "UTC" ? instant : ZoneOffsets.for(zone).toWall(instant);
}

/** `YYYY-MM-DD HH:MM:SS.sss` of a naive (wall-clock) time: a literal both dialects read as TIMESTAMP. */
export function naiveTimestampText(wall: number): string {
  return new Date(wall).toISOString().slice(0, 23).replace("T", " ");
}

/** `YYYY-MM-DD` of a naive day. */
export function naiveDateText(wall: number): string {
  return new Date(wall).toISOString().slice(0, 10);
}

/** True when a local day or wall-clock time needs converting: the zone is not UTC and some column is a DATE or TIMESTAMP. */
function zonedColumns(columns: readonly TableColumn[], zone: string): { name: string; kind: "date" | "timestamp" }[] {
  if (zone === "UTC") return [];
  return columns.flatMap((c) => {
    const kind = timeKindOfSqlType(c.type);
    return kind === "date" || kind === "timestamp" ? [{ name: c.name, kind }] : [];
  });
}

/**
 * Rows to write, with each Date in a DATE or TIMESTAMP column made naive in `zone` (the local day, or the wall-clock
 * time). The rows themselves are not changed; in UTC, or without such columns, they are returned as they are.
 */
export function rowsForWrite(rows: readonly Row[], columns: readonly TableColumn[], zone: string): readonly Row[] {
  const zoned = zonedColumns(columns, zone);
  if (zoned.length === 0) return rows;
  const offsets = ZoneOffsets.for(zone);
  return rows.map((row) => {
    let copy: Record<string, unknown> | undefined;
    for (const { name, kind } of zoned) {
      const value = row[name];
      if (!(value instanceof Date)) continue;
      const wall = offsets.toWall(value.getTime());
      copy ??= { ...row };
      copy[name] = new Date(kind === "date" ? Math.floor(wall / DAY_MS) * DAY_MS : wall);
    }
    return copy ?? row;
  });
}

/** Rows read, with each naive Date of a DATE or TIMESTAMP column made the instant it is in `zone`. Changes `rows` in place. */
export function rowsAfterRead<R extends Record<string, unknown>>(rows: R[], columns: readonly TableColumn[], zone: string): R[] {
  const zoned = zonedColumns(columns, zone);
  if (zoned.length === 0) return rows;
  const offsets = ZoneOffsets.for(zone);
  for (const row of rows) {
    for (const { name } of zoned) {
      const value = row[name];
      // The earlier of an ambiguous wall-clock time (the hour repeated when clocks go back), as the partitions do.
      if (value instanceof Date) (row as Record<string, unknown>)[name] = new Date(offsets.wallToInstantEarlier(value.getTime()));
    }
  }
  return rows;
}
