// Errors as typed members of result unions (the reference's `...OrError` style): each implements `Error { message }`.
import type { OperationError } from "../../code-location/index.js";
import type { Builder } from "./builder.js";

/** An error value as resolvers return it: `__typename` picks the union member. */
export type ErrorValue =
  | { __typename: "InvalidSelectionError"; message: string; selection: string | null; position: number | null; expected: string[] }
  | { __typename: "RunConfigValidationInvalid"; message: string; errors: { path: string; message: string }[] }
  | { __typename: "InvalidPartitionError"; message: string; partitionKey: string | null }
  | { __typename: "RunNotFoundError"; message: string; runId: string }
  | { __typename: "BackfillNotFoundError"; message: string; backfillId: string }
  | { __typename: "InstigatorNotFoundError"; message: string; name: string }
  | { __typename: "LocationUnavailableError"; message: string; location: string | null }
  | { __typename: "ReadOnlyError"; message: string }
  | { __typename: "TesseraApiError"; message: string; code: string };

export type ErrorTypeName = ErrorValue["__typename"];

export const readOnlyError = (what: string): ErrorValue => ({
  __typename: "ReadOnlyError",
  message: `${what} is refused: this server is read-only (started with --read-only). Restart it without --read-only to change anything.`,
});

/** The union member for an operation's failure, keeping the fields a client acts on (selection position, config paths). */
export function errorValueOf(error: OperationError): ErrorValue {
  const d = error.details;
  switch (error.code) {
    case "SELECTION_SYNTAX":
    case "SELECTION_UNSUPPORTED":
    case "SELECTION_NOT_EXPRESSIBLE":
    case "UNKNOWN_ASSET":
    case "UNKNOWN_ASSET_CHECK":
    case "NOTHING_TO_RUN":
      return {
        __typename: "InvalidSelectionError",
        message: error.message,
        selection: typeof d["selection"] === "string" ? d["selection"] : null,
        position: typeof d["position"] === "number" ? d["position"] : null,
        expected: Array.isArray(d["expected"]) ? d["expected"].map(String) : [],
      };
    case "INVALID_CONFIG":
      return {
        __typename: "RunConfigValidationInvalid",
        message: error.message,
        errors: Array.isArray(d["issues"]) ? (d["issues"] as { path: string; message: string }[]).map((i) => ({ path: String(i.path), message: String(i.message) })) : [],
      };
    case "UNKNOWN_PARTITION_KEY":
    case "INVALID_PARTITION_KEY":
    case "INVALID_PARTITION_KEY_RANGE":
      return { __typename: "InvalidPartitionError", message: error.message, partitionKey: typeof d["partitionKey"] === "string" ? d["partitionKey"] : null };
    case "RUN_NOT_FOUND":
      return { __typename: "RunNotFoundError", message: error.message, runId: String(d["runId"] ?? "") };
    case "BACKFILL_NOT_FOUND":
      return { __typename: "BackfillNotFoundError", message: error.message, backfillId: String(d["backfillId"] ?? d["id"] ?? "") };
    case "UNKNOWN_INSTIGATOR":
      return { __typename: "InstigatorNotFoundError", message: error.message, name: String(d["instigatorName"] ?? "") };
    case "LOCATION_UNAVAILABLE":
      return { __typename: "LocationUnavailableError", message: error.message, location: typeof d["location"] === "string" ? d["location"] : null };
    default:
      return { __typename: "TesseraApiError", message: error.message, code: error.code };
  }
}

