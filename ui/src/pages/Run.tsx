// One run: a live Gantt of its steps, its structured log (filter by step, type and text), and its actions. The log
// follows the run over the API's subscription from the last event read; a visible badge says whether it is live,
// and the live view can be paused.
import { useEffect, useMemo, useRef, useState } from "react";
import { hashQuery, setHashQuery } from "../hash-route.js";
import { ApiError, gql, keyString, type AssetKeyData } from "../api.js";
import { follow, type Connection } from "../live.js";

interface RunData {
  runId: string;
  status: string;
  tags?: { key: string; value: string }[] | null;
}

interface RunEventData {
  eventType: string;
  message: string | null;
  level: string | null;
  stepKey: string | null;
  timestamp: number;
  assetKey: AssetKeyData | null;
  stepKeys?: string[] | null;
}

const RUN = `query RunPage($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run { runId status }
    ... on Error { message }
  }
}`;

const EVENTS = `subscription RunPageEvents($runId: ID!, $cursor: String) {
  runEvents(runId: $runId, cursor: $cursor) { events { eventType message level stepKey timestamp assetKey { path } stepKeys } cursor }
}`;

const TERMINATE = `mutation TerminateFromRunPage($runId: ID!) {
  terminateRun(runId: $runId) { __typename ... on Error { message } }
}`;

const REEXECUTE = `mutation ReexecuteFromRunPage($runId: ID!, $strategy: ReexecutionStrategy!, $stepKeys: [String!]) {
  reexecuteRun(runId: $runId, strategy: $strategy, stepKeys: $stepKeys) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } }
}`;

const FINISHED = new Set(["SUCCESS", "FAILURE", "CANCELED"]);

interface StepSpan {
  key: string;
  /** Undefined while the step is queued (planned by RUN_START, not started). */
  start: number | undefined;
  end: number | undefined;
  state: "queued" | "running" | "succeeded" | "failed" | "retrying" | "skipped";
}

function stepSpans(events: readonly RunEventData[]): StepSpan[] {
  const spans = new Map<string, StepSpan>();
  for (const e of events) {
    if (e.eventType === "RUN_START") for (const key of e.stepKeys ?? []) if (!spans.has(key)) spans.set(key, { key, start: undefined, end: undefined, state: "queued" });
    if (!e.stepKey) continue;
    const span = spans.get(e.stepKey);
    if (e.eventType === "STEP_START" && (!span || span.start === undefined)) spans.set(e.stepKey, { key: e.stepKey, start: e.timestamp, end: undefined, state: "running" });
    else if (span && e.eventType === "STEP_SUCCESS") Object.assign(span, { end: e.timestamp, state: "succeeded" });
    else if (span && e.eventType === "STEP_FAILURE") Object.assign(span, { end: e.timestamp, state: "failed" });
    else if (span && e.eventType === "STEP_UP_FOR_RETRY") span.state = "retrying";
    else if (span && e.eventType === "STEP_RESTARTED") span.state = "running";
    else if (e.eventType === "STEP_SKIPPED") spans.set(e.stepKey, { key: e.stepKey, start: span?.start, end: span?.end, state: "skipped" });
  }
  return [...spans.values()];
}

