export { startHttpServer, isLoopbackHost, type HttpServerOptions, type RunningHttpServer } from "./http-server.js";
export { startDevServer, type DevServer, type DevServerOptions, type GraphQLContextSource, type DevGraphQLHandler } from "./dev-server.js";
