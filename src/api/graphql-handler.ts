// createGraphQLHandler: the GraphQL API over an instance and a workspace, as a yoga instance that node:http serves.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DocumentNode } from "graphql";
import { createYoga, type Plugin } from "graphql-yoga";
import { tesseraFiles } from "../core/index.js";
import type { WorkspaceView } from "../code-location/index.js";
import type { Instance } from "../instance/index.js";
import { EventWatcher } from "./event-watcher.js";
import { queryLimitsRule, type QueryLimits } from "./query-limits.js";
import { RequestLoaders, type ApiContext } from "./schema/context.js";
import { buildSchema } from "./schema/schema.js";

/** Options of `createGraphQLHandler`. */
export interface GraphQLHandlerOptions {
  readonly instance: Instance;
  readonly workspace: WorkspaceView;
  /** Refuse every mutation (each answers a ReadOnlyError). @default false */
  readonly readOnly?: boolean;
  /** Depth and size limits of one query. */
  readonly limits?: QueryLimits;
  /** Where the API is served. @default "/graphql" */
  readonly graphqlEndpoint?: string;
  /** Serve GraphiQL on GET. @default true */
  readonly graphiql?: boolean;
  /** How often subscriptions look for new events on SQLite (PostgreSQL notifies instead). @default 100 */
  readonly pollIntervalMs?: number;
  /** The watcher of new events subscriptions share; one of the handler's own by default (then `close()` stops it). */
  readonly watcher?: EventWatcher;
}

/** The handler: a yoga instance (call it as a node:http listener, or `.fetch(...)`); `close()` stops its polling. */
/**
 * The GraphQL API as a `node:http` request listener (graphql-yoga underneath), with `fetch` for in-process requests.
 * Its own type, not yoga's: the package ships graphql-yoga bundled, and users' type-checks never see yoga's types.
 */
export interface GraphQLHandler {
  (request: IncomingMessage, response: ServerResponse): void;
  /** Answers a request without a server (the Fetch API's shapes): for tests and scripts. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Stops the polling behind subscriptions. */
  close(): void;
  /** Ends open subscriptions and what they watch. */
  dispose(): Promise<void> | void;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(tesseraFiles().dir, "..", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/**
 * The GraphQL API (queries, mutations, subscriptions over SSE) over `instance` and the code locations of
 * `workspace`. Unexpected errors are masked (their message never reaches the client); every user-fixable
 * failure is a typed member of the field's result union.
 *
 * @example
 * const workspace = await InProcessWorkspace.load({ instance, locations: [{ name: "shop", load: defs }] });
 * const yoga = createGraphQLHandler({ instance, workspace });
 * createServer(yoga).listen(3000, "127.0.0.1");
 */
export function createGraphQLHandler(options: GraphQLHandlerOptions): GraphQLHandler {
  const schema = buildSchema({ version: packageVersion() });
  const watcher = options.watcher ?? new EventWatcher(options.instance, options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs });
  const limitsRule = queryLimitsRule(options.limits);
  const limitsPlugin: Plugin = { onValidate: ({ addValidationRule }) => addValidationRule(limitsRule) };
  // A mutation may change state the event log does not carry (a backfill, a schedule's status, a sensor's cursor):
  // subscriptions over such state re-read it as soon as the mutation is done, not at their next interval.
  const nudgePlugin: Plugin = {
    onExecute: ({ args }) => {
      const mutation = (args.document as DocumentNode).definitions.some((d) => d.kind === "OperationDefinition" && d.operation === "mutation");
      return mutation ? { onExecuteDone: () => watcher.nudge() } : undefined;
    },
  };
  const yoga = createYoga<Record<string, unknown>, ApiContext>({
    schema,
    graphqlEndpoint: options.graphqlEndpoint ?? "/graphql",
    graphiql: options.graphiql ?? true,
    landingPage: false,
    context: (): ApiContext => ({
      instance: options.instance,
      workspace: options.workspace,
      readOnly: options.readOnly ?? false,
      watcher,
      loaders: new RequestLoaders(options.instance, options.workspace),
    }),
    plugins: [limitsPlugin, nudgePlugin],
  });
  return Object.assign(yoga as unknown as GraphQLHandler, { close: () => (options.watcher === undefined ? watcher.stop() : undefined) });
}
