// The runs of the instance, newest first, filtered by status, a page at a time (the API's cursor).
import { useEffect, useState } from "react";
import { hashQuery, setHashQuery } from "../hash-route.js";
import { ApiError, gql } from "../api.js";

interface RunRow {
  runId: string;
  status: string;
  jobName: string | null;
  startTime: number | null;
  endTime: number | null;
}

const RUNS = `query RunsPage($status: [RunStatus!], $cursor: String, $limit: Int) {
  runs(filter: { statuses: $status }, cursor: $cursor, limit: $limit) { runs { runId status jobName startTime endTime } cursor hasMore }
}`;

const STATUSES = ["QUEUED", "STARTED", "SUCCESS", "FAILURE", "CANCELING", "CANCELED"];
const PAGE = 50;

export function Runs() {
  const [rows, setRows] = useState<RunRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [status, setStatus] = useState(() => hashQuery().get("status") ?? "");
  const [error, setError] = useState<string | undefined>();

  const load = async (after: string | null, replace: boolean) => {
    try {
      const { runs } = await gql<{ runs: { runs: RunRow[]; cursor: string | null; hasMore: boolean } }>(RUNS, {
        status: status ? [status] : null,
        cursor: after,
        limit: PAGE,
      });
      const results = runs.runs;
      setRows((previous) => (replace ? results : [...previous, ...results]));
      setCursor(runs.cursor);
      setHasMore(runs.hasMore);
      setError(undefined);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  useEffect(() => {
    void load(null, true);
    setHashQuery({ status });
  }, [status]); // eslint-disable-line react-hooks/exhaustive-deps -- reload on a new filter

  return (
    <div className="page">
      <div className="toolbar">
        <h1>Runs</h1>
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      {error && <p role="alert">{error}</p>}
      <table className="log" aria-label="Runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            <th>Job</th>
            <th>Started</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((run) => (
            <tr key={run.runId}>
              <td>
                <a href={`#/runs/${run.runId}`}>{run.runId.slice(0, 8)}</a>
              </td>
              <td>{run.status}</td>
              <td>{run.jobName ?? ""}</td>
              <td>{run.startTime ? new Date(run.startTime).toLocaleString() : ""}</td>
              <td>{run.startTime && run.endTime ? `${((run.endTime - run.startTime) / 1000).toFixed(1)} s` : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !error && <p role="status">No runs{status ? ` with status ${status}` : ""} yet.</p>}
      {hasMore && (
        <button type="button" onClick={() => void load(cursor, false)}>
          Load more runs
        </button>
      )}
    </div>
  );
}
