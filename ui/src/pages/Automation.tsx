// Schedules and sensors (automation condition sensors among them): status with a start/stop toggle, the next ticks,
// the tick history, and a dry run that shows what one would request now without launching anything.
import { Fragment, useEffect, useState } from "react";
import { ApiError, gql } from "../api.js";
import { hashQuery, setHashQuery } from "../hash-route.js";

interface Tick {
  tickId: number;
  status: string;
  timestamp: number;
  runIds: string[];
  skipReason: string | null;
  error: string | null;
}

interface Instigator {
  kind: "Schedule" | "Sensor";
  name: string;
  locationName: string;
  status: string;
  description: string | null;
  cronSchedules?: string[];
  executionTimezone?: string;
  nextTicks?: number[];
  sensorType?: string;
  minimumIntervalSeconds?: number;
  cursor?: string | null;
  ticks: { ticks: Tick[] };
}

interface DryRun {
  __typename: string;
  message?: string;
  skipMessage?: string | null;
  runRequests?: { runKey: string | null; partitionKey: string | null; assetKeys: string[] | null; jobName: string | null }[];
}

const TICK_FIELDS = "ticks(limit: 10) { ticks { tickId status timestamp runIds skipReason error } }";
const QUERY = `query AutomationPage {
  schedules { name locationName status description cronSchedules executionTimezone nextTicks(limit: 3) ${TICK_FIELDS} }
  sensors { name locationName status cursor description sensorType minimumIntervalSeconds ${TICK_FIELDS} }
}`;
const SET_STATUS = `mutation SetInstigatorStatus($name: String!, $status: String!) {
  setInstigatorStatus(name: $name, status: $status) { __typename ... on Error { message } }
}`;
const DRY_RESULT = `__typename ... on DryRunResult { skipMessage runRequests { runKey partitionKey assetKeys jobName } } ... on Error { message }`;
const DRY_RUN_SCHEDULE = `mutation DryRunSchedule($name: String!) { dryRun: dryRunSchedule(name: $name) { ${DRY_RESULT} } }`;
// From the sensor's stored cursor: what its next tick would do.
const DRY_RUN_SENSOR = `mutation DryRunSensor($name: String!, $cursor: String) { dryRun: dryRunSensor(name: $name, cursor: $cursor) { ${DRY_RESULT} } }`;

const time = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

