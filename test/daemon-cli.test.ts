// `tessera daemon status`, `tessera daemon --once` and `tessera schedule|sensor start|stop`, in-process on a temporary home.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Daemon } from "../src/automation/daemon/index.js";
import { loadCodeLocation } from "../src/cli/load-code-location.js";
import { Instance } from "../src/instance/index.js";
import { tesseraInProcess as tessera } from "./support/cli.js";

const QUICKSTART = "examples/quickstart/defs.ts";
const SCHEDULE = "finance_report_every_morning";
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});


describe("tessera daemon's start-up summary", () => {
  it("says the default automation sensor is stopped and how to turn it on, and not once it is started", async () => {
    const home = mkdtempSync(join(tmpdir(), "tessera-daemon-cli-"));
    dirs.push(home);
    const defs = join(home, "defs.ts");
    const index = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    writeFileSync(
      defs,
      [
        `import { asset, AutomationCondition, Definitions } from ${JSON.stringify(index)};`,
        `const report = asset({ name: "report", automationCondition: AutomationCondition.onMissing() }, () => 1);`,
        `export const defs = new Definitions({ assets: [report] });`,
        ``,
      ].join("\n"),
    );
    const stopped = await tessera(["daemon", "--once", "-m", defs], home);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/automation: default_automation_condition_sensor STOPPED/);
    expect(stopped.stdout).toMatch(/default_automation_condition_sensor is stopped: .* turn it on with `tessera sensor start default_automation_condition_sensor`/);
    expect((await tessera(["sensor", "start", "default_automation_condition_sensor", "-m", defs], home)).code).toBe(0);
    const running = await tessera(["daemon", "--once", "-m", defs], home);
    expect(running.stdout).toMatch(/automation: default_automation_condition_sensor RUNNING/);
    expect(running.stdout).not.toMatch(/is stopped/);
  });
});

describe("tessera schedule|sensor start/stop and tessera daemon status", () => {
  it("stores the status the daemon follows, shows it in list and status, and names near matches for unknown names", async () => {
    const home = mkdtempSync(join(tmpdir(), "tessera-daemon-cli-"));
    dirs.push(home);

    const before = await tessera(["daemon", "status"], home);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/Daemon: none holds the lease/);
    expect(before.stdout).toMatch(/No schedule or sensor has state in this instance/);
    const withDefs = await tessera(["daemon", "status", "-m", QUICKSTART], home);
    expect(withDefs.stdout).toMatch(new RegExp(`${SCHEDULE}\\s+schedule\\s+STOPPED \\(default\\)`));
    expect(withDefs.stdout).toMatch(/new_shop_export\s+sensor\s+STOPPED \(default\)/);

    const started = await tessera(["schedule", "start", SCHEDULE, "-m", QUICKSTART], home);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(`Schedule ${SCHEDULE}: RUNNING`);
    expect(started.stdout).toMatch(/No daemon is running on this instance: start one with `tessera daemon -m <file>`/);
    const list = await tessera(["schedule", "list", "-m", QUICKSTART], home);
    expect(list.stdout).toMatch(new RegExp(`${SCHEDULE}\\s.*\\sRUNNING\\s`));

    const typo = await tessera(["schedule", "start", "finance_report_every_mornin", "-m", QUICKSTART], home);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(`No schedule named "finance_report_every_mornin" in the code location. Did you mean "${SCHEDULE}"?`);
    expect(typo.stderr).toMatch(/tessera schedule list/);

    expect((await tessera(["sensor", "start", "new_shop_export", "-m", QUICKSTART], home)).stdout).toMatch("Sensor new_shop_export: RUNNING");
    expect((await tessera(["sensor", "stop", "new_shop_export", "-m", QUICKSTART], home)).stdout).toMatch("Sensor new_shop_export: STOPPED");
    expect((await tessera(["sensor", "list", "-m", QUICKSTART], home)).stdout).toMatch(/new_shop_export\s+60s\s+STOPPED\s/);

    // A daemon holding the lease (in this process) shows in status with its loops.
    const instance = Instance.fromHome({ home });
    const defs = (await loadCodeLocation(QUICKSTART)).defs;
    const daemon = new Daemon({ instance, defs, holder: "test-daemon" });
    await daemon.runIteration();
    const status = await tessera(["daemon", "status", "-m", QUICKSTART], home);
    expect(status.stdout).toMatch(new RegExp(`Daemon: test-daemon \\(pid ${process.pid}, host .+\\), heartbeat \\d+ms ago`));
    expect(status.stdout).toMatch(/scheduler\s+last iteration/);
    expect(status.stdout).toMatch(new RegExp(`${SCHEDULE}\\s+schedule\\s+RUNNING\\s`));
    expect(status.stdout).toMatch(/new_shop_export\s+sensor\s+STOPPED\s/);

    // A second daemon on the same home waits and says who holds the lease.
    const once = await tessera(["daemon", "-m", QUICKSTART, "--once"], home);
    expect(once.stdout).toMatch(/schedules:\s+1 \(finance_report_every_morning\)/);
    expect(once.stdout).toMatch(/waiting: daemon test-daemon \(pid \d+, host .+\) holds the lease until/);
    expect(once.code).toBe(1);
    await daemon.close();
    await instance.close();
    expect((await tessera(["daemon", "status"], home)).stdout).toMatch(/Daemon: none holds the lease/);
  });

  it("has --help with examples on daemon, daemon status, and start/stop", async () => {
    const home = mkdtempSync(join(tmpdir(), "tessera-daemon-cli-"));
    dirs.push(home);
    for (const args of [["daemon"], ["daemon", "status"], ["schedule", "start"], ["sensor", "stop"]]) {
      const help = await tessera([...args, "--help"], home);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples:\n\s+\$ tessera /);
    }
  });
});

describe("tessera materialize --queue with tessera daemon", () => {
  it("queues a run without running it, and the daemon launches it in a child process that loads the code location", async () => {
    const home = mkdtempSync(join(tmpdir(), "tessera-daemon-queue-"));
    dirs.push(home);
    const queued = await tessera(["materialize", "-m", QUICKSTART, "--select", "raw_orders", "--queue"], home);
    expect(queued.code).toBe(0);
    const runId = /Queued run ([0-9a-f-]{36})/.exec(queued.stdout)?.[1] as string;
    expect(runId).toBeDefined();
    let instance = Instance.fromHome({ home });
    expect((await instance.getRunById(runId))?.status).toBe("QUEUED");
    await instance.close();

    const daemon = await tessera(["daemon", "--once", "-m", QUICKSTART], home);
    expect(daemon.code).toBe(0);
    expect(daemon.stdout).toMatch(/run queue: .* each in a child process/);
    expect(daemon.stdout).toMatch(/run queue: launched 1 run/);
    instance = Instance.fromHome({ home });
    try {
      const run = await instance.getRunById(runId);
      expect(run?.status).toBe("SUCCESS");
      const starts = (await instance.allLogs(runId)).filter((e) => e.eventType === "RUN_START");
      expect(starts).toHaveLength(1);
      expect(starts[0]?.data).toMatchObject({ stepKeys: ["raw_orders"] });
    } finally {
      await instance.close();
    }
  });
});
