// Event records as the API shows them, and their pages.
import type { AssetKey, EventRecord } from "../../core/index.js";
import type { Builder } from "./builder.js";

/** Metadata and data as JSON: metadata values are already plain data; anything else is dropped by the round trip. */
export function toJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

export interface EventPage {
  readonly events: readonly EventRecord[];
  readonly cursor: string | null;
  readonly hasMore: boolean;
}

export function defineEventTypes(builder: Builder) {
  const AssetKeyRef = builder.objectRef<{ path: readonly string[] }>("AssetKey").implement({
    fields: (t) => ({ path: t.stringList({ resolve: (k) => k.path as string[] }) }),
  });
  const keyOf = (k: AssetKey | undefined) => (k === undefined ? null : { path: k.path });
  const ErrorInfo = builder.objectRef<{ message: string; stack?: string | undefined }>("ErrorInfo").implement({
    fields: (t) => ({ message: t.exposeString("message"), stack: t.string({ nullable: true, resolve: (e) => e.stack ?? null }) }),
  });
  const RunEvent = builder.objectRef<EventRecord>("RunEvent").implement({
    description: "One event of a run's event log; eventType keeps the reference's names (ASSET_MATERIALIZATION, STEP_START, ...).",
    fields: (t) => ({
      runId: t.exposeID("runId"),
      eventType: t.exposeString("eventType"),
      message: t.string({ nullable: true, resolve: (e) => e.message ?? null }),
      level: t.string({ nullable: true, resolve: (e) => e.level ?? null }),
      stepKey: t.string({ nullable: true, resolve: (e) => e.stepKey ?? null }),
      timestamp: t.float({ resolve: (e) => e.timestamp }),
      assetKey: t.field({ type: AssetKeyRef, nullable: true, resolve: (e) => keyOf(e.assetKey) }),
      partition: t.string({ nullable: true, resolve: (e) => e.partition ?? null }),
      metadata: t.field({ type: "JSON", nullable: true, resolve: (e) => (e.metadata ? toJson(e.metadata) : null) }),
      tags: t.field({ type: "JSON", nullable: true, resolve: (e) => (e.tags ? toJson(e.tags) : null) }),
      error: t.field({ type: ErrorInfo, nullable: true, resolve: (e) => e.error ?? null }),
      checkName: t.string({ nullable: true, resolve: (e) => e.checkName ?? null }),
      passed: t.boolean({ nullable: true, resolve: (e) => e.passed ?? null }),
      severity: t.string({ nullable: true, resolve: (e) => e.severity ?? null }),
      durationMs: t.float({ nullable: true, resolve: (e) => e.durationMs ?? null }),
    }),
  });
  const EventConnection = builder.objectRef<EventPage>("EventConnection").implement({
    description: "A page of events; pass cursor back to read the next one.",
    fields: (t) => ({
      events: t.field({ type: [RunEvent], resolve: (p) => [...p.events] }),
      cursor: t.string({ nullable: true, resolve: (p) => p.cursor }),
      hasMore: t.exposeBoolean("hasMore"),
    }),
  });
  return { AssetKeyRef, RunEvent, EventConnection, ErrorInfo };
}

export type EventRefs = ReturnType<typeof defineEventTypes>;
