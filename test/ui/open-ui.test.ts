// openUi, the browser tests' shared start: when `tessera dev` cannot start, Chromium (launched beside it) is closed too.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openUi } from "../support/browser.js";

const home = mkdtempSync(join(tmpdir(), "tessera-ui-open-"));

afterAll(() => rmSync(home, { recursive: true, force: true }));

// Chromium is launched as a child of this worker; `ps` lists the worker's children by name.
const chromiumChildren = (): number => {
  try {
    const names = execFileSync("ps", ["-o", "comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
    return names.split("\n").filter((name) => /chrom/i.test(name)).length;
  } catch {
    return 0; // ps exits 1 when the worker has no children at all
  }
};

describe("openUi", () => {
  it("throws tessera dev's error and leaves no Chromium behind when dev cannot start", { timeout: 60_000 }, async () => {
    const defs = join(home, "defs.ts");
    writeFileSync(defs, "export default {};\n");
    await expect(openUi(home, home, ["-m", defs, "--no-such-option"])).rejects.toThrow(/tessera dev exited/);
    await expect.poll(chromiumChildren, { timeout: 30_000 }).toBe(0);
  });
});
