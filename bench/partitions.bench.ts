// Partitions at 100,000 hourly partitions: counts, key ↔ index, subset algebra ("which are missing"), serialization, mapping.
import { Cron } from "croner";
import { CronSchedule } from "../src/partitions/cron.js";
import {
  DailyPartitionsDefinition,
  HourlyPartitionsDefinition,
  TimeWindowPartitionMapping,
  TimeWindowPartitionsSubset,
  type TimeWindowPartitionsDefinition,
} from "../src/partitions/index.js";
import { median, report, type Measurement } from "./harness.js";

const TOTAL = 100_000;
const START = Date.UTC(2014, 0, 1);
const NOW = new Date(START + TOTAL * 3_600_000);

function row(name: string, ms: number, targetMs: number, figure?: string): Measurement {
  return { name, ms, target: `< ${targetMs} ms`, pass: ms < targetMs, figure: figure ?? `${(ms * 1000).toFixed(0)} µs` };
}

function materialized(def: TimeWindowPartitionsDefinition): TimeWindowPartitionsSubset {
  // 99,000 of 100,000 partitions: 100 runs of 990, with a gap of 10 after each.
  const pairs: [number, number][] = [];
  for (let i = 0; i < 100; i++) pairs.push([i * 1000, i * 1000 + 990]);
  return TimeWindowPartitionsSubset.fromIndexRanges(def, pairs);
}

async function forZone(timezone: string): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  const label = timezone === "UTC" ? "" : ` (${timezone})`;
  const options = { currentTime: NOW };
  const hourly = new HourlyPartitionsDefinition({ startDate: new Date(START), timezone });
  const n = hourly.getNumPartitions(options);

  rows.push(row(`count ${n.toLocaleString("en")} hourly partitions${label}`, await median(21, () => void hourly.getNumPartitions(options)), 5));

  const sample = 1_000;
  const keys = Array.from({ length: sample }, (_, i) => hourly.getPartitionKeyAtIndex(Math.floor((i * n) / sample)));
  const toIndex = await median(11, () => {
    for (const k of keys) hourly.getPartitionIndex(k, options);
  });
  rows.push(row(`key → index, ${sample.toLocaleString("en")} keys spread over ${n.toLocaleString("en")}${label}`, toIndex, 5, `${((toIndex * 1000) / sample).toFixed(2)} µs/key`));
  const toKey = await median(11, () => {
    for (let i = 0; i < sample; i++) hourly.getPartitionKeyAtIndex(Math.floor((i * n) / sample));
  });
  rows.push(row(`index → key, ${sample.toLocaleString("en")} indices${label}`, toKey, 5, `${((toKey * 1000) / sample).toFixed(2)} µs/key`));

  const done = materialized(hourly);
  const other = TimeWindowPartitionsSubset.fromIndexRanges(hourly, [[500, 60_500]]);
  let missing = 0;
  const complementMs = await median(21, () => {
    missing = done.complement(options).size;
  });
  rows.push(
    row(
      `which partitions are missing: complement of 99,000 materialized (100 ranges)${label}`,
      complementMs,
      5,
      `${(complementMs * 1000).toFixed(0)} µs, ${missing.toLocaleString("en")} missing`,
    ),
  );
  rows.push(row(`subset union + difference (100 ranges × 1 range)${label}`, await median(21, () => void done.union(other).difference(other)), 5));

  let text = "";
  const serializeMs = await median(21, () => {
    text = done.serialize();
  });
  rows.push(row(`serialize the 99,000-partition subset${label}`, serializeMs, 5, `${(serializeMs * 1000).toFixed(0)} µs, ${text.length.toLocaleString("en")} bytes`));
  rows.push(row(`deserialize it${label}`, await median(21, () => void hourly.deserializeSubset(text)), 5));

  const daily = new DailyPartitionsDefinition({ startDate: new Date(START), timezone });
  const range = hourly.emptySubset().withIndexRange(50_000, 51_000);
  const toDaily = new TimeWindowPartitionMapping();
  const lag = new TimeWindowPartitionMapping({ startOffset: -1, endOffset: -1 });
  rows.push(
    row(
      `TimeWindowPartitionMapping of a 1,000-partition range, hourly → daily and hourly lag${label}`,
      await median(21, () => {
        toDaily.getUpstreamMappedPartitionsResultForPartitions(range, hourly, daily, options);
        lag.getUpstreamMappedPartitionsResultForPartitions(range, hourly, hourly, options);
        lag.getDownstreamPartitionsForPartitions(range, hourly, hourly, options);
      }),
      5,
    ),
  );
  return rows;
}

export async function run(): Promise<Measurement[]> {
  const rows = [...(await forZone("UTC")), ...(await forZone("Europe/Berlin"))];

  // A module of 10,000 partitioned assets that each build their own definition (instead of sharing one).
  rows.push(
    row(
      "build 10,000 hourly definitions (Europe/Berlin), one per asset",
      await median(5, () => {
        for (let i = 0; i < 10_000; i++) new HourlyPartitionsDefinition({ startDate: "2024-01-01-00:00", timezone: "Europe/Berlin" });
      }),
      100,
    ),
  );

  // Listing every key (issue 13: < 30 ms for 100,000 hourly keys).
  for (const timezone of ["UTC", "Europe/Berlin", "America/New_York"]) {
    const hourly = new HourlyPartitionsDefinition({ startDate: new Date(START), timezone });
    const listMs = await median(9, () => void hourly.getPartitionKeys({ currentTime: NOW }));
    rows.push({ name: `list all ${TOTAL.toLocaleString("en")} hourly keys (${timezone})`, ms: listMs, figure: `${((listMs * 1000) / TOTAL).toFixed(2)} µs/key`, target: "< 30 ms", pass: listMs < 30 });
  }

  // Why cron matching is ours: croner's nextRun is the measured hot path of iterated schedules.
  const ours = new CronSchedule("0 */4 * * *");
  const theirs = new Cron("0 */4 * * *", { timezone: "UTC", paused: true, mode: "5-part" });
  const steps = 10_000;
  const oursMs = await median(5, () => {
    let w = START;
    for (let i = 0; i < steps; i++) w = ours.nextWall(w);
  });
  const theirsMs = await median(3, () => {
    let d = new Date(START);
    for (let i = 0; i < steps; i++) d = theirs.nextRun(d) as Date;
  });
  rows.push({ name: `next cron match × ${steps.toLocaleString("en")}: ours`, ms: oursMs, figure: `croner ${theirsMs.toFixed(1)} ms` });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) report("Partitions", await run());
