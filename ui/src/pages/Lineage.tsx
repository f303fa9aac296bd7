// The lineage: every asset, in boxes per group, with the selection box of the CLI's grammar. Zoomed out it draws the
// groups only (a few hundred elements whatever the number of assets); zoomed in, the assets in view, each a button
// named by its key. Arrow keys move between assets along the lineage.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type WheelEvent } from "react";
import { hashQuery, setHashQuery } from "../hash-route.js";
import { ApiError, gql, keyString, type AssetKeyData } from "../api.js";
import { NODE_HEIGHT, NODE_WIDTH, type Layout, type LayoutInput, type Rect } from "../layout/layered-layout.js";
import { useLayout } from "../layout/use-layout.js";

interface AssetNodeData {
  key: AssetKeyData;
  groupName: string | null;
  dependencyKeys: AssetKeyData[];
  staleStatus: string | null;
  latestMaterialization: { timestamp: number } | null;
}

/** The colour class of an asset: missing (never materialized), stale, or fresh. */
function statusOf(asset: AssetNodeData): "missing" | "stale" | "materialized" {
  if (!asset.latestMaterialization) return "missing";
  return asset.staleStatus === "STALE" ? "stale" : "materialized";
}

const ASSET_NODES = `query LineageAssets($selection: String) {
  assetNodes(selection: $selection) { key { path } groupName dependencyKeys { path } staleStatus latestMaterialization { timestamp } }
}`;

const LAUNCH_RUN = `mutation LaunchFromLineage($selection: String!) {
  launchRun(selection: $selection) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
  }
}`;

/** Below this zoom the assets are not drawn, only their groups. */
const ASSETS_FROM_SCALE = 0.35;

interface View {
  x: number;
  y: number;
  scale: number;
}

function fit(layout: Layout, width: number, height: number): View {
  if (layout.width === 0 || width === 0) return { x: 0, y: 0, scale: 1 };
  const scale = Math.min(1.2, (width - 40) / layout.width, (height - 40) / layout.height);
  return { scale, x: (width - layout.width * scale) / 2, y: (height - layout.height * scale) / 2 };
}

function visible(rect: Rect, view: View, width: number, height: number): boolean {
  const x = rect.x * view.scale + view.x;
  const y = rect.y * view.scale + view.y;
  return x + rect.width * view.scale >= 0 && y + rect.height * view.scale >= 0 && x <= width && y <= height;
}

