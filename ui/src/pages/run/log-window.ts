// Which rows of the run log are in the page for a scroll position: arithmetic on a fixed row height.
export const ROW_HEIGHT = 26;
/** Rows rendered beyond each edge of the screen: a scroll of fewer rows than this renders nothing. */
const BAND = 8;

export interface Range {
  start: number;
  end: number;
}

/** The rows to render for a scroll position: the screen's rows and BAND beyond each edge. */
export function rangeAt(scrollTop: number, height: number, count: number): Range {
  const first = Math.floor(scrollTop / ROW_HEIGHT);
  const last = Math.ceil((scrollTop + height) / ROW_HEIGHT);
  return { start: Math.max(0, first - BAND), end: Math.min(count, last + BAND) };
}

/** Whether the rows of `range` still cover the screen at this scroll position. */
export function covers(range: Range, scrollTop: number, height: number, count: number): boolean {
  const first = Math.floor(scrollTop / ROW_HEIGHT);
  const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT));
  return first >= range.start && last <= range.end;
}
