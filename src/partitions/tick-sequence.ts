// A cron schedule's ticks in a zone as an integer sequence: tick ordinal ↔ instant without enumerating, where the schedule's shape allows.
//
// DST rules (the reference's, from its cron iterator and its tests):
// - a schedule whose hour field is `*` fires at every instant whose local time matches: a skipped local
//   time has no tick and a repeated one has two (e.g. 02:00+02:00 and 02:00+01:00 in Berlin's fall-back);
// - any other schedule fires once per matching local time: in a gap at the instant the gap ends (02:30 on
//   a spring-forward day in Berlin fires at 03:00), in a repeated hour at the second occurrence.
import { civilFields, DAY_MS, daysFromCivil, floorDiv, HOUR_MS, MINUTE_MS, mod } from "./civil-time.js";
import type { CronSchedule } from "./cron.js";
import type { ZoneOffsets } from "./time-zone.js";

const YEAR_MS = 366 * DAY_MS;
// Module-local copies for the per-tick loops (reading an imported binding costs more under some loaders).
const HOUR = HOUR_MS;
const MAX_TICKS = 20_000_000;

/** Ticks numbered from an anchor: ordinal 0 is the first tick at or after it, -1 the last one before it. */
export interface TickSequence {
  /** The greatest ordinal whose tick is at or before `t` (epoch ms). */
  floorOrdinal(t: number): number;
  /** The instant (epoch ms) of a tick ordinal. */
  instantAt(ordinal: number): number;
  /** The instants of ordinals `from … from + count - 1`, ascending: one pass, not `count` look-ups. */
  instantsFrom(from: number, count: number): Float64Array;
}

// For sequences whose instantAt is already O(1) (or cached): one look-up per ordinal.
function instantsByLookup(seq: TickSequence, from: number, count: number): Float64Array {
  const out = new Float64Array(Math.max(0, count));
  for (let i = 0; i < out.length; i++) out[i] = seq.instantAt(from + i);
  return out;
}

/** The ordinal of the first tick at or after `t`. */
export function ceilOrdinal(seq: TickSequence, t: number): number {
  const f = seq.floorOrdinal(t);
  return seq.instantAt(f) === t ? f : f + 1;
}

export function tickSequence(schedule: CronSchedule, zone: ZoneOffsets, anchor: number): TickSequence {
  const shape = schedule.shape;
  switch (shape.kind) {
    case "minutes":
      return new MinuteGridTicks(shape.minutes, zone, anchor);
    case "daily":
    case "weekly":
    case "monthly":
      return new CalendarTicks(shape, zone, anchor);
    default:
      return new IteratedTicks(schedule, zone, anchor);
  }
}

/** The iterating sequence for any schedule: the reference model that the closed forms are tested against. */
export function iteratedTickSequence(schedule: CronSchedule, zone: ZoneOffsets, anchor: number): TickSequence {
  return new IteratedTicks(schedule, zone, anchor);
}

/**
 * Every hour at fixed minutes. Between two offset transitions local time is UTC plus a constant, so the
 * ticks of each stretch are a grid: counting them is arithmetic, and only the transitions are visited.
 */
class MinuteGridTicks implements TickSequence {
  readonly #minutes: readonly number[];
  readonly #zone: ZoneOffsets;
  readonly #anchor: number;
  // The constant-offset stretches from the anchor on, found so far: stretch s starts at #stretchStart[s]
  // (the anchor, then each transition), has offset #stretchOffset[s], and its first tick has ordinal
  // #stretchOrdinal[s]. Look-ups at or after the anchor are a binary search over them, not a walk.
  readonly #stretchStart: number[] = [];
  readonly #stretchOffset: number[] = [];
  readonly #stretchOrdinal: number[] = [];

  constructor(minutes: readonly number[], zone: ZoneOffsets, anchor: number) {
    this.#minutes = minutes.map((m) => m * MINUTE_MS);
    this.#zone = zone;
    this.#anchor = anchor;
  }

