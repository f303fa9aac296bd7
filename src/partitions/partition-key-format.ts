// strftime/strptime for partition keys: the reference's `fmt` directives, compiled once, formatted without Date objects.
import { civilFields, civilFromDays, DAY_MS, daysFromCivil, daysInMonth, HOUR_MS, MINUTE_MS, type CivilFields } from "./civil-time.js";
import { InvalidPartitionFormatError } from "./errors.js";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

type Directive = "Y" | "y" | "m" | "d" | "H" | "M" | "S" | "j" | "b" | "B" | "a" | "A" | "z";
type Token = { literal: string } | { directive: Directive };

// Module-local copies for the per-key loop (reading an imported binding costs more under some loaders).
const DAY = DAY_MS;
const HOUR = HOUR_MS;
const MINUTE = MINUTE_MS;

const FORMATS = new Map<string, PartitionKeyFormat>();

export const SUPPORTED_DIRECTIVES = "%Y %y %m %d %H %M %S %j %b %B %a %A %z %%";

/** A compiled partition key format. */
export class PartitionKeyFormat {
  readonly fmt: string;
  readonly hasOffset: boolean;
  readonly #tokens: readonly Token[];
  #withOffset: PartitionKeyFormat | undefined;

  constructor(fmt: string) {
    if (typeof fmt !== "string" || fmt.length === 0) {
      throw new InvalidPartitionFormatError(String(fmt), "the format is empty; use e.g. \"%Y-%m-%d\"");
    }
    this.fmt = fmt;
    const tokens: Token[] = [];
    let literal = "";
    for (let i = 0; i < fmt.length; i++) {
      const ch = fmt[i] as string;
      if (ch !== "%") {
        literal += ch;
        continue;
      }
      const next = fmt[i + 1];
      i++;
      if (next === "%") {
        literal += "%";
        continue;
      }
      if (next === undefined || !"YymdHMSjbBaAz".includes(next)) {
        throw new InvalidPartitionFormatError(
          fmt,
          `the directive "%${next ?? ""}" is not supported (supported: ${SUPPORTED_DIRECTIVES})`,
        );
      }
      if (literal) tokens.push({ literal });
      literal = "";
      tokens.push({ directive: next as Directive });
    }
    if (literal) tokens.push({ literal });
    this.#tokens = tokens;
    this.hasOffset = tokens.some((t) => "directive" in t && t.directive === "z");
  }

  /** A shared compiled format (formats are immutable). */
  static of(fmt: string): PartitionKeyFormat {
    let f = FORMATS.get(fmt);
    if (!f) {
      f = new PartitionKeyFormat(fmt);
      if (FORMATS.size >= 1024) FORMATS.clear();
      FORMATS.set(fmt, f);
    }
    return f;
  }

  /** The same format with a UTC offset appended, as the reference does for the second of two repeated hours. */
  withOffset(): PartitionKeyFormat {
    if (this.hasOffset) return this;
    this.#withOffset ??= new PartitionKeyFormat(`${this.fmt}%z`);
    return this.#withOffset;
  }

  /**
   * A formatter for many wall times in a row (listing keys). When the format puts every date directive
   * before every time directive (as all the reference's defaults do), the text up to the first time
   * directive is formatted once per day and reused: an hourly listing formats a date once per 24 keys.
   */
  sequentialFormatter(): (wall: number, offsetMs: number) => string {
    const tokens = this.#tokens;
    const isTime = (t: Token): boolean => "directive" in t && (t.directive === "H" || t.directive === "M" || t.directive === "S" || t.directive === "z");
    const split = tokens.findIndex(isTime);
    const datePart = split < 0 ? tokens : tokens.slice(0, split);
    const timePart = split < 0 ? [] : tokens.slice(split);
    if (timePart.some((t) => "directive" in t && !isTime(t))) return (wall, offsetMs) => this.format(civilFields(wall), offsetMs);
    // The time-of-day text repeats every day: it is kept per second of the day (and offset, when %z is in it),
    // so that a key costs one concatenation. Built lazily; a listing touches only the times its schedule ticks at.
    const timeUsesOffset = timePart.some((t) => "directive" in t && t.directive === "z");
    const timeTexts = new Map<number, string>();
    let timeTextsOffset = Number.NaN;
    let cachedDay = Number.NaN;
    let cachedPrefix = "";
    const fields: CivilFields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    return (wall, offsetMs) => {
      const days = Math.floor(wall / DAY);
      if (days !== cachedDay) {
        const date = civilFromDays(days);
        fields.year = date.year;
        fields.month = date.month;
        fields.day = date.day;
        cachedDay = days;
        cachedPrefix = formatTokens(datePart, fields, offsetMs);
      }
      if (timePart.length === 0) return cachedPrefix;
      if (timeUsesOffset && offsetMs !== timeTextsOffset) {
        timeTexts.clear();
        timeTextsOffset = offsetMs;
      }
      const rest = wall - days * DAY;
      const secondOfDay = Math.floor(rest / 1000);
      let text = timeTexts.get(secondOfDay);
      if (text === undefined) {
        fields.hour = Math.floor(rest / HOUR);
        fields.minute = Math.floor((rest % HOUR) / MINUTE);
        fields.second = Math.floor((rest % MINUTE) / 1000);
        text = formatTokens(timePart, fields, offsetMs);
        timeTexts.set(secondOfDay, text);
      }
      return cachedPrefix + text;
    };
  }

