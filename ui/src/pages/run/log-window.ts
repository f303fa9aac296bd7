// Which rows of the run log are in the page for a scroll position: arithmetic on a fixed row height.
export const ROW_HEIGHT = 26;
/** Rows rendered beyond each edge of the screen: a scroll of fewer rows than this renders nothing. */
const BAND = 8;
/**
 * The band after a jump (the screen left the rows rendered altogether, as when the scrollbar is dragged): none. The
 * next frame is likely another jump, for which rows beyond the screen are work thrown away (each row written costs
 * that frame its layout, paint and layerization), and the first small scroll after it renders the full band.
 */
const JUMP_BAND = 0;

export interface Range {
  start: number;
  end: number;
}

/** The rows to render for a scroll position: the screen's rows and `band` beyond each edge. */
export function rangeAt(scrollTop: number, height: number, count: number, band = BAND): Range {
  const first = Math.floor(scrollTop / ROW_HEIGHT);
  const last = Math.ceil((scrollTop + height) / ROW_HEIGHT);
  return { start: Math.max(0, first - band), end: Math.min(count, last + band) };
}

/** The rows to render after a scroll from `range`: none (undefined) while they cover the screen, a narrow band after a jump. */
export function rangeAfterScroll(range: Range, scrollTop: number, height: number, count: number): Range | undefined {
  if (covers(range, scrollTop, height, count)) return undefined;
  const first = Math.floor(scrollTop / ROW_HEIGHT);
  const last = Math.ceil((scrollTop + height) / ROW_HEIGHT);
  const jumped = first >= range.end || last <= range.start;
  return rangeAt(scrollTop, height, count, jumped ? JUMP_BAND : BAND);
}

/** Whether the rows of `range` still cover the screen at this scroll position. */
export function covers(range: Range, scrollTop: number, height: number, count: number): boolean {
  const first = Math.floor(scrollTop / ROW_HEIGHT);
  const last = Math.min(count, Math.ceil((scrollTop + height) / ROW_HEIGHT));
  return first >= range.start && last <= range.end;
}
