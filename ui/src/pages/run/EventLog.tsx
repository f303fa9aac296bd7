// The run page's structured log: only the rows in view (and a band beyond) are in the page, so a run of 100,000 events
// scrolls like one of ten. Every row has the same height, so where a row goes is arithmetic (nothing is measured). The
// rows of the window sit in order in one block (a compositor layer) moved by a transform, each with its layout
// contained; a scroll within the band renders nothing, and one past it changes the rows' text and the block's
// transform: no element is created, removed or moved (the DOM order stays the reading order).
//
// React renders the table around the rows, not the rows: a scroll past the band runs in the frame's rendering steps
// and must be drawn in that frame, and a synchronous React render of the window (reconciling every row, then
// committing) took most of the scroll handler. The rows are written directly instead, each text only when it changed.
import { memo, useLayoutEffect, useRef } from "react";
import { keyString, type AssetKeyData } from "../../api.js";
import { ROW_HEIGHT, covers, rangeAfterScroll, rangeAt, type Range } from "./log-window.js";

export interface LogEvent {
  eventType: string;
  message: string | null;
  level: string | null;
  stepKey: string | null;
  timestamp: number;
  assetKey: AssetKeyData | null;
}

const time = (timestamp: number) => new Date(timestamp).toISOString().slice(11, 23);

// A cell clips (and so shows its ellipsis) only when its text is wider than the cell: a clip is a paint property node
// that layerization walks on every frame that repaints, and nearly every row's texts fit. Texts' widths come from a
// canvas with the cells' font (no layout read), remembered per text: step keys and event types repeat. The cells' widths
// are the column headers' (same rules in run.css), read when the log's width changes, never in a scroll.
const widths = new Map<string, number>();
let measure: CanvasRenderingContext2D | null | undefined;

function textWidth(text: string, font: string): number {
  let width = widths.get(text);
  if (width === undefined) {
    if (measure === undefined) measure = document.createElement("canvas").getContext("2d");
    if (!measure) return Infinity;
    if (measure.font !== font) measure.font = font;
    width = measure.measureText(text).width;
    if (widths.size > 10_000) widths.clear();
    widths.set(text, width);
  }
  return width;
}

// Most texts are short and printable ASCII: no wider than their length times the font's widest such character, which
// settles that they fit without measuring them (a measure shapes the text, as its layout does again). A jump writes a
// dozen messages never seen before.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
let widest: { font: string; width: number } | undefined;

function surelyFits(text: string, font: string, limit: number): boolean {
  if (widest?.font !== font) {
    let width = 0;
    for (let code = 0x20; code <= 0x7e; code++) width = Math.max(width, textWidth(String.fromCharCode(code), font));
    widest = { font, width };
  }
  return text.length * widest.width <= limit && PRINTABLE_ASCII.test(text);
}

/** One row element of the window and what it shows, kept so that a row is only written where it changed. */
interface Slot {
  row: HTMLDivElement;
  cells: Text[];
  spans: HTMLSpanElement[];
  clipped: boolean[];
  texts: string[];
  index: number;
  event: LogEvent | undefined;
  error: boolean;
}

function makeSlot(): Slot {
  const row = document.createElement("div");
  row.setAttribute("role", "row");
  row.className = "log-row";
  const cells: Text[] = [];
  const spans: HTMLSpanElement[] = [];
  for (let c = 0; c < 4; c++) {
    const cell = document.createElement("span");
    cell.setAttribute("role", "cell");
    const text = document.createTextNode("");
    cell.appendChild(text);
    row.appendChild(cell);
    cells.push(text);
    spans.push(cell);
  }
  return { row, cells, spans, clipped: [false, false, false, false], texts: ["", "", "", ""], index: -1, event: undefined, error: false };
}

/** The cells' font and each column's width for text (its header's content box), which the slots' clips are decided against. */
interface Measure {
  font: string;
  columns: number[];
}

/** The width for text in each column: its header cell's width less its padding. */
function columnWidths(head: HTMLElement): number[] {
  return [...head.children].map((cell) => {
    const style = getComputedStyle(cell);
    return (cell as HTMLElement).clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  });
}

function clipCell(slot: Slot, c: number, measures: Measure): void {
  const limit = measures.columns[c];
  // Unmeasured (no font or widths yet): clip, as every cell did before.
  const text = slot.texts[c] as string;
  const clipped = measures.font === "" || limit === undefined || (!surelyFits(text, measures.font, limit - 1) && textWidth(text, measures.font) > limit - 1);
  if (slot.clipped[c] !== clipped) {
    (slot.spans[c] as HTMLSpanElement).className = clipped ? "log-clip" : "";
    slot.clipped[c] = clipped;
  }
}

function writeSlot(slot: Slot, event: LogEvent, index: number, measures: Measure): void {
  if (slot.index !== index) {
    slot.row.setAttribute("aria-rowindex", String(index + 2));
    slot.index = index;
  }
  if (slot.event === event) return;
  slot.event = event;
  const error = event.level === "ERROR";
  if (slot.error !== error) {
    slot.row.className = error ? "log-row log-error" : "log-row";
    slot.error = error;
  }
  const texts = [time(event.timestamp), event.stepKey ?? "", event.eventType, `${event.assetKey ? `${keyString(event.assetKey)}: ` : ""}${event.message ?? ""}`];
  for (let c = 0; c < 4; c++) {
    const text = texts[c] as string;
    if (slot.texts[c] !== text) {
      (slot.cells[c] as Text).data = text;
      slot.texts[c] = text;
      if (c > 0) clipCell(slot, c, measures);
    }
  }
}

