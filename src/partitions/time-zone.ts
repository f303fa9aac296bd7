// IANA zones: validation, and a cached table of offset transitions that turns instant ↔ wall-clock conversion into a binary search.
import { Temporal } from "temporal-polyfill";
import { closestMatches } from "../core/index.js";
import { DAY_MS } from "./civil-time.js";
import { InvalidTimezoneError } from "./errors.js";

const YEAR_MS = 366 * DAY_MS;
const MIN_MS = -8.64e15 + 2 * YEAR_MS;
const MAX_MS = 8.64e15 - 2 * YEAR_MS;

let zoneNames: string[] | undefined;
const RESOLVED = new Map<string, string>();

/**
 * Checks that `name` is an IANA zone name and returns it as Temporal spells it ("utc" → "UTC").
 * Offsets such as "+02:00" are refused: a fixed offset has no DST rules and is usually a mistake for a zone.
 */
export function resolveTimeZone(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "" || /^[+\-\u2212]?\d/.test(name.trim())) {
    throw new InvalidTimezoneError(String(name), []);
  }
  const known = RESOLVED.get(name);
  if (known) return known;
  try {
    const id = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name).timeZoneId;
    RESOLVED.set(name, id);
    return id;
  } catch {
    zoneNames ??= [...Intl.supportedValuesOf("timeZone"), "UTC"];
    const lower = name.toLowerCase();
    const byCase = zoneNames.filter((z) => z.toLowerCase().endsWith(`/${lower}`) || z.toLowerCase() === lower);
    throw new InvalidTimezoneError(name, byCase.length ? byCase.slice(0, 3) : closestMatches(name, zoneNames));
  }
}

/** One change of a zone's UTC offset: from `at` (epoch ms) on, the offset is `after` instead of `before` (ms). */
export interface ZoneTransition {
  at: number;
  before: number;
  after: number;
}

/** How one wall-clock time maps to instants in a zone. */
export type WallResolution =
  | { kind: "unique"; instant: number }
  | { kind: "ambiguous"; earlier: number; later: number }
  | { kind: "gap"; gapEnd: number; compatible: number };

const cache = new Map<string, ZoneOffsets>();

/**
 * A zone's offset transitions, computed lazily with Temporal over the instants asked about and kept,
 * so that `offsetAt` is a binary search on a short array (about two entries a year for DST zones, none for UTC).
 */
export class ZoneOffsets {
  readonly id: string;
  readonly #at: number[] = [];
  readonly #after: number[] = [];
  #base = 0;
  #lo = 0;
  #hi = 0;
  #ready = false;

  private constructor(id: string) {
    this.id = id;
  }

  static for(id: string): ZoneOffsets {
    let zone = cache.get(id);
    if (!zone) {
      zone = new ZoneOffsets(id);
      cache.set(id, zone);
    }
    return zone;
  }

