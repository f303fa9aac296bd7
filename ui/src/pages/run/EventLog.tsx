// The run page's structured log: only the rows in view (and a band beyond) are in the page, so a run of 100,000 events
// scrolls like one of ten. Every row has the same height, so where a row goes is arithmetic (nothing is measured). The
// rows of the window sit in order in one block moved by a transform, each with its layout and paint contained; a scroll
// within the band renders nothing, and one past it changes the rows' text and the block's transform: no element is
// created, removed or moved (the DOM order stays the reading order).
import { memo, useLayoutEffect, useRef, useState } from "react";
import { flushSync } from "react-dom";
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

const Row = memo(function Row({ event, index }: { event: LogEvent; index: number }) {
  return (
    <div role="row" aria-rowindex={index + 2} className={event.level === "ERROR" ? "log-row log-error" : "log-row"}>
      <span role="cell">{time(event.timestamp)}</span>
      <span role="cell">{event.stepKey ?? ""}</span>
      <span role="cell">{event.eventType}</span>
      <span role="cell">
        {event.assetKey ? `${keyString(event.assetKey)}: ` : ""}
        {event.message ?? ""}
      </span>
    </div>
  );
});

/**
 * New events keep the newest in view while the reader is at the bottom; scrolling up stops that until they return.
 * `count` changes when events were appended to the same array in place.
 */
export const EventLog = memo(function EventLog({ events, count }: { events: readonly LogEvent[]; count: number }) {
  const scroller = useRef<HTMLDivElement>(null);
  const follows = useRef(true);
  // The scroller's height, kept by a ResizeObserver so that a scroll reads no layout.
  const height = useRef(0);
  const [range, setRange] = useState<Range>({ start: 0, end: 0 });
  const rangeRef = useRef(range);
  rangeRef.current = range;
  const length = useRef(events.length);
  length.current = events.length;

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    // Before the first rows follow the bottom (the observer reports later).
    height.current = element.clientHeight;
    const update = (sync: boolean) => {
      const top = element.scrollTop;
      const next = rangeAfterScroll(rangeRef.current, top, height.current, length.current);
      if (!next) return;
      // Rendered before this frame is painted: a scroll event runs in the frame's rendering steps, and an update left to
      // React's scheduler would show the band's edge (empty) for a frame.
      if (sync) flushSync(() => setRange(next));
      else setRange(next);
    };
    const onScroll = () => {
      follows.current = length.current * ROW_HEIGHT - element.scrollTop - height.current < ROW_HEIGHT * 2;
      update(true);
    };
    // A resize (the steps above grew) is not the reader scrolling: it keeps the newest in view if it was.
    const observer = new ResizeObserver(([entry]) => {
      height.current = entry?.contentRect.height ?? 0;
      if (follows.current) element.scrollTop = Math.max(0, length.current * ROW_HEIGHT - height.current);
      update(false);
    });
    observer.observe(element);
    element.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener("scroll", onScroll);
    };
  }, []);

  // New rows (or a filter): follow the newest if the reader was at the bottom, and render what is then on screen.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const total = events.length * ROW_HEIGHT;
    if (follows.current && events.length > 0) element.scrollTop = Math.max(0, total - height.current);
    const top = Math.min(element.scrollTop, Math.max(0, total - height.current));
    if (!covers(rangeRef.current, top, height.current, events.length) || rangeRef.current.end > events.length) setRange(rangeAt(top, height.current, events.length));
  }, [events, events.length, count]);

  const end = Math.min(range.end, events.length);
  const start = Math.min(range.start, end);
  const rows = [];
  // Keyed by place in the window, not by index: a new window reuses every element in place, so React only sets text
  // (keyed by index, a jump would create and remove every row; keyed by index modulo the window, React would move them).
  for (let i = start; i < end; i++) rows.push(<Row key={i - start} event={events[i] as LogEvent} index={i} />);
  return (
    <div className="log-scroll" ref={scroller}>
      <div className="event-log" role="table" aria-label="Event log" aria-rowcount={events.length + 1}>
        <div role="rowgroup" className="event-log-head">
          <div role="row" aria-rowindex={1} className="log-row">
            <span role="columnheader">Time</span>
            <span role="columnheader">Step</span>
            <span role="columnheader">Event</span>
            <span role="columnheader">Message</span>
          </div>
        </div>
        <div role="rowgroup" className="event-log-body" style={{ height: events.length * ROW_HEIGHT }}>
          <div className="event-log-window" style={{ transform: `translateY(${start * ROW_HEIGHT}px)` }}>
            {rows}
          </div>
        </div>
      </div>
    </div>
  );
});
