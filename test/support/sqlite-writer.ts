// One writer process of the multi-process SQLite test: creates runs and appends events in batches.
import { AssetKey, Instance, MetadataValue, type TesseraEvent } from "@tessera/core";

const [home, writer, runs, batches, batchSize] = process.argv.slice(2);
const instance = Instance.fromHome({ home });
for (let r = 0; r < Number(runs); r++) {
  const run = await instance.createRun({ jobName: `writer_${writer}`, tags: { writer: String(writer) }, assetSelection: [], runConfig: {} });
  await instance.storeEvents([{ runId: run.runId, timestamp: Date.now(), eventType: "RUN_START" }]);
  for (let b = 0; b < Number(batches); b++) {
    const events: TesseraEvent[] = [];
    for (let i = 0; i < Number(batchSize); i++) {
      events.push({
        runId: run.runId,
        stepKey: `step_${i % 10}`,
        timestamp: Date.now(),
        eventType: "ASSET_MATERIALIZATION",
        assetKey: new AssetKey(["writer", String(writer), `asset_${i % 10}`]),
        metadata: { batch: MetadataValue.int(b) },
      });
    }
    await instance.storeEvents(events);
  }
  await instance.storeEvents([{ runId: run.runId, timestamp: Date.now(), eventType: "RUN_SUCCESS" }]);
}
await instance.close();
