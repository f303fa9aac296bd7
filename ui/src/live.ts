// Live data over the API's subscriptions (GraphQL over server-sent events, as yoga serves them): never polling, and
// never silently stale. A dropped stream is reported at once (the page shows it is disconnected) and opened again
// from the caller's latest cursor, so nothing is missed and nothing arrives twice. A stream the server completes
// (a finished run's) is not reopened.
import { createClient, type Client } from "graphql-sse";

let client: Client | undefined;

function sse(): Client {
  // Retries are the caller's (see follow), each from the cursor it has reached.
  client ??= createClient({ url: "/graphql", retryAttempts: 0 });
  return client;
}

export type Connection = "connecting" | "live" | "disconnected";

export interface Follow<T> {
  readonly query: string;
  /** The variables to (re)subscribe with: called again on each reconnection, so they carry the latest cursor. */
  readonly variables: () => Record<string, unknown>;
  readonly onData: (data: T) => void;
  readonly onConnection: (state: Connection) => void;
  /** What the server refused (a payload with errors, such as an unknown step); without it such payloads are dropped. */
  readonly onErrors?: (messages: readonly string[]) => void;
}

/** Follows a subscription until the returned function is called, reconnecting with backoff after a drop. */
export function follow<T>(options: Follow<T>): () => void {
  let stopped = false;
  let stop: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  const open = () => {
    if (stopped) return;
    options.onConnection("connecting");
    const retry = () => {
      if (stopped) return;
      options.onConnection("disconnected");
      timer = setTimeout(open, Math.min(10_000, 500 * 2 ** attempt++));
    };
    stop = sse().subscribe<T>(
      { query: options.query, variables: options.variables() },
      {
        next: (value) => {
          attempt = 0;
          options.onConnection("live");
          if (value.errors?.length) options.onErrors?.(value.errors.map((e) => e.message));
          if (value.data) options.onData(value.data as T);
        },
        error: retry,
        // The server ends a stream on purpose (the run finished): nothing more will come.
        complete: () => options.onConnection("live"),
      },
      { connected: () => options.onConnection("live") },
    );
  };
  open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    stop?.();
  };
}
