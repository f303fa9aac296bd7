// The http server of `tessera dev`: node:http composing the GraphQL handler and the web UI.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serveUi } from "./static-ui.js";

/** Options of `startHttpServer()`. */
export interface HttpServerOptions {
  /** Serves `/graphql` (GraphiQL on a GET from a browser, queries, mutations, SSE subscriptions): a graphql-yoga instance. */
  readonly graphql: RequestListener;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** 0 picks a free port (the answer's `port` says which). @default 3000 */
  readonly port?: number;
}

/** A listening server. */
export interface RunningHttpServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, with an IPv6 host in brackets. */
  readonly url: string;
  /** Stops accepting connections, ends open ones (SSE streams included) and resolves once the port is free. */
  close(): Promise<void>;
}

const GRAPHQL_PATH = "/graphql";

/** Whether binding `host` exposes the server beyond this machine (anything but a loopback address). */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Listens on `host:port` and routes `/graphql` to the GraphQL handler and `/` (with `/assets/`) to the web UI.
 * Rejects when the port is taken (EADDRINUSE) or the host cannot be bound, with the system's error.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === GRAPHQL_PATH || path.startsWith(`${GRAPHQL_PATH}/`)) return options.graphql(req, res);
    if (serveUi(req, res)) return;
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`Not found: ${path}. The GraphQL API is at ${GRAPHQL_PATH}.\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" || address.address.includes(":") ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    url: `http://${urlHost}:${address.port}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets and SSE subscriptions would hold the port open until their clients leave.
        server.closeAllConnections();
      })),
  };
}