  /** Formats wall-clock fields; `offsetMs` fills %z. */
  format(f: CivilFields, offsetMs: number): string {
    return formatTokens(this.#tokens, f, offsetMs);
  }

  /**
   * Parses a key; fields the format lacks default as strptime's do (1900-01-01 00:00:00).
   * Returns undefined when the text does not match the whole format or names an impossible date.
   */
  parse(text: string): { fields: CivilFields; offsetMs: number | undefined } | undefined {
    let pos = 0;
    let year = 1900;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let dayOfYear: number | undefined;
    let offsetMs: number | undefined;
    for (const t of this.#tokens) {
      if ("literal" in t) {
        if (!text.startsWith(t.literal, pos)) return undefined;
        pos += t.literal.length;
        continue;
      }
      const d = t.directive;
      if (d === "b" || d === "B" || d === "a" || d === "A") {
        const names = d === "b" || d === "B" ? MONTHS : WEEKDAYS;
        const full = d === "B" || d === "A";
        const idx = names.findIndex((n) => {
          const name = full ? n : n.slice(0, 3);
          return text.slice(pos, pos + name.length).toLowerCase() === name.toLowerCase();
        });
        if (idx < 0) return undefined;
        pos += full ? (names[idx] as string).length : 3;
        if (d === "b" || d === "B") month = idx + 1;
        continue;
      }
      if (d === "z") {
        const m = /^(?:Z|([+-])(\d\d):?(\d\d))/.exec(text.slice(pos));
        if (!m) return undefined;
        pos += m[0].length;
        offsetMs = m[1] === undefined ? 0 : (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
        continue;
      }
      const width = d === "Y" ? 4 : d === "j" ? 3 : 2;
      const min = d === "Y" ? 4 : 1;
      let end = pos;
      while (end < text.length && end - pos < width && isDigit(text.charCodeAt(end))) end++;
      if (end - pos < min) return undefined;
      const value = Number(text.slice(pos, end));
      pos = end;
      switch (d) {
        case "Y":
          year = value;
          break;
        case "y":
          year = value < 69 ? 2000 + value : 1900 + value;
          break;
        case "m":
          month = value;
          break;
        case "d":
          day = value;
          break;
        case "H":
          hour = value;
          break;
        case "M":
          minute = value;
          break;
        case "S":
          second = value;
          break;
        case "j":
          dayOfYear = value;
          break;
      }
    }
    if (pos !== text.length) return undefined;
    if (dayOfYear !== undefined) {
      const days = daysFromCivil(year, 1, 1) + dayOfYear - 1;
      if (dayOfYear < 1 || dayOfYear > (daysFromCivil(year + 1, 1, 1) - daysFromCivil(year, 1, 1))) return undefined;
      let m = 1;
      while (m < 12 && daysFromCivil(year, m + 1, 1) <= days) m++;
      month = m;
      day = days - daysFromCivil(year, m, 1) + 1;
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
      return undefined;
    }
    return { fields: { year, month, day, hour, minute, second }, offsetMs };
  }
}

function formatTokens(tokens: readonly Token[], f: CivilFields, offsetMs: number): string {
  let out = "";
  for (const t of tokens) {
    if ("literal" in t) {
      out += t.literal;
      continue;
    }
    switch (t.directive) {
      case "Y":
        out += f.year < 0 ? `-${pad(-f.year, 4)}` : pad(f.year, 4);
        break;
      case "y":
        out += pad(((f.year % 100) + 100) % 100, 2);
        break;
      case "m":
        out += pad(f.month, 2);
        break;
      case "d":
        out += pad(f.day, 2);
        break;
      case "H":
        out += pad(f.hour, 2);
        break;
      case "M":
        out += pad(f.minute, 2);
        break;
      case "S":
        out += pad(f.second, 2);
        break;
      case "j":
        out += pad(daysFromCivil(f.year, f.month, f.day) - daysFromCivil(f.year, 1, 1) + 1, 3);
        break;
      case "b":
        out += (MONTHS[f.month - 1] as string).slice(0, 3);
        break;
      case "B":
        out += MONTHS[f.month - 1] as string;
        break;
      case "a":
        out += (WEEKDAYS[weekday(f)] as string).slice(0, 3);
        break;
      case "A":
        out += WEEKDAYS[weekday(f)] as string;
        break;
      case "z": {
        const minutes = Math.round(offsetMs / 60_000);
        const abs = Math.abs(minutes);
        out += `${minutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60), 2)}${pad(abs % 60, 2)}`;
        break;
      }
    }
  }
  return out;
}

function weekday(f: CivilFields): number {
  return (((daysFromCivil(f.year, f.month, f.day) + 4) % 7) + 7) % 7;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

function pad(n: number, width: number): string {
  if (width === 2 && n >= 0 && n < 100) return TWO_DIGITS[n] as string;
  const s = String(n);
  return s.length >= width ? s : "0".repeat(width - s.length) + s;
}
