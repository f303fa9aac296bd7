// The deployment: each code location with its status, load error and stack, and a reload; the instance's storage and
// the daemon: whether it holds its lease and each of its loops' last iteration. Location changes and the daemon's
// heartbeat arrive over the API's subscriptions (locationStateChanged, daemonStatusChanged): the page never polls.
import { useEffect, useState } from "react";
import { ApiError, gql } from "../api.js";
import { follow, type Connection } from "../live.js";
import "./ops-live.css";

interface Location {
  name: string;
  status: string;
  error: { message: string; stack: string | null } | null;
  updatedAt: number;
  assetCount: number;
  jobNames: string[];
}

interface InstanceData {
  backend: string;
  location: string;
  schemaVersion: number;
  runs: number;
  events: number;
  assets: number;
  daemonHeartbeat: number | null;
  daemonRunning: boolean;
}

const LOCATION_FIELDS = "name status error { message stack } updatedAt assetCount jobNames";
const QUERY = `query DeploymentPage {
  version
  locations { ${LOCATION_FIELDS} }
  instance { backend location schemaVersion runs events assets daemonHeartbeat daemonRunning }
}`;
const RELOAD = `mutation ReloadLocationFromUi($name: String!) {
  reloadLocation(name: $name) { __typename ... on ReloadSuccess { locations { ${LOCATION_FIELDS} } } ... on Error { message } }
}`;
const RELOAD_ALL = `mutation ReloadWorkspaceFromUi {
  reloadWorkspace { __typename ... on ReloadSuccess { locations { ${LOCATION_FIELDS} } } ... on Error { message } }
}`;
const CHANGES = `subscription DeploymentLocations { locationStateChanged { ${LOCATION_FIELDS} } }`;
const DAEMONS = `subscription DeploymentDaemons { daemonStatusChanged { locationName leaseName running holder heartbeatExpiresAt loops { name status lastIterationAt } } }`;

interface DaemonData {
  locationName: string;
  leaseName: string;
  running: boolean;
  holder: string | null;
  heartbeatExpiresAt: number | null;
  loops: { name: string; status: string; lastIterationAt: number | null }[];
}

const LOOP_LABELS: Record<string, string> = {
  scheduler: "Scheduler",
  sensors: "Sensors",
  automation: "Automation conditions",
  backfills: "Backfills",
  run_queue: "Run queue",
  run_monitoring: "Run monitoring",
};
const LOOP_STATUS: Record<string, string> = { HEALTHY: "healthy", LATE: "late", NOT_RUN: "not run by this daemon", NOT_RUNNING: "daemon not running" };

const time = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

