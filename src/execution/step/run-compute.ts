// Calling user code: a compute may return a value, a promise, or a (sync or async) generator of events. What
// it throws is told apart from the engine's own errors, because only the former may be retried.

/** Errors from user code that RetryPolicy may retry; others (type checks, IO) fail the step at once. */
export class ComputeError extends Error {
  constructor(readonly original: unknown) {
    super("compute failed");
  }
}

export type Compute = (ctx: unknown, inputs: unknown) => unknown;

/** Runs `body` (user code, and what it yields as it is consumed) so that whatever it throws is a ComputeError. */
export async function runUserCode<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw new ComputeError(error);
  }
}

/** Whether a compute's return is a stream of yielded items rather than a value (or a promise of one). */
export function isYielding(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  return isAsyncIterable(value) || isGenerator(value);
}

function isAsyncIterable(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

function isGenerator(value: unknown): boolean {
  return Object.prototype.toString.call(value) === "[object Generator]";
}

/** Names what user code returned or yielded, for the error that says it should have been something else. */
export function describeYield(item: unknown): string {
  if (item === null || typeof item !== "object") return `a ${typeof item} (${String(item)})`;
  return `a ${item.constructor?.name ?? "plain object"}`;
}
