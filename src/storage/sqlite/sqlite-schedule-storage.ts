// Schedules and sensors on SQLite: their state, their ticks, and the automation evaluations their ticks record.
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
import { SQLITE_DIALECT, type SqliteDatabase } from "./sqlite-database.js";

export class SqliteScheduleStorage {
  readonly #database: SqliteDatabase;
  readonly #s;

  constructor(database: SqliteDatabase) {
    this.#database = database;
    this.#s = database.prepared((db) => ({
      getInstigator: db.prepare("SELECT * FROM instigators WHERE name = ?"),
      setInstigator: db.prepare(
        `INSERT INTO instigators (name, type, status, update_time, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET type = excluded.type, status = excluded.status, update_time = excluded.update_time, body = excluded.body`,
      ),
      addTick: db.prepare("INSERT INTO ticks (instigator_name, instigator_type, status, timestamp, body) VALUES (?, ?, ?, ?, ?)"),
      updateTick: db.prepare("UPDATE ticks SET status = ?, timestamp = ?, body = ? WHERE id = ?"),
      addEvaluation: db.prepare(
        "INSERT INTO automation_evaluations (asset_key, evaluation_id, timestamp, sensor_name, num_requested, body) VALUES (?, ?, ?, ?, ?, ?)",
      ),
    }));
  }

  async getInstigatorState(name: string): Promise<InstigatorState | undefined> {
    const row = this.#s().getInstigator.get(name) as InstigatorRow | undefined;
    return row ? decodeInstigator(row) : undefined;
  }

  async getInstigatorStates(type?: InstigatorType): Promise<InstigatorState[]> {
    const db = this.#database.use();
    const rows = (type === undefined
      ? db.prepare("SELECT * FROM instigators ORDER BY name").all()
      : db.prepare("SELECT * FROM instigators WHERE type = ? ORDER BY name").all(type)) as InstigatorRow[];
    return rows.map(decodeInstigator);
  }

  async setInstigatorState(state: InstigatorState): Promise<void> {
    this.#s().setInstigator.run(state.name, state.type, state.status, state.updateTime, encodeInstigatorBody(state));
  }

  async addTick(tick: NewTick): Promise<TickRecord> {
    const result = this.#s().addTick.run(tick.instigatorName, tick.instigatorType, tick.status, tick.timestamp, encodeTickBody(tick));
    return { ...tick, tickId: Number(result.lastInsertRowid) };
  }

  async updateTick(tick: TickRecord): Promise<void> {
    this.#s().updateTick.run(tick.status, tick.timestamp, encodeTickBody(tick), tick.tickId);
  }

  async getTicks(instigatorName: string, filter: TicksFilter = {}): Promise<TickRecord[]> {
    const db = this.#database.use();
    const params: unknown[] = [];
    const sql = ticksQuery(instigatorName, filter, SQLITE_DIALECT, params);
    if (sql === undefined) return [];
    return (db.prepare(sql).all(...params) as TickRow[]).map(decodeTick);
  }

  async addAutomationEvaluations(records: readonly AutomationEvaluationRecord[]): Promise<void> {
    const s = this.#s();
    this.#database.raw.transaction(() => {
      for (const r of records) s.addEvaluation.run(r.assetKey, r.evaluationId, r.timestamp, r.sensorName, r.numRequested, JSON.stringify(r.tree));
    })();
  }

  async getAutomationEvaluations(assetKey: string, options: { limit?: number; evaluationId?: number; beforeEvaluationId?: number } = {}): Promise<AutomationEvaluationRecord[]> {
    const db = this.#database.use();
    const params: unknown[] = [];
    const sql = automationEvaluationsQuery(assetKey, options, SQLITE_DIALECT, params);
    return (db.prepare(sql).all(...params) as AutomationEvaluationRow[]).map(decodeAutomationEvaluation);
  }
}
