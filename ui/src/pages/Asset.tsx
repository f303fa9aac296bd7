// The page of one asset (#/assets/<key>): what it is, where it stands, its history with numeric metadata plotted,
// its checks, its neighbours, its automation, its partitions, and the buttons that materialize it. It stays current over
// the API's assetStatusChanged subscription (never by polling), and says so with its live badge.
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { ApiError, gql, keyString, type AssetKeyData } from "../api.js";
import { follow, type Connection } from "../live.js";
import { TableSchemaView, type MetadataEntries } from "./asset/TableSchemaView.js";
import { AutomationView, type Evaluation } from "./asset/AutomationView.js";
import { MetadataPlots, type AssetEvent } from "./asset/MetadataPlots.js";
import { PartitionBar, stateAt, type PartitionHealth } from "./asset/PartitionBar.js";
import { attemptState } from "./lineage/asset-status.js";
import "./asset.css";

interface CheckData {
  name: string;
  description: string | null;
  blocking: boolean;
  latestExecution: { runId: string; timestamp: number; passed: boolean | null; severity: string | null; metadata: AssetEvent["metadata"] } | null;
}

interface AssetData {
  key: AssetKeyData;
  description: string | null;
  groupName: string | null;
  locationName: string;
  kinds: string[];
  owners: string[];
  tags: { key: string; value: string }[];
  codeVersion: string | null;
  isPartitioned: boolean;
  partitionsDescription: string | null;
  backfillPolicy: string | null;
  definitionMetadata: MetadataEntries;
  isExecutable: boolean;
  isObservable: boolean;
  automationConditionLabel: string | null;
  jobNames: string[];
  dependencyKeys: AssetKeyData[];
  dependedByKeys: AssetKeyData[];
  staleStatus: string | null;
  staleCauses: { key: AssetKeyData; category: string; reason: string; dependency: AssetKeyData | null }[];
  latestMaterialization: AssetEvent | null;
  latestObservation: AssetEvent | null;
  latestMaterializationAttempt: { runId: string; status: string } | null;
  checks: CheckData[];
  partitionHealth: PartitionHealth | null;
  materializations: { events: AssetEvent[] };
  observations: { events: AssetEvent[] };
  automationEvaluations: Evaluation[];
}

const EVENT = "runId timestamp partition metadata tags";
const ASSET = `query AssetPage($selection: String) {
  assetNodes(selection: $selection) {
    key { path } description groupName locationName kinds owners tags { key value } codeVersion
    isPartitioned partitionsDescription backfillPolicy definitionMetadata isExecutable isObservable automationConditionLabel jobNames
    dependencyKeys { path } dependedByKeys { path }
    staleStatus staleCauses { key { path } category reason dependency { path } }
    latestMaterialization { ${EVENT} } latestObservation { ${EVENT} } latestMaterializationAttempt { runId status }
    checks { name description blocking latestExecution { runId timestamp passed severity metadata } }
    partitionHealth { numPartitions runs }
    materializations(limit: 200) { events { ${EVENT} } }
    observations(limit: 200) { events { ${EVENT} } }
    automationEvaluations(limit: 20) { evaluationId timestamp sensorName numRequested tree }
  }
}`;

const AUTOMATION = `query AssetAutomation($selection: String) { assetNodes(selection: $selection) { key { path } automationEvaluations(limit: 20) { evaluationId timestamp sensorName numRequested tree } } }`;
const TICKS = `subscription AssetPageTicks { automationChanged { sensors { name } } }`;

const INDEX_OF = `query PartitionIndex($selection: String, $partition: String!) { assetNodes(selection: $selection) { partitionIndex(partitionKey: $partition) } }`;
const KEYS_AT = `query PartitionKeysAt($selection: String, $indices: [Int!]!) { assetNodes(selection: $selection) { partitionKeysAt(indices: $indices) } }`;
const PARTITION = `query AssetPartition($selection: String, $partition: String!) {
  assetNodes(selection: $selection) { materializations(partitions: [$partition], limit: 1) { events { ${EVENT} } } }
}`;
const LAUNCH_BACKFILL = `mutation BackfillFromAssetPage($selection: String!, $partitionRange: PartitionRangeInput!) {
  launchBackfill(selection: $selection, partitionRange: $partitionRange) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on Error { message }
  }
}`;
const CHANGES = `subscription AssetPageChanges($keys: [AssetKeyInput!]) { assetStatusChanged(assetKeys: $keys) { assets { assetKey { path } } } }`;
const LAUNCH = `mutation LaunchFromAssetPage($selection: String!, $partitionKey: String, $partitionRange: PartitionRangeInput) {
  launchRun(selection: $selection, partitionKey: $partitionKey, partitionRange: $partitionRange) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
  }
}`;

