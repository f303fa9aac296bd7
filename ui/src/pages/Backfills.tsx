// Backfills: each with its progress (materialized, failed, left of its partitions), cancel while it runs, resume one
// that stopped (the daemon goes on with the partitions left), re-run the failed partitions as a new backfill, and one
// backfill's runs on its own page. Live over the API's backfillsChanged subscription: progress and status move on screen
// as the daemon works, and the page never polls.
import { useEffect, useState } from "react";
import { gql, keyString, type AssetKeyData } from "../api.js";
import { follow, type Connection } from "../live.js";

interface Backfill {
  backfillId: string;
  status: string;
  createTime: number;
  assetSelection: AssetKeyData[];
  numPartitions: number;
  numMaterialized: number;
  numFailed: number;
  runIds: string[];
  error: string | null;
}

const FIELDS = "backfillId status createTime assetSelection { path } numPartitions numMaterialized numFailed runIds error";
const LIVE = `subscription BackfillsPage($id: ID) { backfillsChanged(backfillId: $id, limit: 100) { ${FIELDS} } }`;
const CANCEL = `mutation CancelBackfillFromUi($id: ID!) { cancelBackfill(backfillId: $id) { __typename ... on Ok { message } ... on Error { message } } }`;
const RESUME = `mutation ResumeBackfillFromUi($id: ID!) { resumeBackfill(backfillId: $id) { __typename ... on BackfillResumed { status numRemaining } ... on Error { message } } }`;
const RERUN_FAILED = `mutation RerunFailedPartitions($id: String!) { launchBackfill(fromFailureOf: $id) { __typename ... on LaunchBackfillSuccess { backfillId } ... on Error { message } } }`;

const RUNNING = new Set(["REQUESTED", "IN_PROGRESS", "CANCELING"]);
const RESUMABLE = new Set(["CANCELED", "FAILED"]);

function Progress({ backfill }: { backfill: Backfill }) {
  const total = Math.max(1, backfill.numPartitions);
  const done = (backfill.numMaterialized / total) * 100;
  const failed = (backfill.numFailed / total) * 100;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={`Backfill ${backfill.backfillId} progress`}
      aria-valuemin={0}
      aria-valuemax={backfill.numPartitions}
      aria-valuenow={backfill.numMaterialized + backfill.numFailed}
      aria-valuetext={`${backfill.numMaterialized} materialized, ${backfill.numFailed} failed of ${backfill.numPartitions}`}
    >
      <span className="progress-done" style={{ width: `${done}%` }} />
      <span className="progress-failed" style={{ width: `${failed}%` }} />
      <span className="progress-label">
        {backfill.numMaterialized}/{backfill.numPartitions}
        {backfill.numFailed ? `, ${backfill.numFailed} failed` : ""}
      </span>
    </div>
  );
}

export function Backfills({ backfillId }: { backfillId?: string }) {
  const [backfills, setBackfills] = useState<Backfill[] | undefined>();
  const [connection, setConnection] = useState<Connection>("connecting");
  const [notice, setNotice] = useState<string | undefined>();

  // The subscription sends the backfills (or the one named) at once, then again whenever one moves.
  useEffect(
    () =>
      follow<{ backfillsChanged: Backfill[] }>({
        query: LIVE,
        variables: () => ({ id: backfillId ?? null }),
        onConnection: setConnection,
        onData: ({ backfillsChanged }) => setBackfills(backfillsChanged),
      }),
    [backfillId],
  );

  const act = async (query: string, id: string) => {
    try {
      const data = await gql<Record<string, { __typename: string; message?: string; backfillId?: string; numRemaining?: number }>>(query, { id });
      const result = Object.values(data)[0];
      if (result?.backfillId) window.location.hash = `#/backfills/${result.backfillId}`;
      else if (result?.numRemaining !== undefined) setNotice(`Backfill ${id} resumed: ${result.numRemaining} partition(s) left for the daemon.`);
      else setNotice(result?.message);
    } catch (e) {
      setNotice(e instanceof Error ? e.message : String(e));
    }
  };

  const badge = (
    <span className={`badge badge-${connection}`} role="status" aria-label="Live updates" title="Progress shows as the daemon works, over the API's subscription">
      {connection === "live" ? "Live" : connection === "connecting" ? "Connecting…" : "Disconnected: reconnecting"}
    </span>
  );
  if (!backfills) {
    return (
      <div className="page">
        <p role="status">Loading backfills…</p>
        {badge}
      </div>
    );
  }
  if (backfillId && backfills.length === 0) {
    return (
      <div className="page">
        <p role="alert">
          No backfill with id "{backfillId}". <a href="#/backfills">All backfills</a>
        </p>
      </div>
    );
  }
  return (
    <div className="page">
      <div className="toolbar">
        <h1>{backfillId ? `Backfill ${backfillId}` : "Backfills"}</h1>
        {badge}
        {backfillId && <a href="#/backfills">All backfills</a>}
        {notice && <span role="status">{notice}</span>}
      </div>
      {backfills.length === 0 ? (
        <p>No backfills yet: launch one from the launchpad with a range of partitions.</p>
      ) : (
        <table className="ops-table" aria-label="Backfills">
          <thead>
            <tr>
              <th>Backfill</th>
              <th>Created</th>
              <th>Assets</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {backfills.map((b) => (
              <tr key={b.backfillId}>
                <td>
                  <a href={`#/backfills/${b.backfillId}`}>{b.backfillId}</a>
                </td>
                <td>{new Date(b.createTime).toISOString().replace("T", " ").slice(0, 19)}</td>
                <td>{b.assetSelection.map(keyString).join(", ")}</td>
                <td>
                  <span className={`status status-${b.status.toLowerCase()}`}>{b.status}</span>
                  {b.error && <div className="hint">{b.error}</div>}
                </td>
                <td>
                  <Progress backfill={b} />
                </td>
                <td>
                  {RUNNING.has(b.status) && b.status !== "CANCELING" && (
                    <button type="button" aria-label={`Cancel backfill ${b.backfillId}`} onClick={() => void act(CANCEL, b.backfillId)}>
                      Cancel
                    </button>
                  )}
                  {RESUMABLE.has(b.status) && (
                    <button type="button" aria-label={`Resume backfill ${b.backfillId}`} onClick={() => void act(RESUME, b.backfillId)}>
                      Resume
                    </button>
                  )}
                  {b.numFailed > 0 && !RUNNING.has(b.status) && (
                    <button type="button" aria-label={`Re-run failed partitions of ${b.backfillId}`} onClick={() => void act(RERUN_FAILED, b.backfillId)}>
                      Re-run failed
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {backfillId && backfills[0] && (
        <section aria-label="Runs of the backfill">
          <h2>Runs</h2>
          {backfills[0].runIds.length === 0 ? (
            <p>No runs yet{RUNNING.has(backfills[0].status) ? ": the daemon (or the launching process) starts them" : ""}.</p>
          ) : (
            <ul>
              {backfills[0].runIds.map((id) => (
                <li key={id}>
                  <a href={`#/runs/${id}`}>{id}</a>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
