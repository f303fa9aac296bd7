// The launchpad: a selection's run config (checked against its JSON Schema as it is typed), a partition or a range of
// partitions, and the launch: one run, or a backfill for a range unless the assets' backfill policy is a single run.
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { ApiError, gql, keyString, type AssetKeyData } from "../api.js";
import type { JsonSchema } from "../config-editor/json-schema.js";
import { hashQuery, setHashQuery } from "../hash-route.js";

const ConfigEditor = lazy(() => import("../config-editor/ConfigEditor.js"));

interface LaunchpadNode {
  key: AssetKeyData;
  isPartitioned: boolean;
  partitionsDescription: string | null;
  partitionsDefinition: { kind: string; name?: string } | null;
  backfillPolicy: string | null;
  partitionKeyCount: number | null;
  partitionKeys: string[] | null;
}

const QUERY = `query Launchpad($selection: String!) {
  assetNodesOrError(selection: $selection) {
    __typename
    ... on AssetNodes { nodes { key { path } isPartitioned partitionsDescription partitionsDefinition backfillPolicy partitionKeyCount partitionKeys(limit: 5000, fromEnd: true) } }
    ... on Error { message }
  }
  runConfigSchemaOrError(selection: $selection) { __typename ... on RunConfigSchema { schema } ... on Error { message } }
}`;

const LAUNCH_RUN = `mutation LaunchpadRun($selection: String!, $partitionKey: String, $partitionRange: PartitionRangeInput, $runConfig: JSON) {
  launchRun(selection: $selection, partitionKey: $partitionKey, partitionRange: $partitionRange, runConfig: $runConfig) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on RunConfigValidationInvalid { errors { path message } }
    ... on Error { message }
  }
}`;

const LAUNCH_BACKFILL = `mutation LaunchpadBackfill($selection: String!, $partitionRange: PartitionRangeInput) {
  launchBackfill(selection: $selection, partitionRange: $partitionRange) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on Error { message }
  }
}`;

const ADD_PARTITION = `mutation LaunchpadAddPartition($name: String!, $keys: [String!]!) {
  addDynamicPartitions(partitionsDefName: $name, partitionKeys: $keys) { __typename ... on Error { message } }
}`;

type Mode = "single" | "range";