export function Deployment() {
  const [locations, setLocations] = useState<Location[] | undefined>();
  const [instance, setInstance] = useState<InstanceData | undefined>();
  const [version, setVersion] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [connection, setConnection] = useState<Connection>("connecting");
  const [reloading, setReloading] = useState<string | undefined>();
  const [daemons, setDaemons] = useState<DaemonData[] | undefined>();
  const [daemonConnection, setDaemonConnection] = useState<Connection>("connecting");

  const upsert = (changed: readonly Location[]) =>
    setLocations((previous) => {
      const out = [...(previous ?? [])];
      for (const l of changed) {
        const at = out.findIndex((o) => o.name === l.name);
        if (at === -1) out.push(l);
        else out[at] = l;
      }
      return out;
    });

  useEffect(() => {
    gql<{ version: string; locations: Location[]; instance: InstanceData }>(QUERY)
      .then((data) => {
        setVersion(data.version);
        setLocations(data.locations);
        setInstance(data.instance);
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
    return follow<{ locationStateChanged: Location }>({
      query: CHANGES,
      variables: () => ({}),
      onConnection: setConnection,
      onData: ({ locationStateChanged }) => upsert([locationStateChanged]),
    });
  }, []);
  useEffect(
    () =>
      follow<{ daemonStatusChanged: DaemonData[] }>({
        query: DAEMONS,
        variables: () => ({}),
        onConnection: setDaemonConnection,
        onData: ({ daemonStatusChanged }) => setDaemons(daemonStatusChanged),
      }),
    [],
  );

  /** Reloads one location, or every one when `name` is undefined. */
  const reload = async (name: string | undefined) => {
    setReloading(name ?? "*");
    setNotice(undefined);
    try {
      const data = await gql<Record<string, { __typename: string; locations?: Location[]; message?: string }>>(name ? RELOAD : RELOAD_ALL, name ? { name } : {});
      const result = Object.values(data)[0];
      if (result?.locations) {
        upsert(result.locations);
        setNotice(`Reloaded ${result.locations.map((l) => `${l.name}: ${l.status}`).join(", ")}.`);
      } else setNotice(result?.message);
    } catch (e) {
      setNotice(e instanceof Error ? e.message : String(e));
    } finally {
      setReloading(undefined);
    }
  };

  if (error) return <p role="alert">{error}</p>;
  if (!locations || !instance) return <p role="status">Loading the deployment…</p>;
  // The instance's daemon is the first location's (the `daemon` lease); until the subscription answers, the query's view.
  const main = daemons?.[0];
  const running = main ? main.running : instance.daemonRunning;
  const expires = main ? main.heartbeatExpiresAt : instance.daemonHeartbeat;
  const daemon = running ? "running" : expires === null ? "never ran" : `not running (last lease until ${time(expires)})`;
  const shown = (daemons ?? []).filter((d, i) => i === 0 || d.heartbeatExpiresAt !== null);
  return (
    <div className="page">
      <div className="toolbar">
        <h1>Deployment</h1>
        <span className={`badge badge-${connection}`} role="status" aria-label="Location updates">
          {connection}
        </span>
        <button type="button" disabled={reloading !== undefined} onClick={() => void reload(undefined)}>
          {reloading === "*" ? "Reloading…" : "Reload all"}
        </button>
        {notice && <span role="status">{notice}</span>}
      </div>
      <section aria-label="Code locations">
        <h2>Code locations</h2>
        <table className="ops-table" aria-label="Code locations">
          <thead>
            <tr>
              <th>Location</th>
              <th>Status</th>
              <th>Assets</th>
              <th>Jobs</th>
              <th>Updated</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {locations.map((l) => (
              <tr key={l.name}>
                <td>
                  {l.name}
                  {l.error && (
                    <details className="load-error" open>
                      <summary role="alert">{l.error.message}</summary>
                      {l.error.stack && <pre aria-label={`Stack of ${l.name}`}>{l.error.stack}</pre>}
                    </details>
                  )}
                </td>
                <td>
                  <span className={`status status-${l.status.toLowerCase()}`}>{l.status}</span>
                </td>
                <td>{l.assetCount}</td>
                <td>{l.jobNames.join(", ")}</td>
                <td>{time(l.updatedAt)}</td>
                <td>
                  <button type="button" disabled={reloading !== undefined} aria-label={`Reload ${l.name}`} onClick={() => void reload(l.name)}>
                    {reloading === l.name ? "Reloading…" : "Reload"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-label="Instance">
        <h2>Instance and daemon</h2>
        <dl className="facts">
          <dt>Tessera</dt>
          <dd>{version}</dd>
          <dt>Storage</dt>
          <dd>
            {instance.backend} at {instance.location} (schema v{instance.schemaVersion})
          </dd>
          <dt>Contents</dt>
          <dd>
            {instance.runs} runs, {instance.events} events, {instance.assets} assets
          </dd>
          <dt>Daemon</dt>
          <dd role="status" aria-label="Daemon health" className={running ? "ok" : "warn"}>
            {daemon}
          </dd>
          {main?.holder && (
            <>
              <dt>Held by</dt>
              <dd>{main.holder}</dd>
            </>
          )}
        </dl>
        <h3>
          Daemon loop health{" "}
          <span className={`badge badge-${daemonConnection}`} role="status" aria-label="Daemon live updates">
            {daemonConnection === "live" ? "Live" : daemonConnection === "connecting" ? "Connecting…" : "Disconnected: reconnecting"}
          </span>
        </h3>
        <table className="ops-table" aria-label="Daemon loop health">
          <thead>
            <tr>
              {shown.length > 1 && <th>Daemon</th>}
              <th>Loop</th>
              <th>Status</th>
              <th>Last iteration</th>
            </tr>
          </thead>
          <tbody>
            {shown.flatMap((d) =>
              d.loops.map((loop) => (
                <tr key={`${d.leaseName}:${loop.name}`}>
                  {shown.length > 1 && <td>{d.locationName}</td>}
                  <td>{LOOP_LABELS[loop.name] ?? loop.name}</td>
                  <td>
                    <span className={`status status-loop-${loop.status.toLowerCase()}`}>{LOOP_STATUS[loop.status] ?? loop.status}</span>
                  </td>
                  <td>{loop.lastIterationAt === null ? "never" : time(loop.lastIterationAt)}</td>
                </tr>
              )),
            )}
            {shown.length === 0 && (
              <tr>
                <td colSpan={3}>Waiting for the daemon's status…</td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
    </div>
  );
}
