// Output and input type checks: a zod schema or a predicate, as the reference's dagster_type.
import type { z } from "zod";

/** A predicate returns true, or false / a message explaining what is wrong. */
export type TypePredicate<T> = (value: T) => boolean | string;
/** A runtime check of an input's or output's value: a zod schema, or a predicate returning true, false or a message saying what is wrong. */
export type TypeCheck<T = unknown> = z.ZodType | TypePredicate<T>;

/** Runs a type check; returns undefined when the value passes, else a description of the failure. */
export function runTypeCheck(check: TypeCheck<never> | undefined, value: unknown): string | undefined {
  if (check === undefined) return undefined;
  if (typeof check === "function") {
    const verdict = (check as (v: unknown) => boolean | string)(value);
    if (verdict === true) return undefined;
    return typeof verdict === "string" ? verdict : `the predicate ${check.name || "(anonymous)"} returned false`;
  }
  const parsed = check.safeParse(value);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`).join("; ");
}
