// `tessera dev` as a library: the workspace of code-location processes, the daemon, and the http server, started
// and stopped together.
import type { RequestListener } from "node:http";
import { ProcessWorkspace, type WorkspaceLocation, type WorkspaceLogLevel } from "../../code-location/workspace/workspace.js";
import type { Instance } from "../../instance/index.js";
import { startHttpServer, type RunningHttpServer } from "./http-server.js";

/** A node request listener for `/graphql`; `close()` and yoga's `dispose()`, where present, release what it holds. */
export type DevGraphQLHandler = RequestListener & { close?: () => unknown; dispose?: () => unknown };

/** What the GraphQL handler is built from. */
export interface GraphQLContextSource {
  readonly instance: Instance;
  readonly workspace: ProcessWorkspace;
  /** Mutations are refused. */
  readonly readOnly: boolean;
}

/** Options of `startDevServer()`. */
export interface DevServerOptions {
  /** The project's instance; runs and the daemon's state go there. It must be one other processes can open. */
  readonly instance: Instance;
  readonly locations: readonly WorkspaceLocation[];
  /**
   * Builds the `/graphql` handler (the API's `createGraphQLHandler`) over the workspace; its `close()` (the
   * subscriptions' polling) and `dispose()` (yoga's), where present, run at close.
   */
  readonly graphql: (source: GraphQLContextSource) => DevGraphQLHandler;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** 0 picks a free port. @default 3000 */
  readonly port?: number;
  /** Refuse mutations. @default false */
  readonly readOnly?: boolean;
  /** The daemon's iteration interval, or false for no daemon (nor run queue). @default { intervalMs: 5_000 } */
  readonly daemon?: false | { readonly intervalMs?: number };
  /** Reload a location when its files change. @default true */
  readonly watch?: boolean;
  readonly log?: (level: WorkspaceLogLevel, message: string, location?: string) => void;
}

/** A running dev server. */
export interface DevServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly workspace: ProcessWorkspace;
  /** Frees the port, stops every location's process (each daemon releases its lease) and every run's. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the code locations (each in a child process, with its daemon) and the http server, and resolves once every
 * location has loaded or failed and the port is listening. A port that cannot be bound stops the locations again
 * and rejects.
 *
 * @example
 * const server = await startDevServer({ instance, locations: [{ name: "defs.ts", module }], graphql: createGraphQLHandler, port: 0 });
 * console.log(`${server.url}/graphql`);
 * await server.close();
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const readOnly = options.readOnly ?? false;
  // Until every location has answered, requests get 503.
  let handler: RequestListener = (_req, res) => void res.writeHead(503, { "retry-after": "1" }).end("tessera dev is starting\n");
  const { workspace, ready } = ProcessWorkspace.begin({
    instance: options.instance,
    locations: options.locations,
    daemon: options.daemon ?? { intervalMs: 5_000 },
    watch: options.watch ?? true,
    ...(options.log ? { log: options.log } : {}),
  });
  const http = startHttpServer({ graphql: (req, res) => handler(req, res), ...(options.host !== undefined ? { host: options.host } : {}), ...(options.port !== undefined ? { port: options.port } : {}) });
  // Built while the locations load in their processes: the schema's construction overlaps with their imports.
  let graphql: DevGraphQLHandler | undefined;
  let buildError: unknown;
  try {
    graphql = options.graphql({ instance: options.instance, workspace, readOnly });
  } catch (error) {
    buildError = error;
  }
  const [loaded, listening] = await Promise.allSettled([ready, http]);
  if (graphql === undefined || loaded.status === "rejected" || listening.status === "rejected") {
    await Promise.all([workspace.close(), listening.status === "fulfilled" ? listening.value.close() : undefined]);
    graphql?.close?.();
    throw graphql === undefined ? buildError : loaded.status === "rejected" ? loaded.reason : (listening as PromiseRejectedResult).reason;
  }
  handler = graphql;
  return devServer(listening.value, workspace, graphql);
}

function devServer(http: RunningHttpServer, workspace: ProcessWorkspace, graphql: DevGraphQLHandler): DevServer {
  let closing: Promise<void> | undefined;
  return {
    url: http.url,
    host: http.host,
    port: http.port,
    workspace,
    close: () =>
      (closing ??= (async () => {
        await http.close();
        await graphql.close?.();
        await graphql.dispose?.();
        await workspace.close();
      })()),
  };
}
