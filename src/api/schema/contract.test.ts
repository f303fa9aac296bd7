import type { GraphQLField, GraphQLNamedType, GraphQLObjectType, GraphQLSchema, GraphQLUnionType } from "graphql";
import { describe, expect, it } from "vitest";
import { buildSchema } from "./schema.js";

const schema: GraphQLSchema = buildSchema({ version: "test" });

// Duck-typed: vitest may load graphql's ESM and CJS builds side by side, and its `isObjectType` refuses the other's.
const isObjectType = (t: GraphQLNamedType | undefined | null): t is GraphQLObjectType => !!t && "getFields" in t;
const isInterfaceType = isObjectType;
const isUnionType = (t: GraphQLNamedType | undefined | null): t is GraphQLUnionType => !!t && "getTypes" in t;

/** `Type.field` → its type as SDL prints it, and each argument's. */
function field(type: string, name: string): { type: string; args: Record<string, string> } {
  const t = schema.getType(type);
  if (!isObjectType(t) && !isInterfaceType(t)) throw new Error(`${type} is not an object type of the schema`);
  const f: GraphQLField<unknown, unknown> | undefined = t.getFields()[name];
  if (!f) throw new Error(`${type}.${name} is not in the schema`);
  return { type: String(f.type), args: Object.fromEntries(f.args.map((a) => [a.name, String(a.type)])) };
}

// API.md, "GraphQL API": each line is a name and type a client relies on.
const CONTRACT: [string, string, string, Record<string, string>?][] = [
  ["Query", "version", "String!"],
  ["Query", "locations", "[CodeLocation!]!"],
  ["Query", "assetNodes", "[AssetNode!]!", { selection: "String" }],
  ["Query", "runOrError", "RunOrError!", { runId: "ID!" }],
  ["Query", "logsForRun", "EventConnection!", { runId: "ID!", afterCursor: "String", limit: "Int" }],
  ["CodeLocation", "name", "String!"],
  ["CodeLocation", "status", "LocationStatus!"],
  ["CodeLocation", "error", "LocationLoadError"],
  ["LocationLoadError", "message", "String!"],
  ["LocationLoadError", "stack", "String"],
  ["EventConnection", "events", "[RunEvent!]!"],
  ["EventConnection", "cursor", "String"],
  ["EventConnection", "hasMore", "Boolean!"],
  ["AssetNode", "key", "AssetKey!"],
  ["AssetNode", "groupName", "String"],
  ["AssetNode", "kinds", "[String!]!"],
  ["AssetNode", "owners", "[String!]!"],
  ["AssetNode", "dependencyKeys", "[AssetKey!]!"],
  ["AssetNode", "dependedByKeys", "[AssetKey!]!"],
  ["AssetKey", "path", "[String!]!"],
  ["Run", "runId", "ID!"],
  ["Run", "status", "RunStatus!"],
  ["RunEvent", "eventType", "String!"],
  ["RunEvent", "message", "String"],
  ["RunEvent", "stepKey", "String"],
  ["RunEvent", "timestamp", "Float!"],
  ["RunEvent", "assetKey", "AssetKey"],
  ["Error", "message", "String!"],
  ["Mutation", "launchRun", "LaunchRunResult!", { selection: "String!", partitionKey: "String", runConfig: "JSON", tags: "[TagInput!]" }],
  ["Mutation", "reloadWorkspace", "ReloadResult!"],
  ["Subscription", "runEvents", "RunEventsPayload!", { runId: "ID!", cursor: "String" }],
  ["RunEventsPayload", "events", "[RunEvent!]!"],
  ["RunEventsPayload", "cursor", "String"],
];

describe("the GraphQL contract of API.md", () => {
  it.each(CONTRACT)("%s.%s is %s", (type, name, expected, args) => {
    const found = field(type, name);
    expect(found.type).toBe(expected);
    for (const [arg, argType] of Object.entries(args ?? {})) expect({ arg, type: found.args[arg] }).toEqual({ arg, type: argType });
  });

  it("has the statuses LOADED, LOADING, FAILED and the reference's run statuses", () => {
    expect(schema.getType("LocationStatus")?.toJSON()).toBe("LocationStatus");
    const values = (name: string) => (schema.getType(name) as unknown as { getValues(): { name: string }[] }).getValues().map((v) => v.name).sort();
    expect(values("LocationStatus")).toEqual(["FAILED", "LOADED", "LOADING"]);
    expect(values("RunStatus")).toEqual(["CANCELED", "CANCELING", "FAILURE", "NOT_STARTED", "QUEUED", "STARTED", "STARTING", "SUCCESS"]);
  });

  it("makes RunOrError Run | RunNotFoundError and LaunchRunResult hold LaunchRunSuccess { run: Run! } and the errors", () => {
    const members = (name: string) => {
      const t = schema.getType(name);
      if (!isUnionType(t)) throw new Error(`${name} is not a union`);
      return t.getTypes().map((m) => m.name);
    };
    expect(members("RunOrError").sort()).toEqual(["Run", "RunNotFoundError"]);
    expect(members("LaunchRunResult")).toEqual(expect.arrayContaining(["LaunchRunSuccess", "InvalidSelectionError", "RunConfigValidationInvalid"]));
    expect(field("LaunchRunSuccess", "run").type).toBe("Run!");
  });

  it("has every error member of every result union implement Error", () => {
    const offenders: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isUnionType(type)) continue;
      for (const member of type.getTypes()) {
        if (member.name.endsWith("Error") || member.name.endsWith("Invalid")) {
          if (!member.getInterfaces().some((i) => i.name === "Error")) offenders.push(`${type.name}.${member.name}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
