// The UI talks only to Tessera's GraphQL API (same origin, /graphql).

export class ApiError extends Error {}

/** Runs one GraphQL operation; a transport failure or an error in the response is an ApiError with its message. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError(`Cannot reach the Tessera server (${(error as Error).message}). Is \`tessera dev\` running?`);
  }
  const body = (await response.json().catch(() => null)) as { data?: T; errors?: { message: string }[] } | null;
  if (body?.errors?.length) throw new ApiError(body.errors.map((e) => e.message).join("; "));
  if (!response.ok || !body?.data) throw new ApiError(`The server answered ${response.status} ${response.statusText}.`);
  return body.data;
}

export interface AssetKeyData {
  path: string[];
}

export const keyString = (key: AssetKeyData): string => key.path.join("/");
