// Resources: shared clients and services given to computes, with zod config and setup/teardown.
import type { z } from "zod";
import type { LogLevel } from "../core/index.js";
import { parseConfig } from "./config.js";

export interface ResourceSetupContext<C> {
  /** The resource's config, parsed by its schema. */
  readonly config: C;
  readonly log: { readonly [L in LogLevel]: (message: string, fields?: Record<string, unknown>) => void };
}

/** Options for `resource()`: how to set the resource up for a run and tear it down after. */
export interface ResourceOptions<T, S extends z.ZodType | undefined> {
  /** A zod schema for the resource's config, given in run config at `resources.<key>.config` or by `configured()`. */
  config?: S;
  description?: string;
  setup: (ctx: ResourceSetupContext<ConfigOf<S>>) => T | Promise<T>;
  /** Called once after the run, in reverse order of setup, even when the run failed. */
  teardown?: (value: T) => void | Promise<void>;
}

export type ConfigOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * A resource with a lifecycle. Plain objects passed as resources are used as they are;
 * a ResourceDefinition is set up once per run and torn down after it.
 *
 * @example
 * const warehouse = resource({
 *   config: z.object({ path: z.string() }),
 *   setup: ({ config }) => openWarehouse(config.path),
 *   teardown: (db) => db.close(),
 * });
 */
export class ResourceDefinition<T = unknown, S extends z.ZodType | undefined = z.ZodType | undefined> {
  readonly kind = "resource_definition";
  readonly configSchema: S | undefined;
  readonly description: string | undefined;
  readonly boundConfig: unknown;
  readonly hasBoundConfig: boolean;
  readonly #setup: ResourceOptions<T, S>["setup"];
  readonly #teardown: ResourceOptions<T, S>["teardown"];
  declare readonly __value: T;

  constructor(options: ResourceOptions<T, S>, bound?: { config: unknown }) {
    this.configSchema = options.config;
    this.description = options.description;
    this.#setup = options.setup;
    this.#teardown = options.teardown;
    this.hasBoundConfig = bound !== undefined;
    this.boundConfig = bound?.config;
    Object.freeze(this);
  }

  /** A copy with config fixed here; run config for this resource then overrides it key by key. */
  configured(config: S extends z.ZodType ? z.input<S> : never): ResourceDefinition<T, S> {
    if (this.configSchema) parseConfig(this.configSchema, config, "config", "resource.configured()");
    return new ResourceDefinition(
      { config: this.configSchema as S, description: this.description, setup: this.#setup, teardown: this.#teardown } as ResourceOptions<T, S>,
      { config },
    );
  }

  async setup(ctx: ResourceSetupContext<ConfigOf<S>>): Promise<T> {
    return this.#setup(ctx);
  }

  async teardown(value: T): Promise<void> {
    await this.#teardown?.(value);
  }
}

/** Defines a resource set up once per run from its config and torn down after it; shorthand for `new ResourceDefinition(options)`. */
export function resource<T, S extends z.ZodType | undefined = undefined>(options: ResourceOptions<T, S>): ResourceDefinition<T, S> {
  return new ResourceDefinition(options);
}

export function isResourceDefinition(value: unknown): value is ResourceDefinition {
  return value instanceof ResourceDefinition;
}

/** The value a resource gives computes: what setup returns, or the object itself. */
export type ResourceValue<R> = R extends ResourceDefinition<infer T, infer _S> ? T : R;
