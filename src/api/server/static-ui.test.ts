import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveUi } from "./static-ui.js";

const root = mkdtempSync(join(tmpdir(), "tessera-static-ui-"));
const ui = join(root, "ui");
mkdirSync(join(ui, "assets"), { recursive: true });
writeFileSync(join(ui, "index.html"), "<!doctype html><title>Tessera</title>");
writeFileSync(join(ui, "assets", "app-1234.js"), "console.log(1)");
writeFileSync(join(root, "secret.txt"), "not for the browser");

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (!serveUi(request, response, ui)) {
      response.writeHead(404);
      response.end("routed elsewhere");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe("serveUi", () => {
  it("serves index.html at / (not cached) and hashed assets (cached for good)", async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toMatch(/text\/html/);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(await index.text()).toContain("<title>Tessera</title>");
    const asset = await fetch(`${base}/assets/app-1234.js`);
    expect(asset.headers.get("content-type")).toMatch(/text\/javascript/);
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
  });

  it("leaves other paths to the caller, and never serves a file outside its folder", async () => {
    expect((await fetch(`${base}/graphql`)).status).toBe(404);
    for (const path of ["/assets/../../secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/assets/missing.js"]) {
      const response = await fetch(`${base}${path}`);
      expect({ path, status: response.status, body: await response.text() }).toEqual({ path, status: 404, body: "routed elsewhere" });
    }
  });

  it("says how to build the UI when it is not built", async () => {
    const empty = mkdtempSync(join(tmpdir(), "tessera-no-ui-"));
    const bare = createServer((request, response) => void serveUi(request, response, empty));
    await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
    const response = await fetch(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/web UI is not built.*npm run build.*\/graphql/s);
    await new Promise((resolve) => bare.close(resolve));
    rmSync(empty, { recursive: true, force: true });
  });
});