export function Automation() {
  const [items, setItems] = useState<Instigator[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [open, setOpen] = useState<string | undefined>(() => hashQuery().get("open") ?? undefined);
  const [dryRuns, setDryRuns] = useState<Record<string, DryRun>>({});
  const [filter, setFilter] = useState(() => hashQuery().get("q") ?? "");

  const load = () =>
    gql<{ schedules: Omit<Instigator, "kind">[]; sensors: Omit<Instigator, "kind">[] }>(QUERY)
      .then(({ schedules, sensors }) => setItems([...schedules.map((s) => ({ ...s, kind: "Schedule" as const })), ...sensors.map((s) => ({ ...s, kind: "Sensor" as const }))]))
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));

  useEffect(() => {
    void load();
  }, []);
  useEffect(() => setHashQuery({ open, q: filter }), [open, filter]);

  const toggle = async (item: Instigator) => {
    const status = item.status === "RUNNING" ? "STOPPED" : "RUNNING";
    try {
      const { setInstigatorStatus } = await gql<{ setInstigatorStatus: { __typename: string; message?: string } }>(SET_STATUS, { name: item.name, status });
      setNotice(setInstigatorStatus.message);
      await load();
    } catch (e) {
      setNotice(e instanceof Error ? e.message : String(e));
    }
  };
  const dryRun = async (item: Instigator) => {
    try {
      const { dryRun } =
        item.kind === "Schedule"
          ? await gql<{ dryRun: DryRun }>(DRY_RUN_SCHEDULE, { name: item.name })
          : await gql<{ dryRun: DryRun }>(DRY_RUN_SENSOR, { name: item.name, cursor: item.cursor ?? null });
      setDryRuns((previous) => ({ ...previous, [item.name]: dryRun }));
      setOpen(item.name);
    } catch (e) {
      setNotice(e instanceof Error ? e.message : String(e));
    }
  };

  if (error) return <p role="alert">{error}</p>;
  if (!items) return <p role="status">Loading schedules and sensors…</p>;
  const shown = items.filter((i) => filter === "" || i.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div className="page">
      <div className="toolbar">
        <h1>Automation</h1>
        <input aria-label="Filter schedules and sensors" placeholder="Filter by name" value={filter} onChange={(e) => setFilter(e.target.value)} />
        {notice && <span role="status">{notice}</span>}
      </div>
      {shown.length === 0 && <p>No schedules or sensors{filter ? ` match "${filter}"` : " in the loaded code locations"}.</p>}
      <table className="ops-table" aria-label="Schedules and sensors">
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>When</th>
            <th>Last tick</th>
            <th>Status</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((item) => {
            const last = item.ticks.ticks[0];
            const dry = dryRuns[item.name];
            return (
              <Fragment key={item.name}>
                <tr>
                  <td>
                    <button type="button" className="link" aria-expanded={open === item.name} onClick={() => setOpen(open === item.name ? undefined : item.name)}>
                      {item.name}
                    </button>
                    {item.description && <div className="hint">{item.description}</div>}
                  </td>
                  <td>{item.kind === "Schedule" ? "schedule" : item.sensorType === "AUTOMATION" ? "automation condition sensor" : "sensor"}</td>
                  <td>
                    {item.kind === "Schedule" ? `${item.cronSchedules?.join(", ")} (${item.executionTimezone})` : `every ${item.minimumIntervalSeconds}s at least`}
                    {item.nextTicks?.[0] !== undefined && <div className="hint">next: {time(item.nextTicks[0])}</div>}
                  </td>
                  <td>{last ? `${last.status} ${time(last.timestamp)}` : "none yet"}</td>
                  <td>
                    <label className="switch">
                      <input type="checkbox" role="switch" aria-label={`${item.name} running`} checked={item.status === "RUNNING"} onChange={() => void toggle(item)} />
                      {item.status}
                    </label>
                  </td>
                  <td>
                    <button type="button" onClick={() => void dryRun(item)} aria-label={`Dry run ${item.name}`}>
                      Dry run
                    </button>
                  </td>
                </tr>
                {open === item.name && (
                  <tr className="details">
                    <td colSpan={6}>
                      <section aria-label={`${item.name} details`}>
                        {dry && (
                          <div role="region" aria-label={`Dry run of ${item.name}`} className="dry-run">
                            <strong>Dry run:</strong>{" "}
                            {dry.message ??
                              (dry.skipMessage
                                ? `would skip: ${dry.skipMessage}`
                                : dry.runRequests?.length
                                  ? `would request ${dry.runRequests.length} run${dry.runRequests.length === 1 ? "" : "s"}: ${dry.runRequests
                                      .map((r) => [r.runKey && `key ${r.runKey}`, r.partitionKey && `partition ${r.partitionKey}`, r.assetKeys && r.assetKeys.join(", ")].filter(Boolean).join(" · ") || r.jobName || "the job")
                                      .join("; ")}`
                                  : "would request nothing")}
                          </div>
                        )}
                        {item.nextTicks && item.nextTicks.length > 0 && (
                          <p>
                            Next ticks: {item.nextTicks.map(time).join(", ")} (UTC)
                          </p>
                        )}
                        <table className="ops-table" aria-label={`Ticks of ${item.name}`}>
                          <thead>
                            <tr>
                              <th>Time</th>
                              <th>Status</th>
                              <th>Runs</th>
                              <th>Reason</th>
                            </tr>
                          </thead>
                          <tbody>
                            {item.ticks.ticks.map((tick) => (
                              <tr key={tick.tickId}>
                                <td>{time(tick.timestamp)}</td>
                                <td>{tick.status}</td>
                                <td>
                                  {tick.runIds.map((id) => (
                                    <a key={id} href={`#/runs/${id}`}>
                                      {id.slice(0, 8)}{" "}
                                    </a>
                                  ))}
                                </td>
                                <td>{tick.error ?? tick.skipReason ?? ""}</td>
                              </tr>
                            ))}
                            {item.ticks.ticks.length === 0 && (
                              <tr>
                                <td colSpan={4}>No ticks yet: the daemon evaluates running schedules and sensors.</td>
                              </tr>
                            )}
                          </tbody>
                        </table>
                      </section>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
