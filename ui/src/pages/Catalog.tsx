// The catalog (#/assets): every asset in one virtualized table (only the rows in view are in the DOM, so thousands
// of assets scroll like a dozen), with a search and filters kept in the URL so that a filtered view can be shared.
// Live over the API's assetStatusChanged subscription: an asset that materializes changes its row without a reload.
import { createColumnHelper, createSortedRowModel, rowSortingFeature, sortFn_alphanumeric, sortFn_basic, tableFeatures, useTable } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError, gql, keyString, type AssetKeyData } from "../api.js";
import { follow, type Connection } from "../live.js";
import { attemptState } from "./lineage/asset-status.js";
import "./asset.css";

export interface CatalogAsset {
  key: AssetKeyData;
  groupName: string | null;
  kinds: string[];
  owners: string[];
  tags: { key: string; value: string }[];
  description: string | null;
  staleStatus: string | null;
  checkStatus: string | null;
  latestMaterialization: { timestamp: number; runId: string } | null;
  latestMaterializationAttempt: { status: string; runId: string } | null;
}

const CATALOG = `query Catalog {
  assetNodes { key { path } groupName kinds owners tags { key value } description staleStatus checkStatus latestMaterialization { timestamp runId } latestMaterializationAttempt { status runId } }
}`;

const CHANGES = `subscription CatalogChanges { assetStatusChanged { assets { assetKey { path } } } }`;
/** The most changed assets re-read one by one (aliases of one query); more re-read the whole catalog. */
const MAX_PATCHED = 50;