export function Run({ runId }: { runId: string }) {
  const [run, setRun] = useState<RunData | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [events, setEvents] = useState<RunEventData[]>([]);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [paused, setPaused] = useState(false);
  const [stepFilter, setStepFilter] = useState(() => hashQuery().get("step") ?? "");
  const [typeFilter, setTypeFilter] = useState(() => hashQuery().get("type") ?? "");
  const [textFilter, setTextFilter] = useState(() => hashQuery().get("q") ?? "");
  const [notice, setNotice] = useState<string | undefined>();
  const [selectedSteps, setSelectedSteps] = useState<ReadonlySet<string>>(new Set());
  const cursor = useRef<string | null>(null);
  const buffered = useRef<RunEventData[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  /** Shows the events that arrived while the view was paused (or just now). */
  const flush = () => {
    if (buffered.current.length === 0) return;
    const arrived = buffered.current;
    buffered.current = [];
    setEvents((previous) => [...previous, ...arrived]);
  };

  const load = () =>
    gql<{ runOrError: { __typename: string; message?: string } & Partial<RunData> }>(RUN, { runId })
      .then(({ runOrError }) => (runOrError.__typename === "Run" ? setRun(runOrError as RunData) : setError(runOrError.message ?? "No such run.")))
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));

  useEffect(() => {
    void load();
    return follow<{ runEvents: { events: RunEventData[]; cursor: string | null } }>({
      query: EVENTS,
      variables: () => ({ runId, cursor: cursor.current }),
      onConnection: setConnection,
      onData: ({ runEvents }) => {
        cursor.current = runEvents.cursor ?? cursor.current;
        buffered.current.push(...runEvents.events);
        if (runEvents.events.some((e) => e.eventType.startsWith("RUN_"))) void load();
        if (!pausedRef.current) flush();
      },
    });
  }, [runId]); // eslint-disable-line react-hooks/exhaustive-deps -- one subscription per run

  useEffect(() => {
    if (!paused) flush();
  }, [paused]);
  useEffect(() => setHashQuery({ step: stepFilter, type: typeFilter, q: textFilter }), [stepFilter, typeFilter, textFilter]);

  const spans = useMemo(() => stepSpans(events), [events]);
  const shown = useMemo(
    () =>
      events.filter(
        (e) =>
          (stepFilter === "" || e.stepKey === stepFilter) &&
          (typeFilter === "" || e.eventType === typeFilter) &&
          (textFilter === "" || `${e.message ?? ""} ${e.eventType} ${e.stepKey ?? ""}`.toLowerCase().includes(textFilter.toLowerCase())),
      ),
    [events, stepFilter, typeFilter, textFilter],
  );

  const act = async (query: string, variables: Record<string, unknown>, done: string) => {
    try {
      const data = await gql<Record<string, { __typename: string; message?: string; run?: { runId: string } }>>(query, variables);
      const result = Object.values(data)[0];
      if (result?.message) setNotice(result.message);
      else if (result?.run) window.location.hash = `#/runs/${result.run.runId}`;
      else setNotice(done);
    } catch (e) {
      setNotice(e instanceof Error ? e.message : String(e));
    }
  };

  if (error) return <p role="alert">{error}</p>;
  if (!run) return <p role="status">Loading run {runId}…</p>;
  const started = spans.filter((s): s is StepSpan & { start: number } => s.start !== undefined);
  const start = started.length ? Math.min(...started.map((s) => s.start)) : 0;
  const end = started.length ? Math.max(...started.map((s) => s.end ?? Date.now())) : 1;
  const scale = (t: number) => ((t - start) / Math.max(0.001, end - start)) * 100;
  const stepKeys = [...new Set(events.map((e) => e.stepKey).filter((k): k is string => k !== null))];
  const eventTypes = [...new Set(events.map((e) => e.eventType))];
  const finished = FINISHED.has(run.status);
  // A step still queued when its run has ended never ran (skipped after an upstream failure, or canceled).
  const stateOf = (span: StepSpan) => (finished && span.state === "queued" ? "skipped" : span.state);

  return (
    <div className="page">
      <div className="toolbar">
        <h1>Run {run.runId.slice(0, 8)}</h1>
        <span role="status" aria-label="Run status">
          {run.status}
        </span>
        <span className={`badge badge-${connection}`} role="status" aria-label="Live updates">
          {finished ? "finished" : connection === "live" ? (paused ? "paused" : "live") : connection}
        </span>
        <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? "Resume live view" : "Pause live view"}
        </button>
        <button type="button" disabled={finished} onClick={() => void act(TERMINATE, { runId }, "Termination requested.")}>
          Terminate
        </button>
        <button type="button" disabled={!finished} onClick={() => void act(REEXECUTE, { runId, strategy: "ALL_STEPS" }, "Re-executed.")}>
          Re-execute all
        </button>
        <button type="button" disabled={run.status !== "FAILURE"} onClick={() => void act(REEXECUTE, { runId, strategy: "FROM_FAILURE" }, "Re-executed.")}>
          Re-execute from failure
        </button>
        <button
          type="button"
          disabled={!finished || selectedSteps.size === 0}
          onClick={() => void act(REEXECUTE, { runId, strategy: "SELECTED_STEPS", stepKeys: [...selectedSteps] }, "Re-executed.")}
        >
          Re-execute selected ({selectedSteps.size})
        </button>
        {notice && <span role="alert">{notice}</span>}
      </div>
      <section aria-label="Steps" className="gantt">
        {spans.map((span) => (
          <div key={span.key} className="gantt-row">
            <label className="gantt-label">
              <input
                type="checkbox"
                aria-label={`Select step ${span.key}`}
                checked={selectedSteps.has(span.key)}
                onChange={(e) => {
                  const next = new Set(selectedSteps);
                  if (e.target.checked) next.add(span.key);
                  else next.delete(span.key);
                  setSelectedSteps(next);
                }}
              />
              {span.key}
            </label>
            <span
              className={`gantt-bar gantt-${stateOf(span)}`}
              role="img"
              aria-label={`Step ${span.key} ${stateOf(span)}`}
              style={
                span.start === undefined
                  ? { left: "0%", width: "100%" }
                  : { left: `${scale(span.start)}%`, width: `${Math.max(0.5, scale(span.end ?? end) - scale(span.start))}%` }
              }
            />
          </div>
        ))}
      </section>
      <div className="toolbar" role="search" aria-label="Filter the log">
        <select aria-label="Step" value={stepFilter} onChange={(e) => setStepFilter(e.target.value)}>
          <option value="">All steps</option>
          {stepKeys.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <select aria-label="Event type" value={typeFilter} onChange={(e) => setTypeFilter(e.target.value)}>
          <option value="">All events</option>
          {eventTypes.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <input aria-label="Search the log" placeholder="Search the log" value={textFilter} onChange={(e) => setTextFilter(e.target.value)} />
      </div>
      <table className="log" aria-label="Event log">
        <thead>
          <tr>
            <th>Time</th>
            <th>Step</th>
            <th>Event</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e, i) => (
            <tr key={i} className={e.level === "ERROR" ? "log-error" : undefined}>
              <td>{new Date(e.timestamp).toISOString().slice(11, 23)}</td>
              <td>{e.stepKey ?? ""}</td>
              <td>{e.eventType}</td>
              <td>
                {e.assetKey ? `${keyString(e.assetKey)}: ` : ""}
                {e.message ?? ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
