// Preloaded (`--import`) by test/entry-points.test.ts: records the URL of every module the process resolves, one a
// line, in the file named by TESSERA_MODULE_LOG.
import { register } from "node:module";

const hooks = `
import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TESSERA_MODULE_LOG, result.url + "\\n");
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
