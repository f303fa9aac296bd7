// One run: a live Gantt of its steps (each attempt a segment, so retries show), its structured log (filter by step,
// type and text; only the rows in view are in the page, so a run of 100,000 events scrolls like one of ten), what its
// steps wrote to stdout and stderr, and its actions. The log follows the run over the API's subscription from the last
// event read; a badge says whether the view is live, and a banner says so at once when the connection drops.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { hashQuery, setHashQuery } from "../hash-route.js";
import { ApiError, gql, type AssetKeyData } from "../api.js";
import { follow, type Connection } from "../live.js";
import { ComputeLogs } from "./run/ComputeLogs.js";
import { EventLog } from "./run/EventLog.js";
import { StepTracker, retriesOf, type StepSpan } from "./run/steps.js";
import "./run/run.css";

interface RunData {
  runId: string;
  status: string;
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

export function Run({ runId }: { runId: string }) {
  const [run, setRun] = useState<RunData | undefined>();
  const [error, setError] = useState<string | undefined>();
  // The events live in a ref, appended in place (a copy per batch would be quadratic over 100,000 events); the count
  // is what renders.
  const events = useRef<RunEventData[]>([]);
  const tracker = useRef(new StepTracker());
  const stepKeySet = useRef(new Set<string>());
  const typeSet = useRef(new Set<string>());
  const [count, setCount] = useState(0);
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
    for (const e of arrived) {
      events.current.push(e);
      if (e.stepKey) stepKeySet.current.add(e.stepKey);
      typeSet.current.add(e.eventType);
    }
    tracker.current.add(arrived);
    setCount(events.current.length);
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
        for (const e of runEvents.events) buffered.current.push(e);
        if (runEvents.events.some((e) => e.eventType.startsWith("RUN_"))) void load();
        if (!pausedRef.current) flush();
      },
    });
  }, [runId]); // eslint-disable-line react-hooks/exhaustive-deps -- one subscription per run

  useEffect(() => {
    if (!paused) flush();
  }, [paused]);
  useEffect(() => setHashQuery({ step: stepFilter, type: typeFilter, q: textFilter }), [stepFilter, typeFilter, textFilter]);

  const spans = useMemo(() => tracker.current.spans(), [count]); // eslint-disable-line react-hooks/exhaustive-deps -- the tracker moves with count
  const shown = useMemo(() => {
    if (stepFilter === "" && typeFilter === "" && textFilter === "") return events.current;
    const text = textFilter.toLowerCase();
    return events.current.filter(
      (e) =>
        (stepFilter === "" || e.stepKey === stepFilter) &&
        (typeFilter === "" || e.eventType === typeFilter) &&
        (text === "" || `${e.message ?? ""} ${e.eventType} ${e.stepKey ?? ""}`.toLowerCase().includes(text)),
    );
  }, [count, stepFilter, typeFilter, textFilter]); // eslint-disable-line react-hooks/exhaustive-deps -- events grow with count


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

  // A step's label clips (for its ellipsis) only when its text overflows the label's column: a clip is a paint property
  // node that layerization walks in every frame that repaints anything on the page (each jump of the log below), and
  // nearly every step key fits. Decided after each render, before paint: every label's widths read, then one update.
  const gantt = useRef<HTMLElement>(null);
  const [overflowing, setOverflowing] = useState<ReadonlySet<string>>(new Set());
  useLayoutEffect(() => {
    const labels = gantt.current?.querySelectorAll<HTMLLabelElement>(".gantt-label") ?? [];
    const over = new Set<string>();
    for (const label of labels) if (label.scrollWidth > label.clientWidth + 1) over.add(label.dataset["step"] as string);
    if (over.size !== overflowing.size || [...over].some((key) => !overflowing.has(key))) setOverflowing(over);
  });

  if (error) return <p role="alert">{error}</p>;
  if (!run) return <p role="status">Loading run {runId}…</p>;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    for (const a of span.attempts) {
      start = Math.min(start, a.start);
      end = Math.max(end, a.end ?? Date.now());
    }
  }
  if (!Number.isFinite(start)) [start, end] = [0, 1];
  const scale = (t: number) => ((t - start) / Math.max(0.001, end - start)) * 100;
  const finished = FINISHED.has(run.status);
  // A step still queued when its run has ended never ran (skipped after an upstream failure, or canceled).
  const stateOf = (span: StepSpan) => (finished && span.state === "queued" ? "skipped" : span.state);
  const describeStep = (span: StepSpan) => {
    const retries = retriesOf(span);
    return `Step ${span.key} ${stateOf(span)}${retries ? ` after ${retries} ${retries === 1 ? "retry" : "retries"}` : ""}`;
  };
  const disconnected = !finished && connection === "disconnected";

  return (
    <div className="page run-page">
      {disconnected && (
        <div className="disconnected-banner" role="alert">
          Disconnected from the server: this view is not live. Reconnecting… (events written meanwhile will be shown, none twice)
        </div>
      )}
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
      <section aria-label="Steps" className="gantt" ref={gantt}>
        {spans.map((span) => (
          <div key={span.key} className="gantt-row">
            <label className={overflowing.has(span.key) ? "gantt-label gantt-clip" : "gantt-label"} data-step={span.key}>
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
              {retriesOf(span) > 0 && <span className="retry-count"> ↻{retriesOf(span)}</span>}
            </label>
            <span className="gantt-track" role="img" aria-label={describeStep(span)}>
              {span.attempts.length === 0 ? (
                <span className={`gantt-bar gantt-${stateOf(span)}`} style={{ width: "100%" }} />
              ) : (
                placeBars(span.attempts.map((a) => [scale(a.start), Math.max(0.5, scale(a.end ?? end) - scale(a.start))])).map(
                  ({ gap, width }, i) => {
                    const a = span.attempts[i]!;
                    return (
                      <span
                        key={i}
                        className={`gantt-bar gantt-${a.outcome === "retried" ? "retried" : a.outcome ?? stateOf(span)}`}
                        title={`Attempt ${i + 1}${a.outcome ? `: ${a.outcome}` : ""}`}
                        style={{ marginLeft: `${gap}%`, width: `${width}%` }}
                      />
                    );
                  },
                )
              )}
            </span>
          </div>
        ))}
      </section>
      <ComputeLogs runId={runId} steps={spans.filter((s) => s.attempts.length > 0).map((s) => s.key)} finished={finished} />
      <div className="toolbar" role="search" aria-label="Filter the log">
        <select aria-label="Step" value={stepFilter} onChange={(e) => setStepFilter(e.target.value)}>
          <option value="">All steps</option>
          {[...stepKeySet.current].map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <select aria-label="Event type" value={typeFilter} onChange={(e) => setTypeFilter(e.target.value)}>
          <option value="">All events</option>
          {[...typeSet.current].map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <input aria-label="Search the log" placeholder="Search the log" value={textFilter} onChange={(e) => setTextFilter(e.target.value)} />
        <span role="status" aria-label="Events shown">
          {shown.length === count ? `${count} events` : `${shown.length} of ${count} events`}
        </span>
      </div>
      <EventLog events={shown} count={count} />
    </div>
  );
}

// The bars of a track sit in flow, one after another (no positioned box each: every positioned box is a paint layer
// and a paint chunk that each frame's layerization walks, even while only the log beside it changes). An attempt at
// [left, left + width)% of the track is placed by its gap after the previous bar's end, negative if they overlap.
function placeBars(bars: readonly (readonly [left: number, width: number])[]): { gap: number; width: number }[] {
  let at = 0;
  return bars.map(([left, width]) => {
    const gap = left - at;
    at = left + width;
    return { gap, width };
  });
}
