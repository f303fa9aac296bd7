// Watching a code location's source files with node:fs, so that an edit reloads the location.
import { watch, type FSWatcher } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";

/** Directories never watched: dependencies, build output, and hidden folders (.git, the default instance home). */
const SKIPPED_DIRS = new Set(["node_modules", "dist", "build", "coverage"]);
/** Files whose change reloads a location: sources and JSON a module may import. */
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;

export interface SourceWatcher {
  close(): void;
}

/**
 * Calls `onChange` with the source files under `root` that changed, once no change has come for `debounceMs`. Watches each directory
 * non-recursively: Node 20's recursive watch on Linux walks node_modules too, and chokidar 6 needs Node 22. A
 * directory created later is picked up at the next `rescan()` (the workspace rescans on each reload). `exclude`
 * lists absolute directories to leave out (the instance's home, whose database changes on every event).
 */
export async function watchSourceFiles(
  root: string,
  onChange: (files: readonly string[]) => void,
  options: { debounceMs?: number; exclude?: readonly string[] } = {},
): Promise<SourceWatcher & { rescan(): Promise<void> }> {
  const debounceMs = options.debounceMs ?? 50;
  const exclude = new Set((options.exclude ?? []).map((d) => resolve(d)));
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  let closed = false;

  const fire = (file: string): void => {
    changed.add(file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const files = [...changed];
      changed = new Set();
      if (!closed) onChange(files);
    }, debounceMs);
  };

  const scan = async (dir: string): Promise<void> => {
    if (closed || exclude.has(dir)) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // removed meanwhile, or unreadable: nothing to watch
    }
    if (!watchers.has(dir)) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name !== null && SOURCE_FILE.test(name)) fire(join(dir, name));
        });
        watcher.on("error", () => {
          watcher.close();
          watchers.delete(dir);
        });
        watchers.set(dir, watcher);
      } catch {
        return;
      }
    }
    const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith(".") && !SKIPPED_DIRS.has(e.name));
    await Promise.all(subdirs.map((e) => scan(join(dir, e.name))));
  };

  await scan(resolve(root));
  return {
    rescan: () => scan(resolve(root)),
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
