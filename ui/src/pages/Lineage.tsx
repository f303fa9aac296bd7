// The lineage: every asset, in boxes per group, with the selection box of the CLI's grammar. The graph comes first
// (keys, groups, edges: the least the server has to answer), so names are on screen before the statuses, which follow
// in a second query and again whenever a run moves. Zoomed out, the assets are drawn on one canvas (thousands of
// rectangles, no DOM); zoomed in, the assets in view are buttons named by their keys. Arrow keys move along the lineage.
import { startTransition, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import { hashQuery, setHashQuery } from "../hash-route.js";
import { ApiError, gql, keyString, type AssetKeyData } from "../api.js";
import { follow } from "../live.js";
import { NODE_HEIGHT, NODE_WIDTH, type Layout, type LayoutInput, type Rect } from "../layout/layered-layout.js";
import { useLayout } from "../layout/use-layout.js";
import { STATUS_LABELS, assetStatus, checkFailing, type AssetStatus, type StatusFacts } from "./lineage/asset-status.js";
import { SelectionBox, resolveSelection, type SelectionProblem } from "./lineage/SelectionBox.js";
import type { Vocabulary } from "./lineage/selection-complete.js";
import "./lineage/lineage.css";

interface GraphNode {
  key: AssetKeyData;
  groupName: string | null;
  dependencyKeys: AssetKeyData[];
}

interface StatusNode {
  key: AssetKeyData;
  staleStatus: string | null;
  checkStatus: string | null;
  latestMaterialization: { timestamp: number } | null;
  latestMaterializationAttempt: { status: string } | null;
  kinds: string[];
  owners: string[];
  tags: { key: string; value: string }[];
  locationName: string;
}

const GRAPH = `query LineageGraph { assetNodes { key { path } groupName dependencyKeys { path } } }`;

const STATUSES = `query LineageStatuses {
  assetNodes {
    key { path } staleStatus checkStatus latestMaterialization { timestamp } latestMaterializationAttempt { status }
    kinds owners tags { key value } locationName
  }
}`;

const RUN_MOVES = `subscription LineageRunMoves { runStatusChanged { runId status } }`;

const LAUNCH_RUN = `mutation LaunchFromLineage($selection: String!) {
  launchRun(selection: $selection) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
  }
}`;

/** Below this zoom the assets are drawn on the overview canvas, not as elements. */
const ASSETS_FROM_SCALE = 0.35;
/** Screen pixels beyond each edge within which React draws the assets, so that a pan needs no render until it leaves them. */
const MARGIN = 400;
/** The scale a graph too large to fit legibly opens at. */
const READING_SCALE = 0.9;
const LEGEND: AssetStatus[] = ["fresh", "stale", "missing", "failed", "running"];
const COLOURS: Record<AssetStatus, string> = { fresh: "#2e7d4f", stale: "#b7791f", missing: "#8a94a6", failed: "#b42318", running: "#2f6fed", unknown: "#c3cad6" };

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

/** Whether a rectangle of the layout is on screen, or within `margin` screen pixels of it. */
function visible(rect: Rect, view: View, width: number, height: number, margin = 0): boolean {
  const x = rect.x * view.scale + view.x;
  const y = rect.y * view.scale + view.y;
  return x + rect.width * view.scale >= -margin && y + rect.height * view.scale >= -margin && x <= width + margin && y <= height + margin;
}

/**
 * The view as a CSS transform of the whole <svg> (sized to the layout), not an SVG transform attribute of a group
 * inside it: a CSS transform change of the element only updates its paint properties, where the attribute laid out
 * and repainted every title and asset each frame of a pan or zoom.
 */
const transformOf = (view: View): string => `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;

/**
 * What depends on the view on screen and is set on the elements directly (between React's renders too): the drawn
 * elements' transform, and on the overview side of the threshold the class that hides the assets React drew for a
 * closer view and the scale that keeps group titles legible (see lineage.css).
 */
function showView(svg: SVGSVGElement | null, canvas: HTMLCanvasElement | null, view: View, titles = true): void {
  if (svg) svg.style.transform = transformOf(view);
  const entering = svg !== null && view.scale < ASSETS_FROM_SCALE && !svg.classList.contains("lineage-overview");
  svg?.classList.toggle("lineage-overview", view.scale < ASSETS_FROM_SCALE);
  // Titles are resized in steps (a quarter of the scale), not every frame of a zoom: each resize lays them all out.
  // Only in the overview, where the titles use it: a custom property is inherited, so each change recalculates the
  // style of every element in the <svg> (up close, hundreds of assets) though nothing there reads it.
  const inverse = 1 / view.scale;
  const shown = Number(svg?.style.getPropertyValue("--inverse-scale"));
  // In a motion (`titles` false) only as the view enters the overview (the value may be an older visit's): the titles'
  // restyle was ~0.25 ms of every few frames of a fitted zoom; the motion's rest sets it (they scale with the view
  // meanwhile).
  if (view.scale < ASSETS_FROM_SCALE && (!(shown > 0) || entering || (titles && (inverse / shown > 1.25 || inverse / shown < 0.8)))) svg?.style.setProperty("--inverse-scale", String(inverse));
  // Only on a change: in a pan the scale stays, and an attribute written again (even unchanged) is a mutation.
  const scale = view.scale.toFixed(3);
  if (canvas && canvas.getAttribute("data-scale") !== scale) canvas.setAttribute("data-scale", scale);
}

/**
 * Whether `next` can be shown by moving what `rendered` drew (elements drawn `margin` beyond the screen) without
 * drawing other elements: same side of the canvas threshold, similar scale, and the screen still inside the drawn area.
 */
function coveredBy(next: View, rendered: View, width: number, height: number, margin: number): boolean {
  if (next.scale >= ASSETS_FROM_SCALE !== rendered.scale >= ASSETS_FROM_SCALE) return false;
  // On the overview side React draws every group and no asset, whatever the view: nothing to render.
  if (next.scale < ASSETS_FROM_SCALE) return true;
  // Zoomed in, what was drawn still covers the screen (only more of it than needed); zoomed out, the corners below
  // decide. The ratio only bounds how many more elements than needed a zoom in keeps drawn.
  const ratio = next.scale / rendered.scale;
  if (ratio < 0.5 || ratio > 2) return false;
  // The screen's corners in layout coordinates, then in the rendered view's screen coordinates.
  const toRendered = (sx: number, sy: number) => [((sx - next.x) / next.scale) * rendered.scale + rendered.x, ((sy - next.y) / next.scale) * rendered.scale + rendered.y] as const;
  const [x0, y0] = toRendered(0, 0);
  const [x1, y1] = toRendered(width, height);
  return x0 >= -margin && y0 >= -margin && x1 <= width + margin && y1 <= height + margin;
}

/** How long after the last frame of a pan the overview is drawn again, for the view it stopped at. */
const REDRAW_AFTER = 150;

/**
 * Whether the overview bitmap drawn for `drawn` can show `next` by a CSS translation alone: both in the overview, at
 * the same scale (a bitmap scaled by CSS cost more frames than a draw here: the software compositor resamples it every
 * frame), and every part of the graph now on screen already on screen when the bitmap was drawn, so that what the
 * translation uncovers holds nothing (fitted, the whole graph is drawn: any pan qualifies).
 */
function shifts(next: View, drawn: View, layout: Layout, width: number, height: number): boolean {
  if (next.scale >= ASSETS_FROM_SCALE || next.scale !== drawn.scale) return false;
  // The part of the graph on screen, in layout coordinates.
  const onScreen = (v: View) => ({
    x0: Math.max(0, -v.x / v.scale),
    y0: Math.max(0, -v.y / v.scale),
    x1: Math.min(layout.width, (width - v.x) / v.scale),
    y1: Math.min(layout.height, (height - v.y) / v.scale),
  });
  const now = onScreen(next);
  if (now.x0 >= now.x1 || now.y0 >= now.y1) return true;
  const then = onScreen(drawn);
  return now.x0 >= then.x0 && now.y0 >= then.y0 && now.x1 <= then.x1 && now.y1 <= then.y1;
}

/** What the overview canvas shows, besides the view. */
interface OverviewInputs {
  layout: Layout | undefined;
  statuses: { status: AssetStatus; checkFailing: boolean }[] | undefined;
  highlighted: ReadonlySet<string>;
  assets: GraphNode[] | undefined;
  size: { width: number; height: number };
}

const sameView = (a: View, b: View): boolean => a.x === b.x && a.y === b.y && a.scale === b.scale;
const sameInputs = (a: OverviewInputs, b: OverviewInputs): boolean =>
  a.layout === b.layout && a.statuses === b.statuses && a.highlighted === b.highlighted && a.assets === b.assets && a.size === b.size;

/**
 * The overview's canvases are opaque (painted on the page's background): Chromium's software compositor then copies the
 * canvas's quad and skips what lies under it, where a transparent canvas was blended over the page every frame of a pan
 * or zoom (the display compositor's largest cost in those frames).
 */
const overviewContext = (canvas: HTMLCanvasElement) => canvas.getContext("2d", { alpha: false });
const pageBackgrounds = new Map<boolean, string>();
/** The page's background in the current theme, read once per theme (a style read in a frame could force a restyle). */
function pageBackground(dark: boolean): string {
  let colour = pageBackgrounds.get(dark);
  if (colour === undefined) {
    colour = getComputedStyle(document.documentElement).backgroundColor;
    pageBackgrounds.set(dark, colour);
  }
  return colour;
}

/** Draws the page's background, the groups' boxes and every asset on screen in its status colour, at `ratio` pixels per CSS pixel. */
function paintOverview(context: CanvasRenderingContext2D, view: View, inputs: OverviewInputs, ratio: number, dark: boolean): void {
  const { layout, statuses, highlighted, assets, size } = inputs;
  if (!layout) return;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.fillStyle = pageBackground(dark);
  context.fillRect(0, 0, context.canvas.width, context.canvas.height);
  context.setTransform(ratio * view.scale, 0, 0, ratio * view.scale, ratio * view.x, ratio * view.y);
  // The groups' boxes too (under their assets), so that the whole graph is on the canvas before React draws the titles.
  context.lineWidth = 1 / view.scale;
  context.strokeStyle = dark ? "#3a4356" : "#c3cad6";
  for (const group of layout.groups) {
    if (!visible(group, view, size.width, size.height)) continue;
    context.fillStyle = dark ? "#1b2130" : "#eef1f6";
    context.globalAlpha = group.collapsed ? 1 : 0.35;
    context.fillRect(group.x, group.y, group.width, group.height);
    context.globalAlpha = 1;
    context.strokeRect(group.x, group.y, group.width, group.height);
  }
  let last: string | undefined;
  layout.nodes.forEach((rect, i) => {
    if (!rect || !visible(rect, view, size.width, size.height)) return;
    const status = statuses?.[i];
    const colour = highlighted.size > 0 && !highlighted.has(keyString((assets as GraphNode[])[i]?.key as AssetKeyData)) ? "#dde1e8" : COLOURS[status?.status ?? "unknown"];
    if (colour !== last) context.fillStyle = last = colour;
    context.fillRect(rect.x, rect.y, rect.width, rect.height);
  });
}

/** Collapsed groups as the address has them: `all`, or names separated by commas. */
type Collapsed = ReadonlySet<string> | "all";

function collapsedFromAddress(): Collapsed {
  const value = hashQuery().get("collapsed");
  if (value === "all") return "all";
  return new Set(value ? value.split(",").filter(Boolean) : []);
}

export function Lineage() {
  const [assets, setAssets] = useState<GraphNode[] | undefined>();
  const [statusNodes, setStatusNodes] = useState<{ nodes: StatusNode[] } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [selectionText, setSelectionText] = useState(() => hashQuery().get("selection") ?? "");
  const [problem, setProblem] = useState<SelectionProblem | undefined>();
  const [highlighted, setHighlighted] = useState<ReadonlySet<string>>(new Set());
  const [collapsedState, setCollapsedState] = useState<Collapsed>(collapsedFromAddress);
  const [selected, setSelected] = useState<number | undefined>();
  const [launched, setLaunched] = useState<{ runId: string } | undefined>();
  const [size, setSize] = useState({ width: 0, height: 0 });
  // What React drew (the elements within MARGIN of it); `live` is what is on screen: panning and zooming move the drawn
  // elements by their transform and redraw the canvas at once, and React draws again only when the view leaves what it
  // drew (or once the motion stops), so a frame of motion costs no render.
  const [view, setViewState] = useState<View | undefined>();
  const live = useRef<View | undefined>(undefined);
  const svg = useRef<SVGSVGElement>(null);
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const setView = (next: View | undefined) => {
    live.current = next;
    clearTimeout(settle.current);
    setViewState(next);
  };
  const canvas = useRef<HTMLDivElement>(null);
  const overview = useRef<HTMLCanvasElement>(null);
  /** Whether the overview canvas holds nothing (so that up close it is not cleared again every frame). */
  const blank = useRef(true);
  /** The view the overview's bitmap was drawn for (none while blank): a pan may move that bitmap by CSS. */
  const drawn = useRef<View | undefined>(undefined);
  const redraw = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const drag = useRef<{ x: number; y: number; view: View } | undefined>(undefined);
  const fitNextLayout = useRef(false);

  const loadStatuses = useCallback(() => {
    gql<{ assetNodes: StatusNode[] }>(STATUSES)
      .then((data) => {
        performance.mark("lineage-statuses-received");
        setStatusNodes({ nodes: data.assetNodes });
      })
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    performance.mark("lineage-graph-requested");
    gql<{ assetNodes: GraphNode[] }>(GRAPH)
      .then((data) => {
        performance.mark("lineage-graph-received");
        setAssets(data.assetNodes);
        loadStatuses();
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
    const shared = hashQuery().get("selection");
    if (shared) void applySelection(shared);
    // Statuses follow the runs: one reload per burst of moves.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = follow<unknown>({
      query: RUN_MOVES,
      variables: () => ({}),
      onConnection: () => undefined,
      onData: () => {
        clearTimeout(timer);
        timer = setTimeout(loadStatuses, 300);
      },
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- once per page

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => entry && setSize({ width: entry.contentRect.width, height: entry.contentRect.height }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const groupNames = useMemo(() => [...new Set((assets ?? []).map((a) => a.groupName ?? "default"))], [assets]);
  const collapsed = useMemo<ReadonlySet<string>>(() => (collapsedState === "all" ? new Set(groupNames) : collapsedState), [collapsedState, groupNames]);
  const setCollapsed = (next: ReadonlySet<string>) => {
    const all = groupNames.length > 0 && groupNames.every((g) => next.has(g));
    setCollapsedState(all ? "all" : next);
    setHashQuery({ collapsed: all ? "all" : [...next].join(",") });
  };

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
    return { input, upstream, downstream, index };
  }, [assets, collapsed]);
  const layout = useLayout(graph?.input);

  // Per asset index: its status and whether a check fails.
  const statuses = useMemo(() => {
    if (!assets) return undefined;
    const facts = new Map<string, StatusFacts>();
    for (const node of statusNodes?.nodes ?? []) {
      facts.set(keyString(node.key), {
        latestMaterialization: node.latestMaterialization?.timestamp,
        staleStatus: node.staleStatus,
        checkStatus: node.checkStatus,
        attemptStatus: node.latestMaterializationAttempt?.status ?? null,
      });
    }
    return assets.map((a) => {
      const f = facts.get(keyString(a.key));
      return { status: assetStatus(f), checkFailing: checkFailing(f) };
    });
  }, [assets, statusNodes]);

  const vocabulary = useMemo<Vocabulary>(() => {
    const nodes = statusNodes?.nodes ?? [];
    const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
    return {
      keys: (assets ?? []).map((a) => keyString(a.key)),
      groups: groupNames,
      kinds: sorted(nodes.flatMap((n) => n.kinds)),
      owners: sorted(nodes.flatMap((n) => n.owners)),
      tags: sorted(nodes.flatMap((n) => n.tags.map((t) => (t.value ? `${t.key}=${t.value}` : t.key)))),
      locations: sorted(nodes.map((n) => n.locationName)),
    };
  }, [assets, statusNodes, groupNames]);

  // The fitted view is on screen in the frame after the click: the overview canvas draws every group and asset at once,
  // and React's render for the new view (dropping the assets drawn up close, adding the other groups' titles) follows
  // as a transition once that frame is painted.
  const zoomToFit = () => {
    if (!layout) return;
    const next = fit(layout, size.width, size.height);
    live.current = next;
    showView(svg.current, overview.current, next);
    drawOverview();
    clearTimeout(settle.current);
    if (view && coveredBy(next, view, size.width, size.height, MARGIN)) return;
    // Fitted up close (a small graph), only React draws the assets: at once.
    if (next.scale >= ASSETS_FROM_SCALE) setViewState(next);
    // After the frame is painted: React's render, even sliced, would otherwise run before it and delay it.
    else requestAnimationFrame(() => setTimeout(() => startTransition(() => setViewState(live.current)), 0));
  };
  useEffect(() => {
    if (!layout || view || size.width === 0) return;
    const whole = fit(layout, size.width, size.height);
    // A graph too large to read whole opens legible at its start; "Zoom to fit" shows all of it.
    setView(whole.scale >= ASSETS_FROM_SCALE || collapsed.size === groupNames.length ? whole : { scale: READING_SCALE, x: 20, y: 20 });
  }, [layout, view, size, collapsed, groupNames]);

  const applySelection = async (text: string) => {
    setSelectionText(text);
    if (text.trim() === "") {
      setProblem(undefined);
      setHighlighted(new Set());
      setHashQuery({ selection: undefined });
      return;
    }
    try {
      const result = await resolveSelection(text);
      if ("problem" in result) {
        setProblem(result.problem);
        return;
      }
      setProblem(undefined);
      setHighlighted(new Set(result.keys));
      setHashQuery({ selection: text });
    } catch (e) {
      setProblem({ message: e instanceof Error ? e.message : String(e), position: undefined });
    }
  };

  const materialize = async (selection: string) => {
    setLaunched(undefined);
    try {
      const data = await gql<{ launchRun: { __typename: string; run?: { runId: string }; message?: string } }>(LAUNCH_RUN, { selection });
      if (data.launchRun.run) setLaunched(data.launchRun.run);
      else setProblem({ message: data.launchRun.message ?? data.launchRun.__typename, position: undefined });
    } catch (e) {
      setProblem({ message: e instanceof Error ? e.message : String(e), position: undefined });
    }
  };

  const centerOn = (index: number) => {
    const rect = layout?.nodes[index];
    const view = live.current;
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

  // The canvas is drawn at most once per frame, however many wheel or pointer events the frame brings; in a pan that
  // uncovers no part of the graph the drawn bitmap lacks, not at all: the bitmap is translated by CSS (the compositor's
  // work, where a draw of thousands of rectangles and its bitmap's commit cost the main thread some 3 ms a frame), and
  // drawn again once the pan stops, so that the canvas again spans the screen for the next motion.
  const drawPending = useRef(false);
  const titlesAtRest = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const moveTo = (next: View) => {
    live.current = next;
    showView(svg.current, overview.current, next, false);
    clearTimeout(titlesAtRest.current);
    if (next.scale < ASSETS_FROM_SCALE) titlesAtRest.current = setTimeout(() => live.current && showView(svg.current, overview.current, live.current), REDRAW_AFTER);
    if (!drawPending.current) {
      drawPending.current = true;
      requestAnimationFrame(() => {
        drawPending.current = false;
        const now = live.current;
        const from = drawn.current;
        const { layout, size } = overviewInputs.current;
        const element = overview.current;
        if (!element || !now || !from || !layout || !shifts(now, from, layout, size.width, size.height)) return drawOverview();
        // No will-change: a layer for the pan (kept or made per pan) measured no cheaper, and the zooms after it dropped
        // more frames (BENCHMARKS.md, 2026-12-06 18:43 and 18:49).
        element.style.transform = `translate(${now.x - from.x}px, ${now.y - from.y}px)`;
        clearTimeout(redraw.current);
        redraw.current = setTimeout(drawOverview, REDRAW_AFTER);
      });
    }
    clearTimeout(settle.current);
    if (!view || !coveredBy(next, view, size.width, size.height, MARGIN)) setViewState(next);
    // Up close, React draws again once the motion stops (the assets near the new view); in the overview nothing it
    // draws depends on the view, so a stop costs no render.
    else if (next.scale >= ASSETS_FROM_SCALE) settle.current = setTimeout(() => setViewState(live.current), 150);
  };

  // The canvas's position is read when a wheel gesture starts, not at every event: after the previous event's writes a
  // read would lay the page out in the handler, ahead of the frame's own layout.
  const wheelBounds = useRef<{ at: number; rect: DOMRect | undefined }>({ at: -Infinity, rect: undefined });
  const onWheel = (event: WheelEvent) => {
    const view = live.current;
    if (!view) return;
    const factor = Math.exp(-event.deltaY * 0.0015);
    if (event.timeStamp - wheelBounds.current.at > REDRAW_AFTER) wheelBounds.current.rect = canvas.current?.getBoundingClientRect();
    wheelBounds.current.at = event.timeStamp;
    const bounds = wheelBounds.current.rect;
    const px = event.clientX - (bounds?.left ?? 0);
    const py = event.clientY - (bounds?.top ?? 0);
    const scale = Math.min(3, Math.max(0.02, view.scale * factor));
    moveTo({ scale, x: px - ((px - view.x) * scale) / view.scale, y: py - ((py - view.y) * scale) / view.scale });
  };
  // During a drag the <svg> is its own layer: a pan at one scale then moves a rastered layer instead of painting and
  // rastering the page's layer again every frame. Only for drags: a zoom of a layer is resampled by the software
  // compositor every frame (BENCHMARKS.md, 2026-12-06 18:43).
  const layered = (on: boolean) => svg.current?.style.setProperty("will-change", on ? "transform" : "");
  const onPointerDown = (event: PointerEvent) => {
    if (!live.current) return;
    drag.current = { x: event.clientX, y: event.clientY, view: live.current };
    // Up close only: in the overview the <svg> holds the titles alone, and the fitted pan measured no better with it.
    if (live.current.scale >= ASSETS_FROM_SCALE) layered(true);
  };
  const onPointerMove = (event: PointerEvent) => {
    const start = drag.current;
    if (start) moveTo({ ...start.view, x: start.view.x + event.clientX - start.x, y: start.view.y + event.clientY - start.y });
  };
  const onPointerUp = () => {
    if (drag.current) layered(false);
    drag.current = undefined;
  };
  // The motion's events are native listeners on the viewport, not React's: React's root listener dispatches each
  // pointermove and wheel through its synthetic event system (a fiber walk and an event object per event), a share of
  // every frame of a pan or zoom. The listeners call this render's handlers (they read its view and size).
  const motion = useRef({ onWheel, onPointerDown, onPointerMove, onPointerUp });
  motion.current = { onWheel, onPointerDown, onPointerMove, onPointerUp };
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    // The wheel's listener is passive, as React's was: a zoom never waits for it to decide about scrolling.
    const listeners: [keyof HTMLElementEventMap, (event: Event) => void, AddEventListenerOptions?][] = [
      ["wheel", (event) => motion.current.onWheel(event as WheelEvent), { passive: true }],
      ["pointerdown", (event) => motion.current.onPointerDown(event as PointerEvent)],
      ["pointermove", (event) => motion.current.onPointerMove(event as PointerEvent)],
      ["pointerup", () => motion.current.onPointerUp()],
      ["pointerleave", () => motion.current.onPointerUp()],
    ];
    for (const [type, listener, options] of listeners) element.addEventListener(type, listener, options);
    return () => {
      for (const [type, listener] of listeners) element.removeEventListener(type, listener);
    };
  }, []);

  const toggleGroup = (name: string) => {
    const next = new Set(collapsed);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setCollapsed(next);
  };
  const collapseAll = (all: boolean) => {
    setCollapsed(all ? new Set(groupNames) : new Set());
    // The layout changes size: the next one is shown whole.
    fitNextLayout.current = true;
  };
  useEffect(() => {
    if (!layout || !fitNextLayout.current) return;
    fitNextLayout.current = false;
    setView(fit(layout, size.width, size.height));
  }, [layout]); // eslint-disable-line react-hooks/exhaustive-deps -- on a new layout only

  const showAssets = view !== undefined && view.scale >= ASSETS_FROM_SCALE;

  // The overview: every asset of an expanded group as a rectangle in its status colour, in one canvas, drawn for the
  // view on screen (also between React's renders, from moveTo).
  const overviewInputs = useRef<OverviewInputs>({ layout, statuses, highlighted, assets, size });
  overviewInputs.current = { layout, statuses, highlighted, assets, size };
  const fitted = useRef<{ view: View; bitmap: HTMLCanvasElement; inputs: OverviewInputs; dark: boolean } | undefined>(undefined);
  const drawOverview = useCallback(() => {
    const element = overview.current;
    const { layout, size } = overviewInputs.current;
    const view = live.current;
    clearTimeout(redraw.current);
    if (!element) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(size.width * ratio);
    const height = Math.round(size.height * ratio);
    if (element.width !== width || element.height !== height) {
      Object.assign(element, { width, height });
      blank.current = true;
      // The bitmap is allocated now, by a first clear, rather than in the click or frame that first draws on it (the
      // fit's click spent ~5 ms there).
      overviewContext(element)?.clearRect(0, 0, 1, 1);
      element.hidden = true;
    }
    const context = overviewContext(element);
    if (!context) return;
    const draws = layout !== undefined && view !== undefined && view.scale < ASSETS_FROM_SCALE;
    // Up close the canvas stays blank: clearing (and committing) a blank bitmap every frame of a pan costs a frame's
    // share for nothing.
    if (!draws && blank.current) return;
    // Drawing covers the whole bitmap (the background first); only a canvas left blank is cleared.
    if (!draws) {
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, width, height);
    }
    if (element.style.transform) element.style.transform = "";
    blank.current = !draws;
    // Blank, the canvas is not displayed: an allocated canvas on screen is its own layer under the <svg>, which cost
    // every frame of an up-close pan or zoom ~0.4 ms more of commit.
    element.hidden = blank.current;
    drawn.current = draws ? view : undefined;
    if (!layout || !view || !draws) return;
    const start = performance.now();
    const dark = document.documentElement.dataset.theme === "dark";
    const ahead = fitted.current;
    const copies = ahead && ahead.dark === dark && ahead.bitmap.width === width && ahead.bitmap.height === height && sameView(ahead.view, view) && sameInputs(ahead.inputs, overviewInputs.current);
    if (copies) context.drawImage(ahead.bitmap, 0, 0);
    else paintOverview(context, view, overviewInputs.current, ratio, dark);
    performance.measure("lineage-overview-draw", { start });
  }, []);
  // The overview is painted in the theme's colours (its background too): a switch of theme paints it again.
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme);
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(document.documentElement.dataset.theme));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => observer.disconnect();
  }, []);
  useEffect(drawOverview, [layout, view, size, statuses, highlighted, assets, theme, drawOverview]);
  // The fitted view's bitmap, drawn ahead whenever what it shows changes (not in a frame of motion), so that Zoom to fit
  // copies one bitmap in its click instead of drawing every asset there.
  useEffect(() => {
    const inputs = overviewInputs.current;
    const { layout, size } = inputs;
    const view = layout && size.width > 0 ? fit(layout, size.width, size.height) : undefined;
    if (!layout || !view || view.scale >= ASSETS_FROM_SCALE) {
      fitted.current = undefined;
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    const bitmap = fitted.current?.bitmap ?? document.createElement("canvas");
    Object.assign(bitmap, { width: Math.round(size.width * ratio), height: Math.round(size.height * ratio) });
    const context = overviewContext(bitmap);
    if (!context) return;
    const dark = document.documentElement.dataset.theme === "dark";
    paintOverview(context, view, inputs, ratio, dark);
    fitted.current = { view, bitmap, inputs, dark };
  }, [layout, size, statuses, highlighted, assets, theme]);
  useEffect(() => () => (clearTimeout(redraw.current), clearTimeout(titlesAtRest.current)), []);
  // A render for other reasons (statuses arrived) must not put back the transform of an older view.
  useLayoutEffect(() => {
    if (live.current) showView(svg.current, overview.current, live.current);
  });

  if (error) return <p role="alert">{error}</p>;
  const selectedAsset = selected !== undefined ? assets?.[selected] : undefined;
  const selectedStatus = selected !== undefined ? statuses?.[selected] : undefined;
  const describe = (i: number) => {
    const s = statuses?.[i];
    return s ? `${STATUS_LABELS[s.status]}${s.checkFailing ? ", check failing" : ""}` : STATUS_LABELS.unknown;
  };

  return (
    <>
      <form
        className="toolbar lineage-toolbar"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void applySelection(selectionText);
        }}
      >
        <SelectionBox value={selectionText} onChange={setSelectionText} problem={problem} onProblem={setProblem} vocabulary={vocabulary} />
        <button type="submit">Apply</button>
        <button type="button" disabled={selectionText.trim() === "" || problem !== undefined} onClick={() => void materialize(selectionText)}>
          Materialize selection
        </button>
        <a href={`#/launchpad?selection=${encodeURIComponent(selectionText.trim() || "*")}`}>Launchpad…</a>
        <button type="button" onClick={zoomToFit}>
          Zoom to fit
        </button>
        <button type="button" onClick={() => collapseAll(true)} disabled={groupNames.length === 0 || collapsed.size === groupNames.length}>
          Collapse all
        </button>
        <button type="button" onClick={() => collapseAll(false)} disabled={collapsed.size === 0}>
          Expand all
        </button>
        {launched && (
          <span role="status">
            Launched run <a href={`#/runs/${launched.runId}`}>{launched.runId.slice(0, 8)}</a>
          </span>
        )}
      </form>
      <div
        className="canvas lineage-canvas"
        ref={canvas}
        tabIndex={0}
        role="application"
        aria-label="Asset lineage"
        onKeyDown={onKeyDown}
      >
        <canvas ref={overview} className="overview" aria-hidden="true" />
        {!assets || !layout || !view ? (
          <p role="status">Laying out the lineage…</p>
        ) : assets.length === 0 ? (
          <p role="status">No assets are defined in the workspace.</p>
        ) : (
          <svg
            ref={svg}
            className="lineage-world"
            aria-label={`${assets.length} assets in ${layout.groups.length} groups`}
            style={{ width: layout.width, height: layout.height }}
          >
            <g>
              {layout.groups.map((group) =>
                !showAssets || visible(group, view, size.width, size.height, MARGIN) ? (
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
                      style={{ "--title-cap": `${group.height / 3}px` } as CSSProperties}
                      onClick={() => toggleGroup(group.name)}
                      onKeyDown={(event) => event.key === "Enter" && toggleGroup(group.name)}
                    >
                      {group.collapsed ? "▸" : "▾"} {group.name} ({group.size})
                    </text>
                  </g>
                ) : null,
              )}
              {showAssets &&
                graph?.input.edges.map(([from, to]) => {
                  const a = layout.nodes[from];
                  const b = layout.nodes[to];
                  if (!a || !b || (!visible(a, view, size.width, size.height, MARGIN) && !visible(b, view, size.width, size.height, MARGIN))) return null;
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
                  if (!rect || !visible(rect, view, size.width, size.height, MARGIN)) return null;
                  const id = keyString(asset.key);
                  const state = statuses?.[i];
                  const classes = [
                    "node",
                    `node-${state?.status ?? "unknown"}`,
                    state?.checkFailing ? "check-failing" : "",
                    highlighted.has(id) ? "highlighted" : "",
                    selected === i ? "selected" : "",
                  ].join(" ");
                  return (
                    <g
                      key={id}
                      className={classes}
                      role="button"
                      aria-label={id}
                      aria-description={describe(i)}
                      aria-pressed={selected === i}
                      transform={`translate(${rect.x},${rect.y})`}
                      onClick={() => setSelected(i)}
                    >
                      <rect width={rect.width} height={rect.height} />
                      <text x={12} y={27}>
                        {id.length > 26 ? `${id.slice(0, 25)}…` : id}
                      </text>
                      {state?.checkFailing && <circle className="check-mark" cx={rect.width - 10} cy={10} r={5} />}
                    </g>
                  );
                })}
            </g>
          </svg>
        )}
        <ul className="legend" aria-label="Status legend">
          {LEGEND.map((status) => (
            <li key={status}>
              <span className={`swatch swatch-${status}`} aria-hidden="true" />
              {STATUS_LABELS[status]}
            </li>
          ))}
          <li>
            <span className="swatch swatch-check" aria-hidden="true" />
            check failing
          </li>
        </ul>
        {selectedAsset && (
          <aside className="detail" aria-label={`Asset ${keyString(selectedAsset.key)}`}>
            <h2>{keyString(selectedAsset.key)}</h2>
            <p>Group: {selectedAsset.groupName ?? "default"}</p>
            <p>Status: {selected !== undefined ? describe(selected) : ""}</p>
            {selectedStatus?.checkFailing && <p className="error">A check of this asset is failing.</p>}
            <p>Upstream: {selectedAsset.dependencyKeys.map(keyString).join(", ") || "none"}</p>
            <p>
              <a href={`#/assets/${selectedAsset.key.path.map(encodeURIComponent).join("/")}`}>Open asset page</a>
            </p>
            <button type="button" onClick={() => void materialize(`key:"${keyString(selectedAsset.key)}"`)}>
              Materialize {keyString(selectedAsset.key)}
            </button>
          </aside>
        )}
      </div>
    </>
  );
}