export function Lineage() {
  const [assets, setAssets] = useState<AssetNodeData[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [selectionText, setSelectionText] = useState("");
  const [selectionError, setSelectionError] = useState<string | undefined>();
  const [highlighted, setHighlighted] = useState<ReadonlySet<string>>(new Set());
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<number | undefined>();
  const [launched, setLaunched] = useState<{ runId: string } | undefined>();
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [view, setView] = useState<View | undefined>();
  const canvas = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; view: View } | undefined>(undefined);

  useEffect(() => {
    gql<{ assetNodes: AssetNodeData[] }>(ASSET_NODES)
      .then((data) => setAssets(data.assetNodes))
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
    // A shared address opens with its selection applied.
    const shared = hashQuery().get("selection");
    if (shared) void applySelection(shared);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once per page

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => entry && setSize({ width: entry.contentRect.width, height: entry.contentRect.height }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const graph = useMemo(() => {
    if (!assets) return undefined;
    const index = new Map(assets.map((a, i) => [keyString(a.key), i]));
    const edges: [number, number][] = [];
    const upstream: number[][] = assets.map(() => []);
    const downstream: number[][] = assets.map(() => []);
    assets.forEach((a, i) => {
      for (const dep of a.dependencyKeys) {
        const from = index.get(keyString(dep));
        if (from === undefined) continue;
        edges.push([from, i]);
        upstream[i]?.push(from);
        downstream[from]?.push(i);
      }
    });
    const input: LayoutInput = { nodes: assets.map((a) => ({ id: keyString(a.key), group: a.groupName ?? "default" })), edges, collapsed };
    return { input, upstream, downstream };
  }, [assets, collapsed]);
  const layout = useLayout(graph?.input);

  const zoomToFit = useCallback(() => {
    if (layout) setView(fit(layout, size.width, size.height));
  }, [layout, size]);
  useEffect(() => {
    if (layout && !view && size.width > 0) zoomToFit();
  }, [layout, view, size, zoomToFit]);

  const applySelection = async (text: string) => {
    setSelectionText(text);
    if (text.trim() === "") {
      setSelectionError(undefined);
      setHighlighted(new Set());
      setHashQuery({ selection: undefined });
      return;
    }
    try {
      const data = await gql<{ assetNodes: AssetNodeData[] }>(ASSET_NODES, { selection: text });
      setSelectionError(undefined);
      setHighlighted(new Set(data.assetNodes.map((a) => keyString(a.key))));
      setHashQuery({ selection: text });
    } catch (e) {
      setSelectionError(e instanceof Error ? e.message : String(e));
    }
  };

  const materialize = async (selection: string) => {
    setLaunched(undefined);
    try {
      const data = await gql<{ launchRun: { __typename: string; run?: { runId: string }; message?: string } }>(LAUNCH_RUN, { selection });
      if (data.launchRun.run) setLaunched(data.launchRun.run);
      else setSelectionError(data.launchRun.message ?? data.launchRun.__typename);
    } catch (e) {
      setSelectionError(e instanceof Error ? e.message : String(e));
    }
  };

  const centerOn = (index: number) => {
    const rect = layout?.nodes[index];
    if (!rect || !view) return;
    const scale = Math.max(view.scale, 0.8);
    setView({ scale, x: size.width / 2 - (rect.x + rect.width / 2) * scale, y: size.height / 2 - (rect.y + rect.height / 2) * scale });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!graph || !assets) return;
    const current = selected ?? 0;
    const by = (list: number[] | undefined) => list?.find((n) => layout?.nodes[n]);
    const rowNeighbour = (direction: 1 | -1) => {
      const rect = layout?.nodes[current];
      if (!rect || !layout) return undefined;
      let best: number | undefined;
      layout.nodes.forEach((other, i) => {
        if (!other || other.x !== rect.x || Math.sign(other.y - rect.y) !== direction) return;
        if (best === undefined || Math.abs(other.y - rect.y) < Math.abs((layout.nodes[best] as Rect).y - rect.y)) best = i;
      });
      return best;
    };
    const next =
      event.key === "ArrowRight" ? by(graph.downstream[current]) : event.key === "ArrowLeft" ? by(graph.upstream[current]) : event.key === "ArrowDown" ? rowNeighbour(1) : event.key === "ArrowUp" ? rowNeighbour(-1) : undefined;
    if (event.key.startsWith("Arrow")) event.preventDefault();
    if (next !== undefined) {
      setSelected(next);
      centerOn(next);
    }
  };

  const onWheel = (event: WheelEvent) => {
    if (!view) return;
    const factor = Math.exp(-event.deltaY * 0.0015);
    const bounds = canvas.current?.getBoundingClientRect();
    const px = event.clientX - (bounds?.left ?? 0);
    const py = event.clientY - (bounds?.top ?? 0);
    const scale = Math.min(3, Math.max(0.02, view.scale * factor));
    setView({ scale, x: px - ((px - view.x) * scale) / view.scale, y: py - ((py - view.y) * scale) / view.scale });
  };
  const onPointerDown = (event: PointerEvent) => {
    if (view) drag.current = { x: event.clientX, y: event.clientY, view };
  };
  const onPointerMove = (event: PointerEvent) => {
    const start = drag.current;
    if (start) setView({ ...start.view, x: start.view.x + event.clientX - start.x, y: start.view.y + event.clientY - start.y });
  };
  const onPointerUp = () => (drag.current = undefined);

  const toggleGroup = (name: string) => {
    const next = new Set(collapsed);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setCollapsed(next);
  };

  if (error) return <p role="alert">{error}</p>;
  const showAssets = view !== undefined && view.scale >= ASSETS_FROM_SCALE;
  const selectedAsset = selected !== undefined ? assets?.[selected] : undefined;

  return (
    <>
      <form
        className="toolbar"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void applySelection(selectionText);
        }}
      >
        <input
          aria-label="Asset selection"
          placeholder={`Select assets: key:"raw_*", group:sales, *orders+ …`}
          value={selectionText}
          onChange={(event) => setSelectionText(event.target.value)}
          aria-invalid={selectionError ? true : undefined}
          aria-describedby={selectionError ? "selection-error" : undefined}
        />
        <button type="submit">Apply</button>
        <button type="button" disabled={selectionText.trim() === "" || selectionError !== undefined} onClick={() => void materialize(selectionText)}>
          Materialize selection
        </button>
        <a href={`#/launchpad?selection=${encodeURIComponent(selectionText.trim() || "*")}`}>Launchpad…</a>
        <button type="button" onClick={zoomToFit}>
          Zoom to fit
        </button>
        {selectionError && (
          <span id="selection-error" className="error" role="alert">
            {selectionError}
          </span>
        )}
        {launched && (
          <span role="status">
            Launched run <a href={`#/runs/${launched.runId}`}>{launched.runId.slice(0, 8)}</a>
          </span>
        )}
      </form>
      <div
        className="canvas"
        ref={canvas}
        tabIndex={0}
        role="application"
        aria-label="Asset lineage"
        onKeyDown={onKeyDown}
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={onPointerUp}
      >
        {!assets || !layout || !view ? (
          <p role="status">Laying out the lineage…</p>
        ) : assets.length === 0 ? (
          <p role="status">No assets are defined in the workspace.</p>
        ) : (
          <svg aria-label={`${assets.length} assets in ${layout.groups.length} groups`}>
            <g transform={`translate(${view.x},${view.y}) scale(${view.scale})`}>
              {layout.groups.map((group) => (
                <g key={group.name} role="group" aria-label={`Group ${group.name}`}>
                  <rect className="group-box" x={group.x} y={group.y} width={group.width} height={group.height} />
                  <text
                    className="group-title"
                    x={group.x + 12}
                    y={group.y + 20}
                    role="button"
                    aria-label={`${group.collapsed ? "Expand" : "Collapse"} group ${group.name}`}
                    aria-expanded={!group.collapsed}
                    tabIndex={0}
                    onClick={() => toggleGroup(group.name)}
                    onKeyDown={(event) => event.key === "Enter" && toggleGroup(group.name)}
                  >
                    {group.collapsed ? "▸" : "▾"} {group.name} ({group.size})
                  </text>
                </g>
              ))}
              {showAssets &&
                graph?.input.edges.map(([from, to]) => {
                  const a = layout.nodes[from];
                  const b = layout.nodes[to];
                  if (!a || !b || (!visible(a, view, size.width, size.height) && !visible(b, view, size.width, size.height))) return null;
                  const x1 = a.x + NODE_WIDTH;
                  const y1 = a.y + NODE_HEIGHT / 2;
                  const x2 = b.x;
                  const y2 = b.y + NODE_HEIGHT / 2;
                  const mid = (x1 + x2) / 2;
                  return <path key={`${from}-${to}`} className="edge" d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} />;
                })}
              {showAssets &&
                assets.map((asset, i) => {
                  const rect = layout.nodes[i];
                  if (!rect || !visible(rect, view, size.width, size.height)) return null;
                  const id = keyString(asset.key);
                  const status = statusOf(asset);
                  const classes = ["node", `status-${status}`, highlighted.has(id) ? "highlighted" : "", selected === i ? "selected" : ""].join(" ");
                  return (
                    <g
                      key={id}
                      className={classes}
                      role="button"
                      aria-label={id}
                      aria-description={status}
                      aria-pressed={selected === i}
                      transform={`translate(${rect.x},${rect.y})`}
                      onClick={() => setSelected(i)}
                    >
                      <rect width={rect.width} height={rect.height} />
                      <text x={12} y={27}>
                        {id.length > 26 ? `${id.slice(0, 25)}…` : id}
                      </text>
                    </g>
                  );
                })}
            </g>
          </svg>
        )}
        {selectedAsset && (
          <aside className="detail" aria-label={`Asset ${keyString(selectedAsset.key)}`}>
            <h2>{keyString(selectedAsset.key)}</h2>
            <p>Group: {selectedAsset.groupName ?? "default"}</p>
            <p>Status: {statusOf(selectedAsset)}</p>
            <p>Upstream: {selectedAsset.dependencyKeys.map(keyString).join(", ") || "none"}</p>
            <button type="button" onClick={() => void materialize(`key:"${keyString(selectedAsset.key)}"`)}>
              Materialize {keyString(selectedAsset.key)}
            </button>
          </aside>
        )}
      </div>
    </>
  );
}
