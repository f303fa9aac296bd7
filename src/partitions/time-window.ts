// TimeWindow: the half-open interval [start, end) of one time partition (or of several adjacent ones).

/** A half-open interval of time: `start` is included, `end` is not. */
export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/** A frozen TimeWindow from two instants (Dates or epoch milliseconds). */
export function timeWindow(start: Date | number, end: Date | number): TimeWindow {
  return Object.freeze({ start: new Date(start), end: new Date(end) });
}