/** The selection (the CLI's grammar) naming exactly this asset. */
export const selectionOf = (key: string) => `key:"${key.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const when = (ms: number) => new Date(ms).toLocaleString();
const dataVersionOf = (event: AssetEvent | null) => event?.tags?.["tessera/data_version"] ?? null;
const assetHref = (key: AssetKeyData) => `#/assets/${key.path.map(encodeURIComponent).join("/")}`;

function MetadataTable(props: { metadata: AssetEvent["metadata"]; label: string }) {
  const entries = Object.entries(props.metadata ?? {});
  if (entries.length === 0) return null;
  return (
    <table className="kv" aria-label={props.label}>
      <tbody>
        {entries.map(([name, entry]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{typeof entry === "object" && entry !== null && "value" in entry ? display(entry.value) : display(entry)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Metadata without its table schemas, which the page shows as tables of their own. */
function withoutSchemas(metadata: MetadataEntries): MetadataEntries {
  return Object.fromEntries(Object.entries(metadata ?? {}).filter(([, entry]) => entry?.type !== "table_schema"));
}

function display(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join("/");
  return JSON.stringify(value);
}

type Launch = { runId: string } | { backfillId: string; partitions: string } | { error: string } | undefined;
type LaunchRequest = { partitionKey?: string; partitionRange?: { start: string; end: string }; asBackfill?: boolean };

function useLaunch(key: string): [Launch, (request: LaunchRequest) => Promise<void>] {
  const [launched, setLaunched] = useState<Launch>();
  const launch = useCallback(
    async ({ asBackfill, ...vars }: LaunchRequest) => {
      setLaunched(undefined);
      try {
        if (asBackfill && vars.partitionRange) {
          const data = await gql<{ launchBackfill: { __typename: string; backfillId?: string; message?: string } }>(LAUNCH_BACKFILL, { selection: selectionOf(key), partitionRange: vars.partitionRange });
          const { backfillId, message, __typename } = data.launchBackfill;
          setLaunched(backfillId ? { backfillId, partitions: `${vars.partitionRange.start} to ${vars.partitionRange.end}` } : { error: message ?? __typename });
          return;
        }
        const data = await gql<{ launchRun: { __typename: string; run?: { runId: string }; message?: string } }>(LAUNCH, { selection: selectionOf(key), ...vars });
        setLaunched(data.launchRun.run ? { runId: data.launchRun.run.runId } : { error: data.launchRun.message ?? data.launchRun.__typename });
      } catch (e) {
        setLaunched({ error: e instanceof ApiError ? e.message : String(e) });
      }
    },
    [key],
  );
  return [launched, launch];
}

function LaunchStatus(props: { launched: Launch }) {
  const { launched } = props;
  if (!launched) return null;
  if ("error" in launched) return <span role="alert">{launched.error}</span>;
  if ("backfillId" in launched) {
    return (
      <span role="status">
        Launched backfill <a href={`#/backfills/${launched.backfillId}`}>{launched.backfillId}</a> of {launched.partitions} (one run per partition)
      </span>
    );
  }
  return (
    <span role="status">
      Launched run <a href={`#/runs/${launched.runId}`}>{launched.runId.slice(0, 8)}</a>
    </span>
  );
}

function PartitionRangeDialog(props: { assetKey: string; numPartitions: number; singleRun: boolean; onLaunch: (range: { start: string; end: string }) => void; onClose: () => void }) {
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  useEffect(() => {
    gql<{ assetNodes: { partitionKeysAt: string[] }[] }>(KEYS_AT, { selection: selectionOf(props.assetKey), indices: [0, props.numPartitions - 1] })
      .then((data) => {
        const keys = data.assetNodes[0]?.partitionKeysAt ?? [];
        setStart((s) => s || (keys[0] ?? ""));
        setEnd((e) => e || (keys[1] ?? ""));
      })
      .catch(() => undefined);
  }, [props.assetKey, props.numPartitions]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onLaunch({ start, end });
  };
  return (
    <form className="dialog" role="dialog" aria-label="Materialize partitions" onSubmit={submit}>
      <label>
        First partition <input value={start} onChange={(e) => setStart(e.target.value)} required />
      </label>
      <label>
        Last partition <input value={end} onChange={(e) => setEnd(e.target.value)} required />
      </label>
      <span className="muted">{props.singleRun ? "One run over the range (the asset's backfill policy is a single run)." : "A backfill: one run per partition."}</span>
      <button type="submit">Materialize range</button>
      <button type="button" onClick={props.onClose}>
        Cancel
      </button>
    </form>
  );
}

function PartitionDetail(props: { assetKey: string; health: PartitionHealth; index: number; onLaunch: (partitionKey: string) => void }) {
  const { assetKey, health, index } = props;
  // A new health (the page reloaded) may mean a new materialization of this partition too.
  const reloaded = health;
  const [detail, setDetail] = useState<{ key: string; latest: AssetEvent | null } | { error: string } | undefined>();
  useEffect(() => {
    let alive = true;
    const selection = selectionOf(assetKey);
    gql<{ assetNodes: { partitionKeysAt: string[] }[] }>(KEYS_AT, { selection, indices: [index] })
      .then(async (data) => {
        const key = data.assetNodes[0]?.partitionKeysAt[0];
        if (key === undefined) throw new ApiError(`No partition at position ${index}.`);
        const found = await gql<{ assetNodes: { materializations: { events: AssetEvent[] } }[] }>(PARTITION, { selection, partition: key });
        if (!alive) return;
        setDetail({ key, latest: found.assetNodes[0]?.materializations.events[0] ?? null });
        // The open partition is part of the address, so that it can be shared.
        const target = `${assetHref({ path: assetKey.split("/") })}?partition=${encodeURIComponent(key)}`;
        if (window.location.hash !== target) window.history.replaceState(null, "", target);
      })
      .catch((e: unknown) => alive && setDetail({ error: e instanceof ApiError ? e.message : String(e) }));
    return () => {
      alive = false;
    };
  }, [assetKey, index, reloaded]);
  if (!detail) return <p role="status">Loading partition {index + 1}…</p>;
  if ("error" in detail) return <p role="alert">{detail.error}</p>;
  return (
    <section className="card" aria-label={`Partition ${detail.key}`}>
      <h3>Partition {detail.key}</h3>
      <p>
        Status: <strong>{stateAt(health, index)}</strong> · position {index + 1} of {health.numPartitions}
      </p>
      {detail.latest ? (
        <>
          <p>
            Latest materialization {when(detail.latest.timestamp)} in run <a href={`#/runs/${detail.latest.runId}`}>{detail.latest.runId.slice(0, 8)}</a>
            {dataVersionOf(detail.latest) ? ` · data version ${dataVersionOf(detail.latest)}` : ""}
          </p>
          <MetadataTable metadata={detail.latest.metadata} label={`Metadata of partition ${detail.key}`} />
        </>
      ) : (
        <p>Never materialized.</p>
      )}
      <button type="button" onClick={() => props.onLaunch(detail.key)}>
        Materialize partition {detail.key}
      </button>
    </section>
  );
}

export function Asset(props: { assetKey: string; partition?: string }) {
  const { assetKey, partition } = props;
  const [asset, setAsset] = useState<AssetData | null | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [selectedPartition, setSelectedPartition] = useState<number | undefined>();
  const [rangeOpen, setRangeOpen] = useState(false);
  const [partitionError, setPartitionError] = useState<string | undefined>();
  const [launched, launch] = useLaunch(assetKey);
  const [connection, setConnection] = useState<Connection>("connecting");

  // One read at a time: changes that arrive while one is under way make one more read after it, never a pile of them.
  const reading = useRef<{ busy: boolean; again: boolean }>({ busy: false, again: false });
  // The page's reads and the automation section's own re-reads run side by side and may answer out of order: the
  // evaluations of a read sent before the last applied one are older, and never replace what is on screen.
  const evaluationReads = useRef({ sent: 0, applied: 0 });
  const load = useCallback(() => {
    const state = reading.current;
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    const sent = ++evaluationReads.current.sent;
    gql<{ assetNodes: AssetData[] }>(ASSET, { selection: selectionOf(assetKey) })
      .then((data) => {
        const found = data.assetNodes.find((a) => keyString(a.key) === assetKey) ?? null;
        const stale = sent < evaluationReads.current.applied;
        if (!stale) evaluationReads.current.applied = sent;
        setAsset((current) => (found && stale && current ? { ...found, automationEvaluations: current.automationEvaluations } : found));
        setError(undefined);
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)))
      .finally(() => {
        state.busy = false;
        if (state.again) {
          state.again = false;
          load();
        }
      });
  }, [assetKey]);

  // The page reads once, then again each time the asset's status moves (a run of it starts, materializes, fails, a
  // check is evaluated), and after a dropped stream reconnects (what changed meanwhile was not sent).
  useEffect(() => {
    load();
    let dropped = false;
    return follow<{ assetStatusChanged: { assets: { assetKey: AssetKeyData }[] } }>({
      query: CHANGES,
      variables: () => ({ keys: [{ path: assetKey.split("/") }] }),
      onData: () => load(),
      onConnection: (state) => {
        setConnection(state);
        if (state === "disconnected") dropped = true;
        else if (state === "live" && dropped) {
          dropped = false;
          load();
        }
      },
    });
  }, [assetKey, load]);

  // Automation ticks write no event of the asset unless they request it: the evaluations follow the schedules' and
  // sensors' change stream instead (each tick, whichever assets it evaluated), re-reading only this section.
  const automated = asset?.automationConditionLabel != null;
  useEffect(() => {
    if (!automated) return;
    const state = { busy: false, again: false };
    const reload = (): void => {
      if (state.busy) {
        state.again = true;
        return;
      }
      state.busy = true;
      const sent = ++evaluationReads.current.sent;
      gql<{ assetNodes: Pick<AssetData, "key" | "automationEvaluations">[] }>(AUTOMATION, { selection: selectionOf(assetKey) })
        .then((data) => {
          const found = data.assetNodes.find((a) => keyString(a.key) === assetKey);
          if (!found || sent < evaluationReads.current.applied) return;
          evaluationReads.current.applied = sent;
          setAsset((current) => (current ? { ...current, automationEvaluations: found.automationEvaluations } : current));
        })
        .catch(() => undefined) // the next tick reads again
        .finally(() => {
          state.busy = false;
          if (state.again) {
            state.again = false;
            reload();
          }
        });
    };
    return follow<unknown>({ query: TICKS, variables: () => ({}), onData: reload, onConnection: () => undefined });
  }, [assetKey, automated]);

  // A partition named in the address opens once its position is known.
  const partitioned = asset?.partitionHealth != null;
  useEffect(() => {
    if (!partition || !partitioned) return;
    gql<{ assetNodes: { partitionIndex: number | null }[] }>(INDEX_OF, { selection: selectionOf(assetKey), partition })
      .then((data) => {
        const index = data.assetNodes[0]?.partitionIndex;
        if (index === null || index === undefined) setPartitionError(`${assetKey} has no partition ${partition}; pick one on the bar.`);
        else setSelectedPartition((current) => current ?? index);
      })
      .catch((e: unknown) => setPartitionError(e instanceof ApiError ? e.message : String(e)));
  }, [assetKey, partition, partitioned]);

  if (error) return <p role="alert">{error}</p>;
  if (asset === undefined) return <p role="status">Loading {assetKey}…</p>;
  if (asset === null) {
    return (
      <div className="page asset-page">
        <h1>{assetKey}</h1>
        <p role="alert">
          No asset {assetKey} in the loaded code locations. <a href="#/assets">All assets</a>
        </p>
      </div>
    );
  }

  const latest = asset.latestMaterialization;
  const health = asset.partitionHealth;
  // Said as the lineage and the catalog say it: the latest attempt first, then staleness.
  const attempt = attemptState(asset.latestMaterializationAttempt?.status);
  const status = attempt ? attempt.toUpperCase() : latest ? (asset.staleStatus ?? "UNKNOWN") : "MISSING";
  return (
    <div className="page asset-page">
      <div className="asset-head">
        <h1>{assetKey}</h1>
        <span className={`badge status-${status.toLowerCase()}`} role="status" aria-label="Asset status">
          {status}
        </span>
        {attempt && (
          <a href={`#/runs/${asset.latestMaterializationAttempt?.runId ?? ""}`} className="muted">
            {attempt === "failed" ? "Failed in" : "Running in"} run {asset.latestMaterializationAttempt?.runId.slice(0, 8)}
          </a>
        )}
        {asset.checks.length > 0 && <span className="badge">{asset.checks.length} checks</span>}
        <span className="spacer" />
        <span className={`badge badge-${connection}`} role="status" aria-label="Live updates" title="Updates as the asset's status moves, over the API's subscription">
          {connection === "live" ? "Live" : connection === "connecting" ? "Connecting…" : "Disconnected: reconnecting"}
        </span>
        {asset.isExecutable && !asset.isPartitioned && (
          <button type="button" onClick={() => void launch({})}>
            Materialize
          </button>
        )}
        {asset.isExecutable && asset.isPartitioned && health && (
          <button type="button" onClick={() => setRangeOpen(true)}>
            Materialize partitions...
          </button>
        )}
      </div>
      <div className="asset-launch">
        <LaunchStatus launched={launched} />
      </div>
      {rangeOpen && health && (
        <PartitionRangeDialog
          assetKey={assetKey}
          numPartitions={health.numPartitions}
          singleRun={asset.backfillPolicy === "SINGLE_RUN"}
          onClose={() => setRangeOpen(false)}
          onLaunch={(range) => {
            setRangeOpen(false);
            // The asset's backfill policy decides: a single-run policy materializes the range in one run, any other
            // (or none) launches a backfill of one run per partition (or per maxPartitionsPerRun), as Dagster does.
            void launch({ partitionRange: range, asBackfill: asset.backfillPolicy !== "SINGLE_RUN" });
          }}
        />
      )}

      <div className="asset-grid">
        <section className="card" aria-label="Overview">
          <h2>Overview</h2>
          {asset.description && <p>{asset.description}</p>}
          <dl className="facts">
            <dt>Group</dt>
            <dd>{asset.groupName ?? "default"}</dd>
            <dt>Code location</dt>
            <dd>{asset.locationName}</dd>
            <dt>Kinds</dt>
            <dd>{asset.kinds.join(", ") || "—"}</dd>
            <dt>Owners</dt>
            <dd>{asset.owners.join(", ") || "—"}</dd>
            <dt>Code version</dt>
            <dd>{asset.codeVersion ?? "—"}</dd>
            <dt>Data version</dt>
            <dd>{dataVersionOf(latest) ?? dataVersionOf(asset.latestObservation) ?? "—"}</dd>
            <dt>Latest materialization</dt>
            <dd>
              {latest ? (
                <>
                  {when(latest.timestamp)} in run <a href={`#/runs/${latest.runId}`}>{latest.runId.slice(0, 8)}</a>
                </>
              ) : (
                "never"
              )}
            </dd>
            {asset.isPartitioned && (
              <>
                <dt>Partitions</dt>
                <dd>{asset.partitionsDescription ?? "partitioned"}</dd>
              </>
            )}
            {asset.jobNames.length > 0 && (
              <>
                <dt>Jobs</dt>
                <dd>{asset.jobNames.join(", ")}</dd>
              </>
            )}
            {asset.tags.length > 0 && (
              <>
                <dt>Tags</dt>
                <dd>{asset.tags.map((t) => `${t.key}=${t.value}`).join(", ")}</dd>
              </>
            )}
          </dl>
          {asset.staleCauses.length > 0 && (
            <section aria-label="Why stale">
              <h3>Why stale</h3>
              <ul>
                {asset.staleCauses.map((cause, i) => (
                  <li key={i}>
                    <span className="badge">{cause.category}</span> {keyString(cause.key)}: {cause.reason}
                    {cause.dependency && (
                      <>
                        {" "}
                        (<a href={assetHref(cause.dependency)}>{keyString(cause.dependency)}</a>)
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <MetadataTable metadata={withoutSchemas(asset.definitionMetadata)} label="Definition metadata" />
          {latest && <MetadataTable metadata={latest.metadata} label="Latest metadata" />}
        </section>

        <section className="card" aria-label="Lineage neighbours">
          <h2>Upstream</h2>
          <ul aria-label="Upstream assets" className="links">
            {asset.dependencyKeys.length === 0 && <li className="muted">none</li>}
            {asset.dependencyKeys.map((k) => (
              <li key={keyString(k)}>
                <a href={assetHref(k)}>{keyString(k)}</a>
              </li>
            ))}
          </ul>
          <h2>Downstream</h2>
          <ul aria-label="Downstream assets" className="links">
            {asset.dependedByKeys.length === 0 && <li className="muted">none</li>}
            {asset.dependedByKeys.map((k) => (
              <li key={keyString(k)}>
                <a href={assetHref(k)}>{keyString(k)}</a>
              </li>
            ))}
          </ul>
        </section>
      </div>

      <TableSchemaView definition={asset.definitionMetadata} latest={latest?.metadata ?? null} />

      {health && (
        <section className="card" aria-label="Partitions">
          <h2>Partitions</h2>
          <PartitionBar health={health} selected={selectedPartition} onSelect={setSelectedPartition} />
          {partitionError && <p role="alert">{partitionError}</p>}
          {selectedPartition !== undefined && (
            <PartitionDetail assetKey={assetKey} health={health} index={selectedPartition} onLaunch={(partitionKey) => void launch({ partitionKey })} />
          )}
        </section>
      )}

      <section className="card" aria-label="History">
        <h2>Materializations and observations</h2>
        <MetadataPlots materializations={asset.materializations.events} observations={asset.observations.events} />
        <table className="log" aria-label="Materializations">
          <thead>
            <tr>
              <th>When</th>
              <th>Run</th>
              <th>Partition</th>
              <th>Data version</th>
            </tr>
          </thead>
          <tbody>
            {asset.materializations.events.slice(0, 50).map((event, i) => (
              <tr key={i}>
                <td>{when(event.timestamp)}</td>
                <td>
                  <a href={`#/runs/${event.runId}`}>{event.runId.slice(0, 8)}</a>
                </td>
                <td>{event.partition ?? ""}</td>
                <td>{dataVersionOf(event) ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {asset.materializations.events.length === 0 && <p className="muted">Never materialized.</p>}
      </section>

      <section className="card" aria-label="Checks">
        <h2>Checks</h2>
        {asset.checks.length === 0 ? (
          <p className="muted">No checks.</p>
        ) : (
          <table className="log" aria-label="Checks">
            <thead>
              <tr>
                <th>Check</th>
                <th>Latest result</th>
                <th>When</th>
                <th>Run</th>
              </tr>
            </thead>
            <tbody>
              {asset.checks.map((check) => {
                const result = check.latestExecution;
                const outcome = !result ? "NOT EVALUATED" : result.passed ? "PASSED" : result.severity === "WARN" ? "WARNED" : "FAILED";
                return (
                  <tr key={check.name}>
                    <td>
                      {check.name}
                      {check.blocking ? " (blocking)" : ""}
                      {check.description && <div className="muted">{check.description}</div>}
                    </td>
                    <td className={`check-${outcome.toLowerCase().replace(" ", "-")}`}>{outcome}</td>
                    <td>{result ? when(result.timestamp) : ""}</td>
                    <td>{result ? <a href={`#/runs/${result.runId}`}>{result.runId.slice(0, 8)}</a> : ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-label="Automation">
        <h2>Automation</h2>
        <AutomationView label={asset.automationConditionLabel} evaluations={asset.automationEvaluations} />
      </section>
    </div>
  );
}
