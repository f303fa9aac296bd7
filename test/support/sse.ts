// A GraphQL subscription over server-sent events (graphql-sse's "distinct connections" mode, as yoga serves it), read
// message by message: the tests' client for the API's subscriptions, in process (a yoga handler) or over HTTP.

/** Anything that answers a fetch: a yoga handler (`yoga.fetch`) or the global fetch against a real server. */
export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<Response>;

export interface Subscription {
  /** The next payload's data, or null once the server completed (or closed) the stream. */
  next(): Promise<Record<string, any> | null>;
  cancel(): Promise<void>;
}

/**
 * Opens a subscription. `onData` sees each raw `data:` line before it is parsed (a test can assert what must never
 * be sent, such as a secret).
 */
export async function subscribe(
  fetcher: Fetch,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  onData?: (raw: string) => void,
): Promise<Subscription> {
  const response = await fetcher(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ query, variables }),
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: complete/m.test(message)) return null;
          const data = message.split("\n").find((l) => l.startsWith("data:"));
          if (data && data.length > 5) {
            onData?.(data);
            return (JSON.parse(data.slice(5)) as { data: Record<string, any> }).data;
          }
          continue;
        }
        const chunk = await reader.read();
        if (chunk.done) return null;
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}
