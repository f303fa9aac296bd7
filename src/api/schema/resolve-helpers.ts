// What resolvers of several schema files share: result unions, read-only guards, and sending operations to a location.
import type { ObjectRef, UnionRef } from "@pothos/core";
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { TesseraError } from "../../core/index.js";
import { operationErrorOf, type LocationEntry, type LocationOperationName, type LocationOperations, type OperationResult } from "../../code-location/index.js";
import type { ApiSchemaTypes, Builder } from "./builder.js";
import type { ApiContext } from "./context.js";
import { errorValueOf, readOnlyError, type ErrorRefs, type ErrorValue } from "./errors.js";

export type Types = PothosSchemaTypes.ExtendDefaultTypes<ApiSchemaTypes>;

export const tagsOf = (tags: readonly { key: string; value: string }[] | null | undefined) => (tags ? Object.fromEntries(tags.map((t) => [t.key, t.value])) : undefined);

export const isError = (v: unknown): v is ErrorValue => typeof v === "object" && v !== null && "__typename" in v && typeof (v as { message?: unknown }).message === "string";

/** The location an operation goes to: the one named, or the only loaded one, or the one holding `assetKey`. */
export function targetLocation(ctx: ApiContext, given: string | null | undefined, holds?: (entry: LocationEntry) => boolean): string | ErrorValue {
  if (given) return given;
  const loaded = ctx.workspace.locations().filter((l) => l.status === "LOADED");
  const candidates = holds ? loaded.filter(holds) : loaded;
  if (candidates.length === 1) return (candidates[0] as LocationEntry).name;
  return {
    __typename: "LocationUnavailableError",
    location: null,
    message:
      candidates.length === 0
        ? `No loaded code location can take this (locations: ${ctx.workspace.locations().map((l) => `${l.name} ${l.status}`).join(", ") || "none"}).`
        : `Several code locations could take this (${candidates.map((l) => l.name).join(", ")}); pass location to pick one.`,
  };
}

/** Runs an operation in a location's process; its failure comes back as the matching error member. */
export async function runOp<K extends LocationOperationName>(ctx: ApiContext, location: string, op: K, args: LocationOperations[K]["args"]): Promise<LocationOperations[K]["result"] | ErrorValue> {
  const result: OperationResult<LocationOperations[K]["result"]> = await ctx.workspace.run(location, op, args);
  return result.ok ? result.value : errorValueOf(result.error);
}

/** A factory of result unions: a success type or any error member; members carry __typename, which picks the GraphQL type. */
export function resultUnions(builder: Builder, errors: ErrorRefs) {
  return <S extends { __typename: string }>(name: string, success: ObjectRef<Types, S>) =>
    builder.unionType(name, {
      types: [success, ...errors.all] as ObjectRef<Types, unknown>[],
      resolveType: (value) => (value as { __typename: string }).__typename,
    }) as unknown as UnionRef<Types, S | ErrorValue>;
}

/** A mutation's resolver: refused on a read-only server, and a TesseraError it throws answered as an error member. */
export const guarded =
  <A, R>(what: string, fn: (args: A, ctx: ApiContext) => Promise<R>) =>
  async (_root: unknown, args: A, ctx: ApiContext): Promise<R | ErrorValue> => {
    if (ctx.readOnly) return readOnlyError(what);
    try {
      return await fn(args, ctx);
    } catch (error) {
      if (error instanceof TesseraError) return errorValueOf(operationErrorOf(error));
      throw error;
    }
  };

/**
 * Whether the field being resolved asks, at any depth below it, for one of `names` (fragments followed). Lets a list
 * resolver read in one batch, before its items resolve, what their fields would otherwise wait for one by one.
 */
export function selectsAnyField(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (names.has(selection.name.value) || walk(selection.selectionSet)) return true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (walk(selection.selectionSet)) return true;
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        if (walk(info.fragments[selection.name.value]?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => walk(node.selectionSet));
}
