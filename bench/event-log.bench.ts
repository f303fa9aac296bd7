// Event log append throughput: 100,000 events written in batches to an SQLite file instance.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Instance } from "../src/index.js";
import { benchEvents, median, report, type Measurement } from "./harness.js";

const TOTAL = 100_000;


export async function run(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  for (const batch of [1000, 100]) {
    const home = mkdtempSync(join(tmpdir(), "tessera-bench-"));
    const instance = Instance.fromHome({ home });
    const runRecord = await instance.createRun({ jobName: "bench", tags: {}, assetSelection: [], runConfig: {} });
    const all = benchEvents(runRecord.runId, TOTAL);
    const ms = await median(3, async () => {
      for (let i = 0; i < all.length; i += batch) await instance.storeEvents(all.slice(i, i + batch));
    });
    await instance.close();
    rmSync(home, { recursive: true, force: true });
    const perSecond = TOTAL / (ms / 1000);
    rows.push({
      name: `append ${TOTAL.toLocaleString("en")} events in batches of ${batch} (asset index updated in the same transactions)`,
      ms,
      figure: `${Math.round(perSecond).toLocaleString("en")} events/s`,
      target: "≥ 100,000 events/s",
      pass: perSecond >= 100_000,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("Event log", await run());
