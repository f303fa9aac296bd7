// The Pothos schema builder and the types every part of the schema shares: the request context and scalars.
import SchemaBuilder from "@pothos/core";
import type { ApiContext } from "./context.js";

/** What the builder knows of the schema: the context each resolver gets and the JSON scalar. */
export interface ApiSchemaTypes {
  Context: ApiContext;
  Scalars: { JSON: { Input: unknown; Output: unknown } };
  // API.md's contract: fields are non-null (`String!`, `[AssetNode!]!`) unless marked `nullable`.
  DefaultFieldNullability: false;
}

export function createBuilder() {
  const builder = new SchemaBuilder<ApiSchemaTypes>({ defaultFieldNullability: false });
  builder.scalarType("JSON", {
    description: "Any JSON value (metadata, run config, evaluation trees).",
    serialize: (value) => value,
    parseValue: (value) => value,
  });
  return builder;
}

export type Builder = ReturnType<typeof createBuilder>;
