// The part of JSON Schema that zod's toJSONSchema writes for run config (objects, properties, required, enums,
// numbers with bounds, arrays, anyOf), enough to check a run config as it is typed and to complete its keys.

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  description?: string;
}

export type JsonPath = readonly (string | number)[];

export interface SchemaIssue {
  readonly path: JsonPath;
  readonly message: string;
  /** True when the issue is about a key (unknown key): it is shown on the key rather than the value. */
  readonly atKey?: boolean;
}

const typeOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === "number" && actual === "integer");
}

/** Every way `value` breaks `schema`, each at its path. */
export function validate(value: unknown, schema: JsonSchema, path: JsonPath = []): SchemaIssue[] {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const each = alternatives.map((s) => validate(value, s, path));
    if (each.some((issues) => issues.length === 0)) return [];
    // The alternative that got furthest (fewest issues) explains the failure best.
    return each.reduce((best, issues) => (issues.length < best.length ? issues : best));
  }
  const issues: SchemaIssue[] = [];
  for (const part of schema.allOf ?? []) issues.push(...validate(value, part, path));
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const expected = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!expected.some((t) => typeMatches(t, actual))) return [...issues, { path, message: `Expected ${expected.join(" or ")}, got ${actual}.` }];
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) issues.push({ path, message: `Expected ${JSON.stringify(schema.const)}.` });
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    issues.push({ path, message: `Expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}.` });
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) issues.push({ path, message: `Must be at least ${schema.minimum}.` });
    if (schema.maximum !== undefined && value > schema.maximum) issues.push({ path, message: `Must be at most ${schema.maximum}.` });
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) issues.push({ path, message: `Must be greater than ${schema.exclusiveMinimum}.` });
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) issues.push({ path, message: `Must be less than ${schema.exclusiveMaximum}.` });
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) issues.push({ path, message: `Must have at least ${schema.minLength} characters.` });
    if (schema.maxLength !== undefined && value.length > schema.maxLength) issues.push({ path, message: `Must have at most ${schema.maxLength} characters.` });
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => issues.push(...validate(item, schema.items as JsonSchema, [...path, i])));
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in object)) issues.push({ path, message: `Missing required key "${key}".` });
    }
    for (const [key, child] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) issues.push(...validate(child, property, [...path, key]));
      else if (schema.additionalProperties === false) {
        const known = Object.keys(schema.properties ?? {});
        issues.push({ path: [...path, key], atKey: true, message: `Unknown key "${key}"${known.length ? `; expected ${known.map((k) => `"${k}"`).join(", ")}` : ""}.` });
      } else if (typeof schema.additionalProperties === "object") issues.push(...validate(child, schema.additionalProperties, [...path, key]));
    }
  }
  return issues;
}

/** The schema that applies at `path` (the first alternative that has it), or undefined when the schema says nothing there. */
export function schemaAt(schema: JsonSchema, path: JsonPath): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (const step of path) {
    if (current === undefined) return undefined;
    current = childSchema(current, step);
  }
  return current;
}

function childSchema(schema: JsonSchema, step: string | number): JsonSchema | undefined {
  for (const alternative of [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    if (typeof step === "number" && alternative.items) return alternative.items;
    if (typeof step === "string") {
      const property = alternative.properties?.[step];
      if (property) return property;
      if (typeof alternative.additionalProperties === "object") return alternative.additionalProperties;
    }
  }
  return undefined;
}

/** The keys an object at this schema may have, with their descriptions and whether they are required. */
export function propertiesOf(schema: JsonSchema): { name: string; schema: JsonSchema; required: boolean }[] {
  const out: { name: string; schema: JsonSchema; required: boolean }[] = [];
  for (const alternative of [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    for (const [name, child] of Object.entries(alternative.properties ?? {})) {
      if (!out.some((p) => p.name === name)) out.push({ name, schema: child, required: alternative.required?.includes(name) ?? false });
    }
  }
  return out;
}

/** A value to insert for a key of this schema: its default, or an empty value of its type. */
export function skeletonOf(schema: JsonSchema): string {
  if (schema.default !== undefined) return JSON.stringify(schema.default);
  if (schema.enum?.length) return JSON.stringify(schema.enum[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object":
      return "{}";
    case "array":
      return "[]";
    case "string":
      return '""';
    case "boolean":
      return "false";
    case "number":
    case "integer":
      return "0";
    default:
      return "null";
  }
}