export function Launchpad() {
  const [selection, setSelection] = useState(() => hashQuery().get("selection") ?? "*");
  const [draft, setDraft] = useState(selection);
  const [nodes, setNodes] = useState<LaunchpadNode[] | undefined>();
  const [schema, setSchema] = useState<JsonSchema | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [config, setConfig] = useState(() => hashQuery().get("config") ?? "");
  const [problems, setProblems] = useState<string[]>([]);
  const [mode, setMode] = useState<Mode>(() => (hashQuery().get("end") ? "range" : "single"));
  const [partition, setPartition] = useState(() => hashQuery().get("partition") ?? "");
  const [start, setStart] = useState(() => hashQuery().get("start") ?? "");
  const [end, setEnd] = useState(() => hashQuery().get("end") ?? "");
  const [result, setResult] = useState<string[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    setError(undefined);
    setNodes(undefined);
    gql<{
      assetNodesOrError: { __typename: string; nodes?: LaunchpadNode[]; message?: string };
      runConfigSchemaOrError: { __typename: string; schema?: JsonSchema; message?: string };
    }>(QUERY, { selection })
      .then(({ assetNodesOrError, runConfigSchemaOrError }) => {
        if (assetNodesOrError.message) return setError(assetNodesOrError.message);
        setNodes(assetNodesOrError.nodes ?? []);
        setSchema(runConfigSchemaOrError.schema);
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [selection, reload]);

  // What the page shows is in its URL: a launchpad can be shared as it is.
  useEffect(() => {
    // A long config would make an address too long to share: it stays out of it.
    setHashQuery({ selection, config: config.length <= 1500 ? config : "", partition: mode === "single" ? partition : "", start: mode === "range" ? start : "", end: mode === "range" ? end : "" });
  }, [selection, config, mode, partition, start, end]);

  const partitioned = useMemo(() => nodes?.find((n) => n.isPartitioned), [nodes]);
  const keys = partitioned?.partitionKeys ?? [];
  const singleRunRange = nodes !== undefined && nodes.filter((n) => n.isPartitioned).every((n) => n.backfillPolicy === "SINGLE_RUN");
  const asBackfill = partitioned !== undefined && mode === "range" && !singleRunRange;

  const launch = async () => {
    setResult(undefined);
    let runConfig: unknown;
    try {
      runConfig = config.trim() === "" ? undefined : JSON.parse(config);
    } catch (e) {
      return setResult([`The run config is not JSON: ${(e as Error).message}`]);
    }
    const range = mode === "range" ? { start, end } : undefined;
    setBusy(true);
    try {
      if (asBackfill) {
        if (runConfig !== undefined) return setResult(["A backfill runs with the assets' default config: clear the run config, or launch the range as one run."]);
        const { launchBackfill } = await gql<{ launchBackfill: { __typename: string; backfillId?: string; message?: string } }>(LAUNCH_BACKFILL, { selection, partitionRange: range });
        if (launchBackfill.backfillId) window.location.hash = `#/backfills/${launchBackfill.backfillId}`;
        else setResult([launchBackfill.message ?? launchBackfill.__typename]);
        return;
      }
      const { launchRun } = await gql<{ launchRun: { __typename: string; run?: { runId: string }; message?: string; errors?: { path: string; message: string }[] } }>(LAUNCH_RUN, {
        selection,
        partitionKey: partitioned && mode === "single" ? partition : null,
        partitionRange: partitioned ? (range ?? null) : null,
        runConfig,
      });
      if (launchRun.run) window.location.hash = `#/runs/${launchRun.run.runId}`;
      else setResult([launchRun.message ?? launchRun.__typename, ...(launchRun.errors ?? []).map((e) => `${e.path}: ${e.message}`)]);
    } catch (e) {
      setResult([e instanceof Error ? e.message : String(e)]);
    } finally {
      setBusy(false);
    }
  };

  const dynamicName = partitioned?.partitionsDefinition?.kind === "dynamic" ? partitioned.partitionsDefinition.name : undefined;
  const addPartition = async () => {
    if (!dynamicName) return;
    try {
      const { addDynamicPartitions } = await gql<{ addDynamicPartitions: { __typename: string; message?: string } }>(ADD_PARTITION, { name: dynamicName, keys: [partition] });
      if (addDynamicPartitions.__typename !== "Ok") setResult([addDynamicPartitions.message ?? addDynamicPartitions.__typename]);
      setReload((n) => n + 1);
    } catch (e) {
      setResult([e instanceof Error ? e.message : String(e)]);
    }
  };
  const partitionMissing = partitioned !== undefined && (mode === "single" ? partition === "" : start === "" || end === "");
  return (
    <div className="page launchpad">
      <h1>Launchpad</h1>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setSelection(draft.trim() || "*");
        }}
      >
        <label>
          Selection <input aria-label="Launch selection" value={draft} onChange={(e) => setDraft(e.target.value)} size={40} />
        </label>
        <button type="submit">Load</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {nodes && (
        <p>
          {nodes.length} asset{nodes.length === 1 ? "" : "s"}: {nodes.slice(0, 12).map((n) => keyString(n.key)).join(", ")}
          {nodes.length > 12 ? ", …" : ""}
        </p>
      )}
      {partitioned && (
        <fieldset className="partition-picker">
          <legend>Partitions: {partitioned.partitionsDescription ?? partitioned.partitionsDefinition?.kind} ({partitioned.partitionKeyCount ?? 0})</legend>
          <label>
            <input type="radio" name="mode" checked={mode === "single"} onChange={() => setMode("single")} /> One partition
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === "range"} onChange={() => setMode("range")} /> A range
          </label>
          <datalist id="partition-keys">
            {keys.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
          {mode === "single" ? (
            <label>
              Partition <input aria-label="Partition" list="partition-keys" value={partition} onChange={(e) => setPartition(e.target.value)} />
              {dynamicName && partition !== "" && !keys.includes(partition) && (
                <button type="button" onClick={() => void addPartition()}>
                  Add partition {partition} to {dynamicName}
                </button>
              )}
            </label>
          ) : (
            <>
              <label>
                From <input aria-label="Range start" list="partition-keys" value={start} onChange={(e) => setStart(e.target.value)} />
              </label>
              <label>
                To <input aria-label="Range end" list="partition-keys" value={end} onChange={(e) => setEnd(e.target.value)} />
              </label>
              <span className="hint">{singleRunRange ? "One run over the range (backfill policy: single run)." : "A backfill: one run per partition (or per the backfill policy)."}</span>
            </>
          )}
          {keys.length > 0 && (
            <span className="hint">
              Latest: {keys.slice(-3).join(", ")}
              {partitioned.partitionKeyCount !== null && partitioned.partitionKeyCount > keys.length ? ` (of ${partitioned.partitionKeyCount})` : ""}
            </span>
          )}
        </fieldset>
      )}
      <section aria-label="Run config editor" className="config-section">
        <h2>Run config</h2>
        <Suspense fallback={<p role="status">Loading the editor…</p>}>
          <ConfigEditor value={config} onChange={setConfig} schema={schema} onDiagnostics={setProblems} />
        </Suspense>
        {problems.length > 0 && (
          <ul aria-label="Config problems" className="problems">
            {problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        )}
      </section>
      <div className="toolbar">
        <button type="button" className="primary" disabled={busy || !nodes || nodes.length === 0 || problems.length > 0 || partitionMissing} onClick={() => void launch()}>
          {asBackfill ? "Launch backfill" : "Launch run"}
        </button>
        {result && (
          <ul role="alert" className="problems">
            {result.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
