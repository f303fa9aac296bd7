// Sets up the resources a run needs and tears them down after it.
import { ConfigValidationError, TesseraError, type LogLevel } from "../core/index.js";
import { DEFAULT_IO_MANAGER_KEY, configIssues, isResourceDefinition, type IOLogger } from "../definitions/index.js";
import type { Instance } from "../instance/index.js";
import { parseWithDefaults, type RunConfig } from "../plan/index.js";
import { defaultIOManager } from "./default-io-manager.js";

export interface PreparedResource {
  readonly key: string;
  readonly definition: unknown;
  /** Parsed config, for ResourceDefinitions with a schema. */
  readonly config: unknown;
}

/** Validates every needed resource's config before anything runs; throws one error listing every problem. */
export function prepareResources(
  keys: Iterable<string>,
  provided: Readonly<Record<string, unknown>>,
  runConfig: RunConfig,
  instance: Instance,
): PreparedResource[] {
  const issues: { path: string; message: string }[] = [];
  const prepared: PreparedResource[] = [];
  const needed = new Set(keys);
  for (const key of Object.keys(runConfig.resources ?? {})) {
    if (!needed.has(key)) issues.push({ path: `resources.${key}`, message: `no asset in this run uses resource "${key}"` });
  }
  for (const key of needed) {
    const definition = key in provided ? provided[key] : key === DEFAULT_IO_MANAGER_KEY ? defaultIOManager(instance) : undefined;
    const given = runConfig.resources?.[key]?.config;
    let config: unknown = undefined;
    if (isResourceDefinition(definition)) {
      const base = definition.hasBoundConfig ? definition.boundConfig : undefined;
      const merged = isPlainObject(base) && isPlainObject(given) ? { ...base, ...given } : (given ?? base);
      if (definition.configSchema) {
        const result = parseWithDefaults(definition.configSchema, merged);
        if (result.success) config = result.data;
        else issues.push(...configIssues(result.error, `resources.${key}.config`));
      } else if (given !== undefined) {
        issues.push({ path: `resources.${key}.config`, message: `resource "${key}" takes no config` });
      }
    } else if (given !== undefined) {
      issues.push({ path: `resources.${key}.config`, message: `resource "${key}" is a plain value and takes no config; use resource({ config, setup }) to make it configurable` });
    }
    prepared.push({ key, definition, config });
  }
  if (issues.length) throw new ConfigValidationError("the run's resources", issues);
  return prepared;
}

export interface LiveResources {
  readonly values: Record<string, unknown>;
  teardown(onError: (key: string, error: unknown) => void): Promise<void>;
}

/** Runs setup of each ResourceDefinition in order; on a failure tears down what was set up and rethrows with the key. */
export async function setUpResources(prepared: readonly PreparedResource[], logFor: (key: string) => IOLogger): Promise<LiveResources> {
  const values: Record<string, unknown> = {};
  const live: { key: string; teardown: () => Promise<void> }[] = [];
  const teardown = async (onError: (key: string, error: unknown) => void): Promise<void> => {
    for (const resource of live.reverse()) {
      try {
        await resource.teardown();
      } catch (error) {
        onError(resource.key, error);
      }
    }
    live.length = 0;
  };
  for (const { key, definition, config } of prepared) {
    if (!isResourceDefinition(definition)) {
      values[key] = definition;
      continue;
    }
    try {
      const value = await definition.setup({ config: config as never, log: logFor(key) as { readonly [L in LogLevel]: IOLogger[L] } });
      values[key] = value;
      live.push({ key, teardown: () => definition.teardown(value) });
    } catch (error) {
      await teardown(() => undefined);
      throw new ResourceSetupError(key, error);
    }
  }
  return { values, teardown };
}

/** A resource whose setup threw: the run fails before any step runs, naming the resource key. */
export class ResourceSetupError extends TesseraError {
  readonly resourceKey: string;
  constructor(key: string, cause: unknown) {
    super("RESOURCE_SETUP_FAILED", `Resource "${key}" failed to set up: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.resourceKey = key;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
