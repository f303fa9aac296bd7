import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { watchSourceFiles } from "./watch-source-files.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "tessera-watch-"));
  dirs.push(dir);
  for (const sub of ["src/nested", "node_modules/pkg", ".tessera", "home"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "src", "nested", "assets.ts"), "export {};\n");
  return dir;
}

/** Resolves with the changes seen once `marker` (written last) has been reported: every earlier write has been seen by then. */
function changesUntil(changes: string[], marker: string): Promise<string[]> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (changes.includes(marker)) resolve(changes);
      else setTimeout(check, 10);
    };
    check();
  });
}

describe("watchSourceFiles", () => {
  it("reports an edit of a source file in a nested folder", async () => {
    const dir = project();
    const changes: string[] = [];
    const watcher = await watchSourceFiles(dir, (files) => changes.push(...files), { debounceMs: 5 });
    try {
      writeFileSync(join(dir, "src", "nested", "assets.ts"), "export const x = 1;\n");
      await changesUntil(changes, join(dir, "src", "nested", "assets.ts"));
    } finally {
      watcher.close();
    }
  });

  it("ignores node_modules, hidden folders, excluded folders and files that are not sources", async () => {
    const dir = project();
    const changes: string[] = [];
    const watcher = await watchSourceFiles(dir, (files) => changes.push(...files), { debounceMs: 5, exclude: [join(dir, "home")] });
    try {
      writeFileSync(join(dir, "node_modules", "pkg", "index.js"), "x\n");
      writeFileSync(join(dir, ".tessera", "settings.json"), "{}\n");
      writeFileSync(join(dir, "home", "state.json"), "{}\n");
      writeFileSync(join(dir, "tessera.db-wal"), "x\n");
      // Written last: once it is reported, any report of the writes above would have come before it.
      const marker = join(dir, "marker.ts");
      writeFileSync(marker, "export {};\n");
      expect(await changesUntil(changes, marker)).toEqual([marker]);
    } finally {
      watcher.close();
    }
  });

  it("watches a folder created after it started once rescanned", async () => {
    const dir = project();
    const changes: string[] = [];
    const watcher = await watchSourceFiles(dir, (files) => changes.push(...files), { debounceMs: 5 });
    try {
      mkdirSync(join(dir, "src", "later"));
      await watcher.rescan();
      writeFileSync(join(dir, "src", "later", "more.ts"), "export {};\n");
      await changesUntil(changes, join(dir, "src", "later", "more.ts"));
    } finally {
      watcher.close();
    }
  });
});
