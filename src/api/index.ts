// The GraphQL API: createGraphQLHandler over an instance and a workspace of code locations.
export { createGraphQLHandler, type GraphQLHandler, type GraphQLHandlerOptions } from "./graphql-handler.js";
export { EventWatcher, type EventWatcherOptions } from "./event-watcher.js";
export type { QueryLimits } from "./query-limits.js";
