// What every op-like builder (asset, op, check, observable source) checks and collects the same way: its resources,
// retry policy and config schema, and op tags.
import { InvalidDefinitionError, validateTags, type Tags } from "../core/index.js";
import { RetryPolicy } from "./retry-policy.js";

export interface ResourceDefinitionLike {
  readonly kind: "resource_definition";
  readonly __value: unknown;
}

/** A resource requirement: a class (the value must be an instance) or a ResourceDefinition (the value its setup returns). */
export type ResourceRequirement = (abstract new (...args: never[]) => unknown) | ResourceDefinitionLike;

/** The resource bindings of every definition without its own: shared, so that large code locations allocate less. */
export const NO_RESOURCES: Readonly<Record<string, unknown>> = Object.freeze({});
const NO_KEYS: readonly string[] = Object.freeze([]);
// Callers destructure it: most ops need no resources, and this one object serves them all.
export const NO_REQUIREMENTS = Object.freeze({ requiredResourceKeys: NO_KEYS as string[], resourceClasses: NO_RESOURCES as Record<string, never> });

/** Resource keys the compute needs, and the classes typed resources must be instances of. */
export function collectResources(
  options: { requiredResourceKeys?: readonly string[]; resources?: Readonly<Record<string, ResourceRequirement>> },
  _where: string,
): { requiredResourceKeys: string[]; resourceClasses: Record<string, abstract new (...args: never[]) => unknown> } {
  if (options.requiredResourceKeys === undefined && options.resources === undefined) return NO_REQUIREMENTS;
  let resourceClasses: Record<string, abstract new (...args: never[]) => unknown> = NO_RESOURCES as Record<string, never>;
  let requiredResourceKeys: string[] = options.requiredResourceKeys ? [...options.requiredResourceKeys] : (NO_KEYS as string[]);
  if (options.resources) {
    for (const resourceKey in options.resources) {
      const requirement = options.resources[resourceKey];
      if (!requiredResourceKeys.includes(resourceKey)) requiredResourceKeys = [...requiredResourceKeys, resourceKey];
      if (typeof requirement === "function") resourceClasses = { ...resourceClasses, [resourceKey]: requirement };
    }
  }
  return { requiredResourceKeys, resourceClasses };
}

export function checkOpOptions(options: { retryPolicy?: unknown; config?: unknown }, where: string): void {
  if (options.retryPolicy !== undefined && !(options.retryPolicy instanceof RetryPolicy)) {
    throw new InvalidDefinitionError(`retryPolicy of ${where} must be a RetryPolicy: new RetryPolicy({ maxRetries, delay })`, where);
  }
  if (options.config !== undefined && typeof (options.config as { safeParse?: unknown }).safeParse !== "function") {
    throw new InvalidDefinitionError(`config of ${where} must be a zod schema, e.g. z.object({ limit: z.number() })`, where);
  }
}

export function opTagsOf(opTags: Record<string, unknown> | undefined, where: string): Tags {
  return validateTags(stringifyValues(opTags), where);
}

function stringifyValues(tags: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!tags) return undefined;
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}
