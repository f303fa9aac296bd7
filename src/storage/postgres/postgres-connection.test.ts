import pg from "pg";
import { describe, expect, it } from "vitest";
import { scrubError } from "./postgres-connection.js";

const URL = process.env.TESSERA_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("scrubError", () => {
  it("masks a password the server echoes back in its error (message and detail)", async () => {
    const password = "s3cret-Pa55";
    const client = new pg.Client({ connectionString: URL });
    await client.connect();
    try {
      // The server quotes the value it could not read: an echo of what it was sent.
      const error = await client.query("SELECT $1::int", [password]).then(() => undefined, (e: unknown) => e);
      expect(String((error as Error).message)).toContain(password);
      const scrubbed = scrubError(error, password) as Error;
      expect(scrubbed.message).not.toContain(password);
      expect(scrubbed.message).toContain("***");
      expect(scrubbed.stack ?? "").not.toContain(password);
    } finally {
      await client.end();
    }
  });

  it("leaves errors alone without a password", () => {
    const error = new Error("x");
    expect(scrubError(error, undefined).message).toBe("x");
  });
});
