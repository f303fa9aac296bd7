// The web UI's files (built by Vite into dist/ui) served by `tessera dev` at `/`.
import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { tesseraFiles } from "../../core/index.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/** The folder of the built UI: dist/ui of the package (also when Tessera runs from its sources, after a build). */
export function uiDirectory(): string {
  return join(tesseraFiles().dir, "..", "dist", "ui");
}

/**
 * Answers a GET or HEAD for the UI: `/` is its index.html, `/assets/...` its hashed files (cached for good). Returns
 * false for any other request, for the caller to route. Never serves a file outside the UI's folder.
 */
export function serveUi(request: IncomingMessage, response: ServerResponse, directory: string = uiDirectory()): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
  const relative = path === "/" || path === "/index.html" ? "index.html" : path.startsWith("/assets/") ? path.slice(1) : undefined;
  if (relative === undefined) return false;
  const file = normalize(join(directory, relative));
  if (!file.startsWith(directory + sep)) return false;
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (relative !== "index.html") return false;
    response.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
    response.end(`The web UI is not built (no ${file}). Run \`npm run build\` in Tessera's repository; the GraphQL API is at /graphql.\n`);
    return true;
  }
  response.writeHead(200, {
    "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    "cache-control": relative === "index.html" ? "no-cache" : "public, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
  });
  if (request.method === "HEAD") response.end();
  else createReadStream(file).pipe(response);
  return true;
}