/** One query reading the status of each changed asset: an alias per key, each selecting exactly that key. */
function changedQuery(keys: readonly AssetKeyData[]): { query: string; variables: Record<string, string> } {
  const variables: Record<string, string> = {};
  const fields = keys.map((key, i) => {
    variables[`s${i}`] = `key:"${keyString(key).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    return `a${i}: assetNodes(selection: $s${i}) { key { path } staleStatus checkStatus latestMaterialization { timestamp runId } latestMaterializationAttempt { status runId } }`;
  });
  return { query: `query CatalogChanged(${keys.map((_, i) => `$s${i}: String`).join(", ")}) { ${fields.join(" ")} }`, variables };
}

export const FILTERS = ["group", "kind", "owner", "tag", "status", "check"] as const;
export type FilterName = (typeof FILTERS)[number];
export type Filters = { q: string } & Record<FilterName, string>;

/** The asset's status in the catalog, as the lineage says it: running or failed from its latest attempt, else missing until materialized, then what staleness says. */
export const statusOf = (a: CatalogAsset) => {
  const attempt = attemptState(a.latestMaterializationAttempt?.status);
  if (attempt) return attempt.toUpperCase();
  return a.latestMaterialization ? (a.staleStatus ?? "UNKNOWN") : "MISSING";
};

/** The values an asset has for a filter (several for kinds, owners and tags). */
export function valuesOf(asset: CatalogAsset, filter: FilterName): string[] {
  switch (filter) {
    case "group":
      return [asset.groupName ?? "default"];
    case "kind":
      return asset.kinds;
    case "owner":
      return asset.owners;
    case "tag":
      return asset.tags.map((t) => `${t.key}=${t.value}`);
    case "status":
      return [statusOf(asset)];
    case "check":
      return [asset.checkStatus ?? "NO CHECKS"];
  }
}

export function matches(asset: CatalogAsset, filters: Filters): boolean {
  for (const name of FILTERS) if (filters[name] && !valuesOf(asset, name).includes(filters[name])) return false;
  if (!filters.q) return true;
  const q = filters.q.toLowerCase();
  return keyString(asset.key).toLowerCase().includes(q) || (asset.description ?? "").toLowerCase().includes(q);
}

export function filtersFromQuery(query: string): Filters {
  const params = new URLSearchParams(query);
  const filters = { q: params.get("q") ?? "" } as Filters;
  for (const name of FILTERS) filters[name] = params.get(name) ?? "";
  return filters;
}

function queryOf(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

const assetHref = (key: AssetKeyData) => `#/assets/${key.path.map(encodeURIComponent).join("/")}`;
const ROW_HEIGHT = 33;

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
});
const column = createColumnHelper<typeof features, CatalogAsset>();
const WIDTHS: Record<string, number> = { key: 320, group: 140, kinds: 120, owners: 160, status: 110, checks: 130, latest: 200 };

const columns = column.columns([
  column.accessor((a) => keyString(a.key), {
    id: "key",
    header: "Asset",
    sortFn: "alphanumeric",
    cell: (c) => <a href={assetHref(c.row.original.key)}>{c.getValue()}</a>,
  }),
  column.accessor((a) => a.groupName ?? "default", { id: "group", header: "Group", sortFn: "alphanumeric" }),
  column.accessor((a) => a.kinds.join(", "), { id: "kinds", header: "Kinds", sortFn: "alphanumeric" }),
  column.accessor((a) => a.owners.join(", "), { id: "owners", header: "Owners", sortFn: "alphanumeric" }),
  column.accessor(statusOf, {
    id: "status",
    header: "Status",
    sortFn: "alphanumeric",
    cell: (c) => <span className={`badge status-${c.getValue().toLowerCase()}`}>{c.getValue()}</span>,
  }),
  column.accessor((a) => a.checkStatus ?? "", { id: "checks", header: "Checks", sortFn: "alphanumeric" }),
  column.accessor((a) => a.latestMaterialization?.timestamp ?? 0, {
    id: "latest",
    header: "Latest materialization",
    sortFn: "basic",
    cell: (c) => {
      const latest = c.row.original.latestMaterialization;
      return latest ? <a href={`#/runs/${latest.runId}`}>{new Date(latest.timestamp).toLocaleString()}</a> : "never";
    },
  }),
]);

export function Catalog(props: { query: string }) {
  const [assets, setAssets] = useState<CatalogAsset[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [filters, setFilters] = useState<Filters>(() => filtersFromQuery(props.query));
  const [connection, setConnection] = useState<Connection>("connecting");
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const loadAll = () =>
      gql<{ assetNodes: CatalogAsset[] }>(CATALOG)
        .then((data) => setAssets(data.assetNodes))
        .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
    void loadAll();
    // A change re-reads only the assets it names (their status, checks and latest materialization), patched in place.
    const patch = async (keys: AssetKeyData[]) => {
      if (keys.length > MAX_PATCHED) return loadAll();
      const { query, variables } = changedQuery(keys);
      try {
        const data = await gql<Record<string, Pick<CatalogAsset, "key" | "staleStatus" | "checkStatus" | "latestMaterialization" | "latestMaterializationAttempt">[]>>(query, variables);
        const fresh = new Map(Object.values(data).flat().map((a) => [keyString(a.key), a]));
        setAssets((current) => current?.map((a) => {
          const changed = fresh.get(keyString(a.key));
          return changed ? { ...a, ...changed, key: a.key } : a;
        }));
      } catch {
        // The next change, or a reconnection, reads again.
      }
    };
    let dropped = false;
    return follow<{ assetStatusChanged: { assets: { assetKey: AssetKeyData }[] } }>({
      query: CHANGES,
      variables: () => ({}),
      onData: ({ assetStatusChanged }) => void patch(assetStatusChanged.assets.map((a) => a.assetKey)),
      onConnection: (state) => {
        setConnection(state);
        if (state === "disconnected") dropped = true;
        else if (state === "live" && dropped) {
          // What changed while the stream was down was not sent: read everything again.
          dropped = false;
          void loadAll();
        }
      },
    });
  }, []);

  // A link or the address bar may name other filters while this page stays mounted (the shell routes by path).
  useEffect(() => {
    const onHash = () => {
      const [route, query = ""] = window.location.hash.replace(/^#/, "").split("?");
      if (route === "/assets") setFilters((current) => (queryOf(current) === (query ? `?${query}` : "") ? current : filtersFromQuery(query)));
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  // The URL follows the filters without a new history entry per keystroke.
  useEffect(() => {
    const target = `#/assets${queryOf(filters)}`;
    if (window.location.hash !== target) window.history.replaceState(null, "", target);
  }, [filters]);

  const options = useMemo(() => {
    const out = {} as Record<FilterName, string[]>;
    for (const name of FILTERS) out[name] = [...new Set((assets ?? []).flatMap((a) => valuesOf(a, name)))].sort();
    return out;
  }, [assets]);
  const visible = useMemo(() => (assets ?? []).filter((a) => matches(a, filters)), [assets, filters]);

  const table = useTable({ features, columns, data: visible });
  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const set = (name: keyof Filters, value: string) => setFilters((f) => ({ ...f, [name]: value }));
  if (error) return <p role="alert">{error}</p>;

  return (
    <div className="catalog">
      <div className="catalog-filters" role="search" aria-label="Filter assets">
        <h1 className="catalog-title">Assets</h1>
        <input type="search" aria-label="Search assets" placeholder="Search by key or description" value={filters.q} onChange={(e) => set("q", e.target.value)} />
        {FILTERS.map((name) => (
          <select key={name} aria-label={`Filter by ${name}`} value={filters[name]} onChange={(e) => set(name, e.target.value)}>
            <option value="">Any {name}</option>
            {options[name].map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        ))}
        <span className={`badge badge-${connection}`} role="status" aria-label="Live updates" title="Rows change as assets materialize, over the API's subscription">
          {connection === "live" ? "Live" : connection === "connecting" ? "Connecting…" : "Disconnected: reconnecting"}
        </span>
        <span role="status" aria-label="Assets shown">
          {assets === undefined ? "Loading assets…" : `${visible.length} of ${assets.length} assets`}
        </span>
      </div>
      <div className="catalog-scroll" ref={scroller}>
        <table className="catalog-table" aria-label="Assets" aria-rowcount={rows.length + 1}>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} style={{ width: WIDTHS[header.id], flex: header.id === "key" ? "1 0 auto" : undefined }} aria-sort={header.column.getIsSorted() === "asc" ? "ascending" : header.column.getIsSorted() === "desc" ? "descending" : undefined}>
                    <button type="button" onClick={header.column.getToggleSortingHandler()}>
                      <table.FlexRender header={header} />
                      {header.column.getIsSorted() === "asc" ? " ▲" : header.column.getIsSorted() === "desc" ? " ▼" : ""}
                    </button>
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <tr key={row.id} aria-rowindex={item.index + 2} style={{ position: "absolute", transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                  {row.getAllCells().map((cell) => (
                    <td key={cell.id} style={{ width: WIDTHS[cell.column.id], flex: cell.column.id === "key" ? "1 0 auto" : undefined }}>
                      <table.FlexRender cell={cell} />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
        {assets !== undefined && visible.length === 0 && <p className="muted catalog-empty">No asset matches these filters.</p>}
      </div>
    </div>
  );
}
