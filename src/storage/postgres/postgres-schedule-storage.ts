// Schedules and sensors on PostgreSQL: their state, their ticks, and the automation evaluations their ticks record.
import type { AutomationEvaluationRecord, InstigatorState, InstigatorType, NewTick, TickRecord, TicksFilter } from "../storage.js";
import {
  decodeAutomationEvaluation,
  decodeInstigator,
  decodeTick,
  encodeInstigatorBody,
  encodeTickBody,
  type AutomationEvaluationRow,
  type InstigatorRow,
  type TickRow,
} from "../storage-rows.js";
import { automationEvaluationsQuery, ticksQuery } from "../sql-filters.js";
import { POSTGRES_DIALECT, type PostgresDatabase } from "./postgres-database.js";

export class PostgresScheduleStorage {
  readonly #database: PostgresDatabase;

  constructor(database: PostgresDatabase) {
    this.#database = database;
  }

  async getInstigatorState(name: string): Promise<InstigatorState | undefined> {
    const [row] = await this.#database.query<InstigatorRow>("SELECT * FROM instigators WHERE name = $1", [name], "tessera_get_instigator");
    return row ? decodeInstigator(row) : undefined;
  }

  async getInstigatorStates(type?: InstigatorType): Promise<InstigatorState[]> {
    // Byte order (COLLATE "C"), as SQLite sorts, whatever the database's collation.
    const rows =
      type === undefined
        ? await this.#database.query<InstigatorRow>("SELECT * FROM instigators ORDER BY name COLLATE \"C\"")
        : await this.#database.query<InstigatorRow>("SELECT * FROM instigators WHERE type = $1 ORDER BY name COLLATE \"C\"", [type]);
    return rows.map(decodeInstigator);
  }

  async setInstigatorState(state: InstigatorState): Promise<void> {
    await this.#database.query(
      `INSERT INTO instigators (name, type, status, update_time, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET type = excluded.type, status = excluded.status, update_time = excluded.update_time, body = excluded.body`,
      [state.name, state.type, state.status, state.updateTime, encodeInstigatorBody(state)],
      "tessera_set_instigator",
    );
  }

  async addTick(tick: NewTick): Promise<TickRecord> {
    const [row] = await this.#database.query<{ id: string }>(
      "INSERT INTO ticks (instigator_name, instigator_type, status, timestamp, body) VALUES ($1, $2, $3, $4, $5) RETURNING id",
      [tick.instigatorName, tick.instigatorType, tick.status, tick.timestamp, encodeTickBody(tick)],
      "tessera_add_tick",
    );
    return { ...tick, tickId: Number(row?.id) };
  }

  async updateTick(tick: TickRecord): Promise<void> {
    await this.#database.query(
      "UPDATE ticks SET status = $1, timestamp = $2, body = $3 WHERE id = $4",
      [tick.status, tick.timestamp, encodeTickBody(tick), tick.tickId],
      "tessera_update_tick",
    );
  }

  async getTicks(instigatorName: string, filter: TicksFilter = {}): Promise<TickRecord[]> {
    const params: unknown[] = [];
    const sql = ticksQuery(instigatorName, filter, POSTGRES_DIALECT, params);
    if (sql === undefined) return [];
    return (await this.#database.query<TickRow>(sql, params)).map(decodeTick);
  }

  async addAutomationEvaluations(records: readonly AutomationEvaluationRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.#database.query(
      `INSERT INTO automation_evaluations (asset_key, evaluation_id, timestamp, sensor_name, num_requested, body)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::double precision[], $4::text[], $5::int[], $6::text[])`,
      [
        records.map((r) => r.assetKey),
        records.map((r) => r.evaluationId),
        records.map((r) => r.timestamp),
        records.map((r) => r.sensorName),
        records.map((r) => r.numRequested),
        records.map((r) => JSON.stringify(r.tree)),
      ],
      "tessera_add_evaluations",
    );
  }

  async getAutomationEvaluations(assetKey: string, options: { limit?: number; evaluationId?: number; beforeEvaluationId?: number } = {}): Promise<AutomationEvaluationRecord[]> {
    const params: unknown[] = [];
    const sql = automationEvaluationsQuery(assetKey, options, POSTGRES_DIALECT, params);
    return (await this.#database.query<AutomationEvaluationRow>(sql, params)).map(decodeAutomationEvaluation);
  }
}
