// Prints the GraphQL API's schema as SDL (what `tessera dev` serves at /graphql), for clients and reviews.
// Usage: node --import tsx scripts/print-schema.ts [out.graphql]
import { writeFileSync } from "node:fs";
import { lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "../src/api/schema/schema.js";

const sdl = printSchema(lexicographicSortSchema(buildSchema({ version: "schema" })));
const out = process.argv[2];
if (out) writeFileSync(out, `${sdl}\n`);
else process.stdout.write(`${sdl}\n`);