/** Defines the Error interface and its members; returns the refs result unions list. */
export function defineErrorTypes(builder: Builder) {
  const ErrorInterface = builder.interfaceRef<{ message: string }>("Error").implement({
    description: "Every error member of a result union implements it.",
    fields: (t) => ({ message: t.exposeString("message") }),
  });
  type T<N extends ErrorTypeName> = Extract<ErrorValue, { __typename: N }>;
  const ConfigIssue = builder.objectRef<{ path: string; message: string }>("RunConfigError").implement({
    fields: (t) => ({ path: t.exposeString("path", { description: "Where in the run config, e.g. ops.orders.config.limit." }), message: t.exposeString("message") }),
  });
  const refs = {
    InvalidSelectionError: builder.objectRef<T<"InvalidSelectionError">>("InvalidSelectionError").implement({
      description: "A selection neither grammar accepts, or that selects nothing runnable; position (0-based) and expected say where and what.",
      interfaces: [ErrorInterface],
      isTypeOf: (v) => (v as ErrorValue).__typename === "InvalidSelectionError",
      fields: (t) => ({
        selection: t.exposeString("selection", { nullable: true }),
        position: t.exposeInt("position", { nullable: true }),
        expected: t.exposeStringList("expected"),
      }),
    }),
    RunConfigValidationInvalid: builder.objectRef<T<"RunConfigValidationInvalid">>("RunConfigValidationInvalid").implement({
      description: "Run config that fails its schema; each error names its path.",
      interfaces: [ErrorInterface],
      isTypeOf: (v) => (v as ErrorValue).__typename === "RunConfigValidationInvalid",
      fields: (t) => ({ errors: t.field({ type: [ConfigIssue], resolve: (e) => e.errors }) }),
    }),
    InvalidPartitionError: builder.objectRef<T<"InvalidPartitionError">>("InvalidPartitionError").implement({
      interfaces: [ErrorInterface],
      isTypeOf: (v) => (v as ErrorValue).__typename === "InvalidPartitionError",
      fields: (t) => ({ partitionKey: t.exposeString("partitionKey", { nullable: true }) }),
    }),
    RunNotFoundError: builder.objectRef<T<"RunNotFoundError">>("RunNotFoundError").implement({
      interfaces: [ErrorInterface],
      isTypeOf: (v) => (v as ErrorValue).__typename === "RunNotFoundError",
      fields: (t) => ({ runId: t.exposeID("runId") }),
    }),
    BackfillNotFoundError: builder.objectRef<T<"BackfillNotFoundError">>("BackfillNotFoundError").implement({
      interfaces: [ErrorInterface],
      isTypeOf: (v) => (v as ErrorValue).__typename === "BackfillNotFoundError",
      fields: (t) => ({ backfillId: t.exposeID("backfillId") }),
    }),
    InstigatorNotFoundError: builder.objectRef<T<"InstigatorNotFoundError">>("InstigatorNotFoundError").implement({
      interfaces: [ErrorInterface],
      isTypeOf: (v) => (v as ErrorValue).__typename === "InstigatorNotFoundError",
      fields: (t) => ({ name: t.exposeString("name") }),
    }),
    LocationUnavailableError: builder.objectRef<T<"LocationUnavailableError">>("LocationUnavailableError").implement({
      description: "The code location is unknown, loading or failed to load.",
      interfaces: [ErrorInterface],
      isTypeOf: (v) => (v as ErrorValue).__typename === "LocationUnavailableError",
      fields: (t) => ({ location: t.exposeString("location", { nullable: true }) }),
    }),
    ReadOnlyError: builder.objectRef<T<"ReadOnlyError">>("ReadOnlyError").implement({
      description: "A mutation sent to a read-only server.",
      interfaces: [ErrorInterface],
      isTypeOf: (v) => (v as ErrorValue).__typename === "ReadOnlyError",
      fields: () => ({}),
    }),
    TesseraApiError: builder.objectRef<T<"TesseraApiError">>("TesseraApiError").implement({
      description: "Any other failure a user can fix; code is the TesseraError code.",
      interfaces: [ErrorInterface],
      isTypeOf: (v) => (v as ErrorValue).__typename === "TesseraApiError",
      fields: (t) => ({ code: t.exposeString("code") }),
    }),
  };
  return { ErrorInterface, ...refs, all: Object.values(refs) };
}

export type ErrorRefs = ReturnType<typeof defineErrorTypes>;
