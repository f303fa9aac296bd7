// Schedules and sensors (automation condition sensors among them): status with a start/stop toggle and a reset to the
// definition's default, the next ticks, the tick history, a sensor's cursor (set, cleared), and a dry run that shows
// what one would request now without launching anything. Live over the API's automationChanged subscription: a tick,
// a start or a cursor change shows without a reload, and the page never polls.
import { Fragment, useEffect, useState, type FormEvent } from "react";
import { gql } from "../api.js";
import { hashQuery, setHashQuery } from "../hash-route.js";
import { follow, type Connection } from "../live.js";

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
const LIVE = `subscription AutomationPage {
  automationChanged {
    schedules { name locationName status description cronSchedules executionTimezone nextTicks(limit: 3) ${TICK_FIELDS} }
    sensors { name locationName status cursor description sensorType minimumIntervalSeconds ${TICK_FIELDS} }
  }
}`;
const RESULT = `__typename ... on InstigationState { status cursor } ... on Error { message }`;
const SET_CURSOR = `mutation SetSensorCursorFromUi($name: String!, $cursor: String) { result: setSensorCursor(name: $name, cursor: $cursor) { ${RESULT} } }`;
const RESET_SCHEDULE = `mutation ResetScheduleFromUi($name: String!) { result: resetSchedule(name: $name) { ${RESULT} } }`;
const RESET_SENSOR = `mutation ResetSensorFromUi($name: String!) { result: resetSensor(name: $name) { ${RESULT} } }`;
const SET_STATUS = `mutation SetInstigatorStatus($name: String!, $status: String!) {
  setInstigatorStatus(name: $name, status: $status) { __typename ... on Error { message } }
}`;
const DRY_RESULT = `__typename ... on DryRunResult { skipMessage runRequests { runKey partitionKey assetKeys jobName } } ... on Error { message }`;
const DRY_RUN_SCHEDULE = `mutation DryRunSchedule($name: String!) { dryRun: dryRunSchedule(name: $name) { ${DRY_RESULT} } }`;
// From the sensor's stored cursor: what its next tick would do.
const DRY_RUN_SENSOR = `mutation DryRunSensor($name: String!, $cursor: String) { dryRun: dryRunSensor(name: $name, cursor: $cursor) { ${DRY_RESULT} } }`;

const time = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

/** A sensor's cursor: what its next tick starts from, set by hand or cleared (the next tick then starts from nothing). */
function CursorEditor(props: { item: Instigator; onNotice: (message: string) => void }) {
  const { item } = props;
  const [draft, setDraft] = useState(item.cursor ?? "");
  const apply = async (cursor: string | null) => {
    try {
      const { result } = await gql<{ result: { __typename: string; cursor?: string | null; message?: string } }>(SET_CURSOR, { name: item.name, cursor });
      if (result.message) return props.onNotice(result.message);
      props.onNotice(result.cursor == null ? `Cleared the cursor of ${item.name}.` : `Set the cursor of ${item.name} to ${result.cursor}.`);
      if (cursor === null) setDraft("");
    } catch (e) {
      props.onNotice(e instanceof Error ? e.message : String(e));
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void apply(draft);
  };
  return (
    <form className="toolbar" aria-label={`Cursor of ${item.name}`} onSubmit={submit}>
      <span>
        Cursor: <code aria-label={`Current cursor of ${item.name}`}>{item.cursor ?? "none"}</code>
      </span>
      <label>
        New cursor <input value={draft} onChange={(e) => setDraft(e.target.value)} />
      </label>
      <button type="submit" aria-label={`Set cursor of ${item.name}`}>
        Set cursor
      </button>
      <button type="button" aria-label={`Clear cursor of ${item.name}`} disabled={item.cursor == null} onClick={() => void apply(null)}>
        Clear cursor
      </button>
    </form>
  );
}

export function Automation() {
  const [items, setItems] = useState<Instigator[] | undefined>();
  const [connection, setConnection] = useState<Connection>("connecting");
  const [notice, setNotice] = useState<string | undefined>();
  const [open, setOpen] = useState<string | undefined>(() => hashQuery().get("open") ?? undefined);
  const [dryRuns, setDryRuns] = useState<Record<string, DryRun>>({});
  const [filter, setFilter] = useState(() => hashQuery().get("q") ?? "");

  // The subscription sends every schedule and sensor at once, then again whenever one changes.
  useEffect(
    () =>
      follow<{ automationChanged: { schedules: Omit<Instigator, "kind">[]; sensors: Omit<Instigator, "kind">[] } }>({
        query: LIVE,
        variables: () => ({}),
        onConnection: setConnection,
        onData: ({ automationChanged: { schedules, sensors } }) =>
          setItems([...schedules.map((s) => ({ ...s, kind: "Schedule" as const })), ...sensors.map((s) => ({ ...s, kind: "Sensor" as const }))]),
      }),
    [],
  );
  useEffect(() => setHashQuery({ open, q: filter }), [open, filter]);

  const toggle = async (item: Instigator) => {
    const status = item.status === "RUNNING" ? "STOPPED" : "RUNNING";
    try {
      const { setInstigatorStatus } = await gql<{ setInstigatorStatus: { __typename: string; message?: string } }>(SET_STATUS, { name: item.name, status });
      setNotice(setInstigatorStatus.message);
    } catch (e) {
      setNotice(e instanceof Error ? e.message : String(e));
    }
  };
  const reset = async (item: Instigator) => {
    try {
      const { result } = await gql<{ result: { __typename: string; status?: string; message?: string } }>(item.kind === "Schedule" ? RESET_SCHEDULE : RESET_SENSOR, { name: item.name });
      setNotice(result.message ?? `${item.name} is back to its default status: ${result.status ?? ""}.`);
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

  const badge = (
    <span className={`badge badge-${connection}`} role="status" aria-label="Live updates" title="Ticks, starts and cursors show as they happen, over the API's subscription">
      {connection === "live" ? "Live" : connection === "connecting" ? "Connecting…" : "Disconnected: reconnecting"}
    </span>
  );
  if (!items) {
    return (
      <div className="page">
        <p role="status">Loading schedules and sensors…</p>
        {badge}
      </div>
    );
  }
  const shown = items.filter((i) => filter === "" || i.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div className="page">
      <div className="toolbar">
        <h1>Automation</h1>
        {badge}
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
                    </button>{" "}
                    <button type="button" onClick={() => void reset(item)} aria-label={`Reset ${item.name}`} title="Back to the status the definition declares">
                      Reset
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
                        {item.kind === "Sensor" && <CursorEditor item={item} onNotice={setNotice} />}
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
