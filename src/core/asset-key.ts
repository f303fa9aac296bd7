// AssetKey: the identity of an asset, a non-empty path of validated segments with value semantics.
import { InvalidAssetKeyError, InvalidDefinitionError } from "./errors.js";

/** Anything that names an asset: an AssetKey, a "a/b" string, or a path of segments. */
export type AssetKeyLike = AssetKey | string | readonly string[];

// Segments may not hold "/" (the string separator) nor the characters the selection grammars use.
const SEGMENT = /^[A-Za-z0-9_\-.]+$/;

/**
 * The unique identifier of an asset.
 *
 * @example
 * new AssetKey("orders");            // orders
 * new AssetKey(["raw", "orders"]);   // raw/orders
 * AssetKey.from("raw/orders");       // raw/orders
 */
export class AssetKey {
  // Declared, not defined: the constructor assigns it once; a defined field would be set twice per key.
  declare readonly path: readonly string[];
  readonly #string: string;

  constructor(path: string | readonly string[]) {
    if (typeof path === "string") {
      // The common case (asset("orders", ...)), checked without a call: most segments pass the pattern, which
      // rules out the empty segment; "." and ".." are the pattern's only other rejects.
      if (!SEGMENT.test(path) || path === "." || path === "..") validateSegment(path, path);
      this.path = Object.freeze([path]);
      this.#string = path;
    } else {
      if (!Array.isArray(path) || path.length === 0) {
        throw new InvalidAssetKeyError(path, "an asset key needs at least one segment, e.g. new AssetKey(\"orders\")");
      }
      for (let i = 0; i < path.length; i++) validateSegment(path[i], path);
      this.path = Object.freeze(path.slice());
      this.#string = this.path.length === 1 ? (this.path[0] as string) : this.path.join("/");
    }
    Object.freeze(this);
  }

  /** Coerces a key, a `"a/b"` string (split on `/`) or a segment array. */
  static from(value: AssetKeyLike): AssetKey {
    if (value instanceof AssetKey) return value;
    if (typeof value === "string") {
      if (value.length === 0) throw new InvalidAssetKeyError(value, "an asset key cannot be empty");
      return new AssetKey(value.split("/"));
    }
    if (Array.isArray(value)) return new AssetKey(value);
    throw new InvalidAssetKeyError(value, "expected an AssetKey, a string like \"raw/orders\" or an array of segments");
  }

  /** Parses the `a/b` form that toString() produces. */
  static fromString(value: string): AssetKey {
    return AssetKey.from(value);
  }

  static isAssetKeyLike(value: unknown): value is AssetKeyLike {
    return value instanceof AssetKey || typeof value === "string" || (Array.isArray(value) && value.every((s) => typeof s === "string"));
  }

  /** `a/b`: the form used in selections, the CLI and storage. */
  toString(): string {
    return this.#string;
  }

  toJSON(): string[] {
    return [...this.path];
  }

  equals(other: AssetKeyLike | null | undefined): boolean {
    if (other == null) return false;
    return this.#string === (other instanceof AssetKey ? other.#string : AssetKey.from(other).#string);
  }

  /** A key with the given prefix segments in front. */
  withPrefix(prefix: string | readonly string[]): AssetKey {
    const segments = typeof prefix === "string" ? [prefix] : prefix;
    return new AssetKey([...segments, ...this.path]);
  }

  /** The last segment, which is what `name` gives when the key was made from name and prefix. */
  get name(): string {
    return this.path[this.path.length - 1] as string;
  }

  /** The reference's op name for an asset: segments joined by `__`. */
  toPythonIdentifier(): string {
    return this.path.length === 1 ? (this.path[0] as string) : this.path.join("__");
  }

  /** True when `prefix` is a leading path of this key. */
  hasPrefix(prefix: readonly string[]): boolean {
    if (prefix.length > this.path.length) return false;
    return prefix.every((segment, i) => this.path[i] === segment);
  }
}

function validateSegment(segment: unknown, whole: unknown): void {
  if (typeof segment !== "string") {
    throw new InvalidAssetKeyError(whole, `segment ${JSON.stringify(segment)} is not a string`);
  }
  if (segment.length === 0) {
    throw new InvalidAssetKeyError(whole, "a segment is empty; remove the empty segment (a doubled or trailing \"/\"?)");
  }
  if (segment === "." || segment === "..") {
    // A segment is a folder name for the filesystem IO manager: "." would alias the parent key, ".." escape the base folder.
    throw new InvalidAssetKeyError(whole, `segment ${JSON.stringify(segment)} is not allowed (it would name a folder outside the asset's own); use a name with a letter or digit, e.g. "dot"`);
  }
  if (!SEGMENT.test(segment)) {
    const bad = [...new Set([...segment].filter((c) => !/[A-Za-z0-9_\-.]/.test(c)))].map((c) => JSON.stringify(c)).join(", ");
    const hint = segment.includes("/")
      ? " Use AssetKey.from(\"a/b\") or new AssetKey([\"a\", \"b\"]) for a key of several segments."
      : " Use letters, digits, \"_\", \"-\" and \".\" only.";
    throw new InvalidAssetKeyError(whole, `segment ${JSON.stringify(segment)} contains ${bad}.${hint}`);
  }
}

/** Validates a plain name (asset name, op name, resource key, group name): letters, digits and underscores. */
export function validateName(name: unknown, what: string): string {
  if (typeof name !== "string" || !/^[A-Za-z0-9_]+$/.test(name)) {
    throw new InvalidDefinitionError(`${what} is invalid: use letters, digits and underscores only (e.g. "daily_revenue"), got ${JSON.stringify(name)}`);
  }
  return name;
}