/**
 * New events keep the newest in view while the reader is at the bottom; scrolling up stops that until they return.
 * `count` changes when events were appended to the same array in place.
 */
export const EventLog = memo(function EventLog({ events, count }: { events: readonly LogEvent[]; count: number }) {
  const scroller = useRef<HTMLDivElement>(null);
  const windowElement = useRef<HTMLDivElement>(null);
  const follows = useRef(true);
  // The scroller's height, kept by a ResizeObserver so that a scroll reads no layout.
  const height = useRef(0);
  const range = useRef<Range>({ start: 0, end: 0 });
  const eventsRef = useRef(events);
  eventsRef.current = events;
  // The length rendered (the body's height): the array may already hold events appended in place since, which the
  // next render will show.
  const length = useRef(events.length);
  length.current = events.length;
  const slots = useRef<Slot[]>([]);
  const shownStart = useRef(-1);
  const measures = useRef<Measure>({ font: "", columns: [] }).current;
  const headRow = useRef<HTMLDivElement>(null);

  // Writes the rows of `next` into the window: elements are added or removed only at its end (when the window's size
  // changes); the others are kept in place and given their new row's text.
  const show = useRef((next: Range) => {
    const element = windowElement.current;
    if (!element) return;
    range.current = next;
    const all = eventsRef.current;
    const end = Math.min(next.end, length.current);
    const start = Math.min(next.start, end);
    const list = slots.current;
    while (list.length < end - start) {
      const slot = makeSlot();
      list.push(slot);
      element.appendChild(slot.row);
    }
    while (list.length > end - start) list.pop()?.row.remove();
    for (let i = start; i < end; i++) writeSlot(list[i - start] as Slot, all[i] as LogEvent, i, measures);
    if (shownStart.current !== start) {
      element.style.transform = `translateY(${start * ROW_HEIGHT}px)`;
      shownStart.current = start;
    }
  }).current;

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // Before the first rows follow the bottom (the observer reports later).
    height.current = element.clientHeight;
    const update = () => {
      const next = rangeAfterScroll(range.current, element.scrollTop, height.current, length.current);
      // Written in the scroll event, which runs in the frame's rendering steps: the rows are drawn in this frame.
      if (next) show(next);
    };
    const onScroll = () => {
      follows.current = length.current * ROW_HEIGHT - element.scrollTop - height.current < ROW_HEIGHT * 2;
      update();
    };
    // A resize (the steps above grew) is not the reader scrolling: it keeps the newest in view if it was.
    const observer = new ResizeObserver(([entry]) => {
      height.current = entry?.contentRect.height ?? 0;
      if (follows.current) element.scrollTop = Math.max(0, length.current * ROW_HEIGHT - height.current);
      update();
    });
    observer.observe(element);
    // The rows' width sets the message cell's: on a change every shown cell's clip is decided again.
    const rows = windowElement.current;
    const widthObserver = new ResizeObserver(() => {
      if (!rows || !headRow.current) return;
      measures.font = getComputedStyle(rows).font;
      measures.columns = columnWidths(headRow.current);
      for (const slot of slots.current) for (let c = 1; c < 4; c++) clipCell(slot, c, measures);
    });
    if (rows) widthObserver.observe(rows);
    element.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      observer.disconnect();
      widthObserver.disconnect();
      element.removeEventListener("scroll", onScroll);
    };
  }, [show, measures]);

  // New rows (or a filter): follow the newest if the reader was at the bottom, and show what is then on screen (rows
  // already shown are rewritten only if their event changed).
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const total = events.length * ROW_HEIGHT;
    if (follows.current && events.length > 0) element.scrollTop = Math.max(0, total - height.current);
    const top = Math.min(element.scrollTop, Math.max(0, total - height.current));
    const current = range.current;
    show(!covers(current, top, height.current, events.length) || current.end > events.length ? rangeAt(top, height.current, events.length) : current);
  }, [events, events.length, count, show]);

  return (
    <div className="log-scroll" ref={scroller}>
      <div className="event-log" role="table" aria-label="Event log" aria-rowcount={events.length + 1}>
        <div role="rowgroup" className="event-log-head">
          <div role="row" aria-rowindex={1} className="log-row" ref={headRow}>
            <span role="columnheader">Time</span>
            <span role="columnheader">Step</span>
            <span role="columnheader">Event</span>
            <span role="columnheader">Message</span>
          </div>
        </div>
        <div role="rowgroup" className="event-log-body" style={{ height: events.length * ROW_HEIGHT }}>
          {/* Its rows are written by `show`, not rendered: React gives it no children, so it never touches them. */}
          <div className="event-log-window" ref={windowElement} />
        </div>
      </div>
    </div>
  );
});
