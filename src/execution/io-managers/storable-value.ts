// Whether a value comes back the same after the filesystem IO manager stores and loads it.
import { UnstorableValueError } from "../../core/index.js";

const FIX =
  "Return plain data (objects, arrays, strings, numbers, Dates, Maps, Sets, typed arrays), or give the asset an IO manager that stores this type (ioManagerKey).";

/**
 * Throws UnstorableValueError for the first function, symbol or class instance inside `value`: v8 serialization
 * refuses functions with an opaque DataCloneError and turns class instances into plain objects, silently losing
 * their methods, so the downstream asset would get something else than what was returned.
 */
export function checkStorableValue(value: unknown, assetKey: string, format: "v8" | "json"): void {
  const seen = new Set<object>();
  // An explicit stack: a deep value must not overflow the call stack.
  const stack: { value: unknown; path: string }[] = [{ value, path: "the value" }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop() as { value: unknown; path: string };
    if (typeof v === "function") throw new UnstorableValueError(assetKey, path, `a function${v.name ? ` (${v.name})` : ""}`, FIX);
    if (typeof v === "symbol") throw new UnstorableValueError(assetKey, path, `a symbol (${String(v)})`, FIX);
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${path}[${i}]` });
      continue;
    }
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto === Object.prototype || proto === null) {
      for (const [k, child] of Object.entries(v)) stack.push({ value: child, path: `${path}${/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}` });
      continue;
    }
    if (v instanceof Map) {
      let i = 0;
      for (const [k, child] of v) {
        stack.push({ value: k, path: `${path} (Map key ${i})` }, { value: child, path: `${path}.get(${typeof k === "string" ? JSON.stringify(k) : `key ${i}`})` });
        i++;
      }
      continue;
    }
    if (v instanceof Set) {
      let i = 0;
      for (const child of v) stack.push({ value: child, path: `${path} (Set element ${i++})` });
      continue;
    }
    if (isStructuredCloneBuiltIn(v)) continue;
    // json stores what toJSON returns; such a class is stored on purpose (e.g. a Decimal as its string).
    if (format === "json" && typeof (v as { toJSON?: unknown }).toJSON === "function") continue;
    const name = (proto as { constructor?: { name?: string } }).constructor?.name || "an anonymous class";
    throw new UnstorableValueError(assetKey, path, `an instance of class ${name}, which would load back as a plain object without its methods`, FIX);
  }
}

function isStructuredCloneBuiltIn(v: object): boolean {
  return (
    v instanceof Date ||
    v instanceof RegExp ||
    v instanceof Error ||
    v instanceof ArrayBuffer ||
    ArrayBuffer.isView(v) ||
    v instanceof Boolean ||
    v instanceof Number ||
    v instanceof String ||
    (typeof SharedArrayBuffer !== "undefined" && v instanceof SharedArrayBuffer)
  );
}