  // Records the stretches that start at or before `t`.
  #stretchesThrough(t: number): void {
    const starts = this.#stretchStart;
    const zone = this.#zone;
    if (starts.length === 0) {
      zone.cover(this.#anchor, this.#anchor);
      starts.push(this.#anchor);
      this.#stretchOffset.push(zone.offsetAt(this.#anchor));
      this.#stretchOrdinal.push(0);
    }
    let last = starts.length - 1;
    let p = starts[last] as number;
    if (t <= p) return;
    zone.cover(p, t);
    const n = zone.transitionCount;
    let i = zone.firstIndexAtOrAfter(p);
    while (i < n && zone.transitionAt(i) <= p) i++;
    for (; i < n; i++) {
      const at = zone.transitionAt(i);
      if (at > t) break;
      const off = this.#stretchOffset[last] as number;
      const ordinal = (this.#stretchOrdinal[last] as number) + this.#below(at + off) - this.#below(p + off);
      starts.push(at);
      this.#stretchOffset.push(zone.offsetAfterIndex(i));
      this.#stretchOrdinal.push(ordinal);
      last++;
      p = at;
    }
  }

  // The last recorded stretch starting at or before `t` (t at or after the anchor).
  #stretchAt(t: number): number {
    const starts = this.#stretchStart;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  // Grid points (local ms) below x.
  #below(x: number): number {
    const hours = Math.floor(x / HOUR);
    const within = x - hours * HOUR;
    let n = 0;
    for (const m of this.#minutes) if (m < within) n++;
    return hours * this.#minutes.length + n;
  }

  #gridAt(n: number): number {
    const k = this.#minutes.length;
    const hours = Math.floor(n / k);
    return hours * HOUR + (this.#minutes[n - hours * k] as number);
  }

  // Ticks in [a, b): grid points of each constant-offset stretch, walking the transitions by index.
  #count(a: number, b: number): number {
    const zone = this.#zone;
    zone.cover(a, b);
    let off = zone.offsetAt(a);
    let p = a;
    let total = 0;
    const n = zone.transitionCount;
    for (let i = zone.firstIndexAtOrAfter(a); i < n; i++) {
      const at = zone.transitionAt(i);
      if (at >= b) break;
      total += this.#below(at + off) - this.#below(p + off);
      p = at;
      off = zone.offsetAfterIndex(i);
    }
    return total + this.#below(b + off) - this.#below(p + off);
  }

  floorOrdinal(t: number): number {
    if (t < this.#anchor) return -this.#count(t + 1, this.#anchor) - 1;
    // Ticks in [anchor, t + 1): those before the stretch holding t + 1, then that stretch's up to t + 1.
    const end = t + 1;
    this.#stretchesThrough(end);
    const s = this.#stretchAt(end);
    const start = this.#stretchStart[s] as number;
    const off = this.#stretchOffset[s] as number;
    return (this.#stretchOrdinal[s] as number) + this.#below(end + off) - this.#below(start + off) - 1;
  }

  // Walks the constant-offset stretches from the first instant on, emitting each stretch's grid points:
  // listing n keys costs n plus the transitions crossed, where n calls of instantAt cost n × transitions.
  instantsFrom(from: number, count: number): Float64Array {
    const out = new Float64Array(Math.max(0, count));
    if (out.length === 0) return out;
    const zone = this.#zone;
    const perMs = this.#minutes.length / HOUR_MS;
    let at = 0;
    let p = this.instantAt(from);
    while (at < out.length) {
      const chunkEnd = p + Math.max(YEAR_MS, (out.length - at + 2) / perMs + 2 * DAY_MS);
      zone.cover(p, chunkEnd);
      let off = zone.offsetAt(p);
      const n = zone.transitionCount;
      let i = zone.firstIndexAtOrAfter(p);
      for (;;) {
        const transition = i < n ? zone.transitionAt(i) : Number.POSITIVE_INFINITY;
        const end = Math.min(transition, chunkEnd);
        const last = this.#below(end + off);
        for (let k = this.#below(p + off); k < last && at < out.length; k++) out[at++] = this.#gridAt(k) - off;
        if (at === out.length) return out;
        p = end;
        if (end === chunkEnd) break;
        off = zone.offsetAfterIndex(i);
        i++;
      }
    }
    return out;
  }

  instantAt(ordinal: number): number {
    const zone = this.#zone;
    const perMs = this.#minutes.length / HOUR_MS;
    if (ordinal >= 0) {
      const ordinals = this.#stretchOrdinal;
      if (ordinals.length === 0) this.#stretchesThrough(this.#anchor);
      // Record stretches until one starts past the ordinal, or the last one holds it: a stretch's ticks are
      // a grid, so its tick `ordinal` lies at a computable instant, which must come before the next transition.
      for (;;) {
        const last = ordinals.length - 1;
        if ((ordinals[last] as number) > ordinal) break;
        const start = this.#stretchStart[last] as number;
        const off = this.#stretchOffset[last] as number;
        const candidate = this.#gridAt(this.#below(start + off) + ordinal - (ordinals[last] as number)) - off;
        this.#stretchesThrough(Math.max(candidate, start + YEAR_MS));
        if (ordinals.length - 1 === last || (this.#stretchStart[last + 1] as number) > candidate) break;
      }
      let lo = 0;
      let hi = ordinals.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((ordinals[mid] as number) <= ordinal) lo = mid + 1;
        else hi = mid;
      }
      // Several stretches may share a first ordinal (a stretch shorter than a tick); the last of them holds it.
      const s = lo - 1;
      const start = this.#stretchStart[s] as number;
      const off = this.#stretchOffset[s] as number;
      return this.#gridAt(this.#below(start + off) + ordinal - (ordinals[s] as number)) - off;
    }
    let remaining = -ordinal - 1;
    let q = this.#anchor;
    for (;;) {
      const chunkStart = q - Math.max(YEAR_MS, (remaining + 2) / perMs + 2 * DAY_MS);
      zone.cover(chunkStart, q);
      let off = zone.offsetAt(q - 1);
      for (let i = zone.firstIndexAtOrAfter(q) - 1; i >= 0; i--) {
        const at = zone.transitionAt(i);
        if (at <= chunkStart) break;
        const c = this.#below(q + off) - this.#below(at + off);
        if (remaining < c) return this.#gridAt(this.#below(q + off) - 1 - remaining) - off;
        remaining -= c;
        q = at;
        off = zone.offsetBeforeIndex(i);
      }
      const c = this.#below(q + off) - this.#below(chunkStart + off);
      if (remaining < c) return this.#gridAt(this.#below(q + off) - 1 - remaining) - off;
      remaining -= c;
      q = chunkStart;
    }
  }
}

/**
 * One local time a day, a week or a month (day ≤ 28): tick u is the u-th day/week/month at that local
 * time, so ordinals are calendar arithmetic; each local time resolves to one instant.
 */
class CalendarTicks implements TickSequence {
  readonly #zone: ZoneOffsets;
  readonly #timeOfDay: number;
  readonly #kind: "daily" | "weekly" | "monthly";
  readonly #firstDay: number; // weekly: the first day number ≥ 0 on the schedule's weekday
  readonly #dayOfMonth: number;
  readonly #anchorUnit: number;

  constructor(
    shape: { kind: "daily" | "weekly" | "monthly"; minute: number; hour: number; dayOfWeek?: number; dayOfMonth?: number },
    zone: ZoneOffsets,
    anchor: number,
  ) {
    this.#zone = zone;
    this.#kind = shape.kind;
    this.#timeOfDay = shape.hour * HOUR_MS + shape.minute * MINUTE_MS;
    this.#firstDay = mod((shape.dayOfWeek ?? 0) - 4, 7); // 1970-01-01 was a Thursday
    this.#dayOfMonth = shape.dayOfMonth ?? 1;
    const u = this.#floorUnit(anchor);
    this.#anchorUnit = this.#instantOfUnit(u) < anchor ? u + 1 : u;
  }

  #unitWall(u: number): number {
    switch (this.#kind) {
      case "daily":
        return u * DAY_MS + this.#timeOfDay;
      case "weekly":
        return (this.#firstDay + 7 * u) * DAY_MS + this.#timeOfDay;
      case "monthly":
        return daysFromCivil(floorDiv(u, 12), mod(u, 12) + 1, this.#dayOfMonth) * DAY_MS + this.#timeOfDay;
    }
  }

  #unitAtOrBeforeWall(w: number): number {
    switch (this.#kind) {
      case "daily":
        return floorDiv(w - this.#timeOfDay, DAY_MS);
      case "weekly":
        return floorDiv(w - this.#firstDay * DAY_MS - this.#timeOfDay, 7 * DAY_MS);
      case "monthly": {
        const f = civilFields(w);
        const u = f.year * 12 + f.month - 1;
        return this.#unitWall(u) > w ? u - 1 : u;
      }
    }
  }

  #instantOfUnit(u: number): number {
    const r = this.#zone.resolve(this.#unitWall(u));
    return r.kind === "unique" ? r.instant : r.kind === "ambiguous" ? r.later : r.gapEnd;
  }

  #floorUnit(t: number): number {
    let u = this.#unitAtOrBeforeWall(this.#zone.toWall(t));
    while (this.#instantOfUnit(u) > t) u--;
    while (this.#instantOfUnit(u + 1) <= t) u++;
    return u;
  }

  floorOrdinal(t: number): number {
    return this.#floorUnit(t) - this.#anchorUnit;
  }

  instantAt(ordinal: number): number {
    return this.#instantOfUnit(this.#anchorUnit + ordinal);
  }

  instantsFrom(from: number, count: number): Float64Array {
    return instantsByLookup(this, from, count);
  }
}

/** Any other schedule: ticks found by walking matching local times, kept in arrays grown on demand. */
class IteratedTicks implements TickSequence {
  readonly #schedule: CronSchedule;
  readonly #zone: ZoneOffsets;
  readonly #anchor: number;
  readonly #forward: number[] = []; // ticks ≥ anchor, ascending
  readonly #backward: number[] = []; // ticks < anchor, descending
  #cursor: number; // local time up to which forward ticks were generated

  constructor(schedule: CronSchedule, zone: ZoneOffsets, anchor: number) {
    this.#schedule = schedule;
    this.#zone = zone;
    this.#anchor = anchor;
    this.#cursor = zone.toWall(anchor) - 3 * HOUR_MS;
  }

  // Feeds the instants of the local times after `from` to `onTick`, ascending, by the DST rules, until it
  // returns false; returns the last local time visited.
  #ticksBetween(from: number, onTick: (t: number) => boolean): number {
    let wall = from;
    const zone = this.#zone;
    const hourly = this.#schedule.repeatsEveryHour;
    for (;;) {
      wall = this.#schedule.nextWall(wall);
      const r = zone.resolve(wall);
      if (r.kind === "unique") {
        if (!onTick(r.instant)) return wall;
      } else if (r.kind === "gap") {
        if (!hourly && !onTick(r.gapEnd)) return wall;
      } else if (!hourly) {
        if (!onTick(r.later)) return wall;
      } else {
        // Every local time of the repeated stretch happens twice: all first occurrences, then all second ones.
        const earlier = [r.earlier];
        const later = [r.later];
        for (;;) {
          const next = this.#schedule.nextWall(wall);
          const nr = zone.resolve(next);
          if (nr.kind !== "ambiguous") break;
          wall = next;
          earlier.push(nr.earlier);
          later.push(nr.later);
        }
        let more = true;
        for (const t of [...earlier, ...later]) more = onTick(t) && more;
        if (!more) return wall;
      }
    }
  }

  #growForward(done: () => boolean): void {
    const fwd = this.#forward;
    while (!done()) {
      if (fwd.length > MAX_TICKS) throw new RangeError(`more than ${MAX_TICKS} partitions for "${this.#schedule.expression}"`);
      this.#cursor = this.#ticksBetween(this.#cursor, (t) => {
        const last = fwd.length ? (fwd[fwd.length - 1] as number) : this.#anchor - 1;
        if (t > last) fwd.push(t);
        return !done();
      });
    }
  }

  #growBackward(done: () => boolean): void {
    const bwd = this.#backward;
    let span = 2 * DAY_MS;
    while (!done()) {
      if (bwd.length > MAX_TICKS) throw new RangeError(`more than ${MAX_TICKS} partitions for "${this.#schedule.expression}"`);
      const earliest = bwd.length ? (bwd[bwd.length - 1] as number) : this.#anchor;
      const found: number[] = [];
      this.#ticksBetween(this.#zone.toWall(earliest) - span, (t) => {
        if (t >= earliest) return false;
        if (!found.length || t > (found[found.length - 1] as number)) found.push(t);
        return true;
      });
      for (let i = found.length - 1; i >= 0; i--) bwd.push(found[i] as number);
      span *= 2;
    }
  }

  floorOrdinal(t: number): number {
    if (t >= this.#anchor) {
      const fwd = this.#forward;
      this.#growForward(() => fwd.length > 0 && (fwd[fwd.length - 1] as number) > t);
      let lo = 0;
      let hi = fwd.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((fwd[mid] as number) <= t) lo = mid + 1;
        else hi = mid;
      }
      return lo - 1;
    }
    const bwd = this.#backward;
    this.#growBackward(() => bwd.length > 0 && (bwd[bwd.length - 1] as number) <= t);
    let lo = 0;
    let hi = bwd.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((bwd[mid] as number) > t) lo = mid + 1;
      else hi = mid;
    }
    return -(lo + 1);
  }

  instantAt(ordinal: number): number {
    if (ordinal >= 0) {
      this.#growForward(() => this.#forward.length > ordinal);
      return this.#forward[ordinal] as number;
    }
    this.#growBackward(() => this.#backward.length >= -ordinal);
    return this.#backward[-ordinal - 1] as number;
  }

  instantsFrom(from: number, count: number): Float64Array {
    return instantsByLookup(this, from, count);
  }
}
