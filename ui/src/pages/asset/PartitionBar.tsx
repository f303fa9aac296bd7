// The partitions health bar: one canvas, drawn from the API's runs of positions (never one element per partition),
// so 100,000 partitions cost what a handful of ranges cost. A pixel covering several partitions shows the worst.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";

export interface PartitionHealth {
  numPartitions: number;
  /** Flat [start, end, status] triples: 1 materialized, 2 failed, 3 in progress; uncovered positions are missing. */
  runs: number[];
}

export type PartitionState = "materialized" | "failed" | "in progress" | "missing";

const STATES: Record<number, PartitionState> = { 1: "materialized", 2: "failed", 3: "in progress" };
const COLOURS: Record<number, string> = { 0: "#d0d5dd", 1: "#2e7d4f", 2: "#b42318", 3: "#2f6fed" };
/** Which status wins a pixel shared by several: failed, then in progress, then missing, then materialized. */
const SEVERITY: Record<number, number> = { 1: 0, 0: 1, 3: 2, 2: 3 };

/** The state of the partition at `index`, by binary search over the runs. */
export function stateAt(health: PartitionHealth, index: number): PartitionState {
  const runs = health.runs;
  let lo = 0;
  let hi = runs.length / 3 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = runs[mid * 3] as number;
    const end = runs[mid * 3 + 1] as number;
    if (index < start) hi = mid - 1;
    else if (index > end) lo = mid + 1;
    else return STATES[runs[mid * 3 + 2] as number] ?? "missing";
  }
  return "missing";
}

export function countsOf(health: PartitionHealth): Record<PartitionState, number> {
  const counts: Record<PartitionState, number> = { materialized: 0, failed: 0, "in progress": 0, missing: 0 };
  let covered = 0;
  for (let i = 0; i < health.runs.length; i += 3) {
    const n = (health.runs[i + 1] as number) - (health.runs[i] as number) + 1;
    covered += n;
    counts[STATES[health.runs[i + 2] as number] ?? "missing"] += n;
  }
  counts.missing += health.numPartitions - covered;
  return counts;
}

/** Per pixel column, the worst status among the partitions it covers (`width` columns). */
export function columnsOf(health: PartitionHealth, width: number): Uint8Array {
  const n = health.numPartitions;
  const columns = new Uint8Array(width);
  if (n === 0) return columns;
  // Missing is the background: start every column as missing unless it is wholly covered by runs, which the
  // pass below decides by counting covered partitions per column.
  const covered = new Float64Array(width);
  const worst = new Int8Array(width).fill(-1);
  const perColumn = n / width;
  for (let r = 0; r < health.runs.length; r += 3) {
    const start = health.runs[r] as number;
    const end = health.runs[r + 1] as number;
    const code = health.runs[r + 2] as number;
    const first = Math.floor(start / perColumn);
    const last = Math.min(width - 1, Math.floor(end / perColumn));
    for (let c = first; c <= last; c++) {
      const from = Math.max(start, c * perColumn);
      const to = Math.min(end + 1, (c + 1) * perColumn);
      if (to > from) covered[c] = (covered[c] as number) + (to - from);
      if ((SEVERITY[code] as number) > (worst[c] as number)) worst[c] = code;
    }
  }
  for (let c = 0; c < width; c++) {
    const inColumn = Math.min(n, (c + 1) * perColumn) - c * perColumn;
    const code = worst[c] as number;
    const hasMissing = (covered[c] as number) < inColumn - 1e-9;
    columns[c] = code < 0 || (hasMissing && (SEVERITY[0] as number) > (SEVERITY[code] as number)) ? 0 : code;
  }
  return columns;
}

export function PartitionBar(props: { health: PartitionHealth; selected: number | undefined; onSelect: (index: number) => void }) {
  const { health, selected, onSelect } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const counts = useMemo(() => countsOf(health), [health]);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = canvas.current;
    if (!element || width === 0) return;
    performance.mark("partition-bar-draw-start");
    const ratio = window.devicePixelRatio || 1;
    const height = 32;
    element.width = Math.floor(width * ratio);
    element.height = Math.floor(height * ratio);
    const g = element.getContext("2d");
    if (!g) return;
    const pixels = element.width;
    const columns = columnsOf(health, pixels);
    // Adjacent columns of one colour become one rectangle: a few hundred fills at most.
    let c = 0;
    while (c < pixels) {
      const code = columns[c] as number;
      let d = c;
      while (d + 1 < pixels && columns[d + 1] === code) d++;
      g.fillStyle = COLOURS[code] as string;
      g.fillRect(c, 0, d - c + 1, element.height);
      c = d + 1;
    }
    if (selected !== undefined && health.numPartitions > 0) {
      const x = Math.floor((selected / health.numPartitions) * pixels);
      const w = Math.max(2 * ratio, pixels / health.numPartitions);
      g.strokeStyle = "#1d2330";
      g.lineWidth = 2 * ratio;
      g.strokeRect(x, ratio, w, element.height - 2 * ratio);
    }
    performance.measure("partition-bar-draw", "partition-bar-draw-start");
    element.dataset.drawn = String(health.numPartitions);
  }, [health, width, selected]);

  const indexAt = (event: MouseEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const fraction = Math.min(0.999999, Math.max(0, (event.clientX - rect.left) / rect.width));
    return Math.floor(fraction * health.numPartitions);
  };
  const onKey = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const step = event.shiftKey ? Math.max(1, Math.floor(health.numPartitions / 100)) : 1;
    const current = selected ?? -1;
    let next: number | undefined;
    if (event.key === "ArrowRight") next = Math.min(health.numPartitions - 1, current + step);
    else if (event.key === "ArrowLeft") next = Math.max(0, current - step);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = health.numPartitions - 1;
    if (next !== undefined) {
      event.preventDefault();
      onSelect(next);
    }
  };
  const summary = `${health.numPartitions} partitions: ${counts.materialized} materialized, ${counts.failed} failed, ${counts["in progress"]} in progress, ${counts.missing} missing`;

  return (
    <div className="partition-bar">
      <canvas
        ref={canvas}
        role="slider"
        tabIndex={0}
        aria-label="Partitions health"
        aria-valuemin={0}
        aria-valuemax={Math.max(0, health.numPartitions - 1)}
        aria-valuenow={selected ?? 0}
        aria-valuetext={selected === undefined ? summary : `Partition ${selected + 1} of ${health.numPartitions}, ${stateAt(health, selected)}`}
        onClick={(event) => onSelect(indexAt(event))}
        onKeyDown={onKey}
      />
      <p className="partition-legend" role="status" aria-label="Partitions summary">
        {summary}
      </p>
    </div>
  );
}