  /** UTC offset in ms at an instant. */
  offsetAt(t: number): number {
    if (!this.#ready || t < this.#lo || t >= this.#hi) this.#cover(t);
    const at = this.#at;
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((at[mid] as number) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? this.#base : (this.#after[lo - 1] as number);
  }

  /** Wall-clock ms (naive, counted like UTC) of an instant. */
  toWall(t: number): number {
    return t + this.offsetAt(t);
  }

  /** Transitions with a ≤ at < b, in order. */
  transitionsIn(a: number, b: number): ZoneTransition[] {
    if (b <= a) return [];
    this.cover(a, b);
    const out: ZoneTransition[] = [];
    for (let i = this.firstIndexAtOrAfter(a); i < this.#at.length && (this.#at[i] as number) < b; i++) {
      out.push({ at: this.#at[i] as number, before: this.offsetBeforeIndex(i), after: this.#after[i] as number });
    }
    return out;
  }

  /**
   * Makes sure the table covers [a, b]. Indices (below) stay valid until the next call that may extend
   * the table, so allocation-free loops call this first, then walk indices.
   */
  cover(a: number, b: number): void {
    if (!this.#ready || a < this.#lo || a >= this.#hi) this.#cover(a);
    if (b < this.#lo || b >= this.#hi) this.#cover(b);
  }

  /** Number of transitions in the table. */
  get transitionCount(): number {
    return this.#at.length;
  }

  /** Instant of transition `i`. */
  transitionAt(i: number): number {
    return this.#at[i] as number;
  }

  offsetAfterIndex(i: number): number {
    return this.#after[i] as number;
  }

  offsetBeforeIndex(i: number): number {
    return i === 0 ? this.#base : (this.#after[i - 1] as number);
  }

  /** Index of the first transition at or after `t` (transitionCount when none). */
  firstIndexAtOrAfter(t: number): number {
    const at = this.#at;
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((at[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The last transition at or before `t`, if one lies within `maxBackMs`. */
  transitionAtOrBefore(t: number, maxBackMs: number): ZoneTransition | undefined {
    const found = this.transitionsIn(t - maxBackMs, t + 1);
    return found[found.length - 1];
  }

  /** Whether the instant is the second occurrence of a repeated wall-clock time (after a fall-back). */
  isSecondOccurrence(t: number): boolean {
    this.cover(t, t);
    const i = this.firstIndexAtOrAfter(t + 1) - 1; // last transition at or before t
    if (i < 0) return false;
    const before = this.offsetBeforeIndex(i);
    const after = this.#after[i] as number;
    return before > after && t < (this.#at[i] as number) + (before - after);
  }

  /** Every instant a wall-clock time names: one, two (a repeated hour) or none (a skipped hour). */
  resolve(wall: number): WallResolution {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const c1 = wall - before;
    const c2 = wall - after;
    const ok1 = this.offsetAt(c1) === before;
    const ok2 = before !== after && this.offsetAt(c2) === after;
    if (ok1 && ok2) return { kind: "ambiguous", earlier: Math.min(c1, c2), later: Math.max(c1, c2) };
    if (ok1) return { kind: "unique", instant: c1 };
    if (ok2) return { kind: "unique", instant: c2 };
    // A skipped wall time: the gap ends at the transition between the two candidates.
    const tr = this.transitionsIn(Math.min(c1, c2), Math.max(c1, c2) + 1)[0];
    const gapEnd = tr ? tr.at : c1;
    return { kind: "gap", gapEnd, compatible: c1 };
  }

  /** The instant of a wall time read as Python does with fold=0: the earlier of two, the pre-transition offset in a gap. */
  wallToInstantEarlier(wall: number): number {
    const r = this.resolve(wall);
    return r.kind === "unique" ? r.instant : r.kind === "ambiguous" ? r.earlier : r.compatible;
  }

  // Extends the table so that it covers `t`, a year of margin at a time, walking Temporal's transitions.
  #cover(t: number): void {
    const target = Math.min(MAX_MS, Math.max(MIN_MS, t));
    if (!this.#ready) {
      const start = Math.floor(target / YEAR_MS) * YEAR_MS - YEAR_MS;
      this.#lo = start;
      this.#hi = start;
      this.#base = this.#offsetFromTemporal(start);
      this.#ready = true;
    }
    if (target >= this.#hi) {
      const newHi = (Math.floor(target / YEAR_MS) + 2) * YEAR_MS;
      let z: Temporal.ZonedDateTime | null = Temporal.Instant.fromEpochMilliseconds(this.#hi - 1).toZonedDateTimeISO(this.id);
      let prev = this.#at.length ? (this.#after[this.#after.length - 1] as number) : this.#base;
      for (;;) {
        z = z.getTimeZoneTransition("next");
        if (!z || z.epochMilliseconds >= newHi) break;
        const off = z.offsetNanoseconds / 1e6;
        if (off !== prev) {
          this.#at.push(z.epochMilliseconds);
          this.#after.push(off);
          prev = off;
        }
      }
      this.#hi = newHi;
    }
    if (target < this.#lo) {
      const newLo = (Math.floor(target / YEAR_MS) - 2) * YEAR_MS;
      const found: { at: number; after: number }[] = [];
      let z: Temporal.ZonedDateTime | null = Temporal.Instant.fromEpochMilliseconds(this.#lo).toZonedDateTimeISO(this.id);
      for (;;) {
        z = z.getTimeZoneTransition("previous");
        if (!z || z.epochMilliseconds < newLo) break;
        found.push({ at: z.epochMilliseconds, after: z.offsetNanoseconds / 1e6 });
      }
      found.reverse();
      this.#at.unshift(...found.map((f) => f.at));
      this.#after.unshift(...found.map((f) => f.after));
      this.#lo = newLo;
      this.#base = this.#offsetFromTemporal(newLo);
    }
  }

  #offsetFromTemporal(t: number): number {
    return Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(this.id).offsetNanoseconds / 1e6;
  }
}
