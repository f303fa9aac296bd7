// Numeric metadata of an asset's materializations and observations over time, one uPlot chart per metadata entry.
// Clicking a chart opens the run of the point nearest to the click.
import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface AssetEvent {
  runId: string;
  timestamp: number;
  partition: string | null;
  metadata: Record<string, { type?: string; value?: unknown }> | null;
  tags: Record<string, string> | null;
}

export interface Series {
  name: string;
  /** Points in time order: epoch seconds, value, the run that recorded it. */
  points: { t: number; v: number; runId: string }[];
}

/** The numeric entries (int and float metadata, or plain numbers) of the events, one series per name. */
export function numericSeries(events: readonly AssetEvent[], prefix: string): Series[] {
  const byName = new Map<string, Series>();
  for (const event of [...events].sort((a, b) => a.timestamp - b.timestamp)) {
    for (const [name, entry] of Object.entries(event.metadata ?? {})) {
      const value = typeof entry === "number" ? entry : entry && (entry.type === "int" || entry.type === "float") ? entry.value : undefined;
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      const label = `${prefix}${name}`;
      let series = byName.get(label);
      if (!series) byName.set(label, (series = { name: label, points: [] }));
      series.points.push({ t: event.timestamp / 1000, v: value, runId: event.runId });
    }
  }
  return [...byName.values()];
}

function Chart(props: { series: Series }) {
  const host = useRef<HTMLDivElement>(null);
  const { series } = props;
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const data: uPlot.AlignedData = [series.points.map((p) => p.t), series.points.map((p) => p.v)];
    const plot = new uPlot(
      {
        width: Math.max(240, element.clientWidth),
        height: 160,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        series: [{}, { label: series.name, stroke: "#2f6fed", width: 2, points: { show: true, size: 7, fill: "#2f6fed" } }],
      },
      data,
      element,
    );
    // Anywhere on the chart (axes included) picks the point nearest in time to the click.
    const onClick = (event: MouseEvent) => {
      const over = plot.over.getBoundingClientRect();
      const idx = plot.posToIdx(Math.min(over.width, Math.max(0, event.clientX - over.left)));
      const point = series.points[idx];
      if (point) window.location.hash = `#/runs/${point.runId}`;
    };
    element.addEventListener("click", onClick);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(240, element.clientWidth), height: 160 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      element.removeEventListener("click", onClick);
      plot.destroy();
    };
  }, [series]);
  const last = series.points[series.points.length - 1];
  return (
    <figure className="metadata-plot">
      <figcaption>
        {series.name} <span className="muted">latest {last ? last.v.toLocaleString() : ""}</span>
      </figcaption>
      <div ref={host} role="img" aria-label={`${series.name} over time, ${series.points.length} points; click a point to open its run`} className="plot-host" />
    </figure>
  );
}

export function MetadataPlots(props: { materializations: readonly AssetEvent[]; observations: readonly AssetEvent[] }) {
  const series = useMemo(
    () => [...numericSeries(props.materializations, ""), ...numericSeries(props.observations, "observed ")],
    [props.materializations, props.observations],
  );
  if (series.length === 0) return <p className="muted">No numeric metadata recorded yet.</p>;
  return (
    <div className="plots">
      {series.map((s) => (
        <Chart key={s.name} series={s} />
      ))}
    </div>
  );
}
