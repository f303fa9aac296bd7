// Watching a PostgreSQL instance's event log: LISTEN on a connection of its own, outside the pool.
import type { Client as PgClient } from "pg";
import type { InstanceError } from "../../core/index.js";
import { requireOptional } from "../../core/index.js";
import type { PostgresDatabase } from "./postgres-database.js";
import { EVENTS_CHANNEL } from "./postgres-store-events.js";

/** Stops a watch started by `watchEvents`. */
export type StopWatching = () => Promise<void>;

/** The watches of one storage, so that closing it stops them all. */
export class PostgresEventWatches {
  readonly #database: PostgresDatabase;
  readonly #watches = new Set<StopWatching>();

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async watch(listener: (maxStorageId: number) => void, onError?: (error: InstanceError) => void): Promise<StopWatching> {
    await this.#database.ready();
    // A pooled connection would be handed to queries between notifications and lose the LISTEN.
    const { Client } = requireOptional<typeof import("pg")>("pg", "Watching a PostgreSQL instance");
    const client: PgClient = new Client(this.#database.poolConfig());
    try {
      await client.connect();
    } catch (error) {
      throw this.#database.unreachable(error);
    }
    const prefix = `${this.#database.schema}:`;
    client.on("notification", (message) => {
      if (message.channel !== EVENTS_CHANNEL || !message.payload?.startsWith(prefix)) return;
      listener(Number(message.payload.slice(prefix.length)));
    });
    let stopped = false;
    const stop: StopWatching = async () => {
      if (stopped) return;
      stopped = true;
      this.#watches.delete(stop);
      await client.end().catch(() => {});
    };
    client.on("error", (error) => {
      if (stopped) return;
      void stop();
      onError?.(this.#database.unreachable(error, "querying"));
    });
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.#watches.add(stop);
    return stop;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#watches].map((stop) => stop()));
  }
}
