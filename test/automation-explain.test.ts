// `tessera automation explain`, run in-process on a temporary home with evaluations stored as the daemon stores them.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { automationConditionSensorsOf, Instance, ManualClock, materialize, type Definitions } from "@tessera/core";
import { tesseraInProcess as tessera } from "./support/cli.js";
import { TempDirs, userProject } from "./support/user-project.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

const DEFS = userProject(
  dirs,
  [
    `import { asset, AutomationCondition, Definitions } from "@tessera/core";`,
    `export const raw = asset("raw", () => 1);`,
    `const report = asset({ name: "report", deps: [raw], automationCondition: AutomationCondition.eager() }, () => 2);`,
    `const manual = asset({ name: "manual", deps: [raw] }, () => 3);`,
    `export const defs = new Definitions({ assets: [raw, report, manual] });`,
    ``,
  ].join("\n"),
  "tessera-explain-",
);

const CHANGED = join(dirname(DEFS), "changed.ts");
writeFileSync(
  CHANGED,
  [
    `import { asset, AutomationCondition, Definitions } from "@tessera/core";`,
    `const raw = asset("raw", () => 1);`,
    `const report = asset({ name: "report", deps: [raw], automationCondition: AutomationCondition.onMissing() }, () => 2);`,
    `export const defs = new Definitions({ assets: [raw, report] });`,
    ``,
  ].join("\n"),
);

describe("tessera automation explain", () => {
  const home = dirs.make("tessera-home-");
  const START = Date.UTC(2026, 10, 2, 1, 5);

  beforeAll(async () => {
    const { defs, raw } = (await import(DEFS)) as { defs: Definitions; raw: Parameters<typeof materialize>[0][number] };
    const clock = new ManualClock(START);
    const instance = Instance.fromHome({ home, clock });
    const [sensor] = automationConditionSensorsOf(defs);
    const first = await sensor!.evaluate({ defs, instance });
    await instance.storage.addAutomationEvaluations(first.evaluations);
    await materialize([raw], { instance });
    clock.advance(30_000);
    const second = await sensor!.evaluate({ defs, instance, cursor: first.cursor });
    await instance.storage.addAutomationEvaluations(second.evaluations);
    // The daemon records a tick at every evaluation; say a third one left the trees unchanged (nothing stored).
    clock.advance(30_000);
    await instance.storage.addTick({ instigatorName: sensor!.name, instigatorType: "SENSOR", status: "SKIPPED", timestamp: clock.now(), runIds: [], runKeys: [], evaluationId: second.evaluationId + 1 });
    await instance.close();
  });

  it("prints the latest evaluation: when, by which sensor, what it requested, and the tree", async () => {
    const result = await tessera(["automation", "explain", "report", "-m", DEFS], home);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^report: evaluation 2 at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by sensor default_automation_condition_sensor$/);
    expect(lines[1]).toBe("Requested 1 run of it.");
    expect(result.stdout).toMatch(/^✓ Eager: .* \[eager: AND\] → true$/m);
    expect(result.stdout).toMatch(/^ {6}✓ Any deps updated \[any_deps_updated: ANY_DEPS_MATCH\] → true$/m);
    expect(result.stdout).toMatch(/^ {8}✓ Any of \[OR\] on raw → true$/m);
  });

  it("says when the code location's condition differs from the one evaluated", async () => {
    const same = await tessera(["automation", "explain", "report", "-m", DEFS], home);
    expect(same.stdout).not.toContain("differs");
    const changed = await tessera(["automation", "explain", "report", "-m", CHANGED], home);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain(`The condition of "report" in the code location differs from the one evaluated then`);
  });

  it("says when later ticks evaluated the asset the same way", async () => {
    const result = await tessera(["automation", "explain", "report"], home);
    expect(result.stdout).toMatch(/Unchanged through evaluation 3 \(.*\), the sensor's latest tick/);
  });

  it("prints a given evaluation with --evaluation", async () => {
    const result = await tessera(["automation", "explain", "report", "-m", DEFS, "--evaluation", "1"], home);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(/^report: evaluation 1 /);
    expect(result.stdout).toContain("Requested nothing.");
    expect(result.stdout).toMatch(/^✗ Eager: .* → false$/m);
  });

  it("prints the stored record with --json", async () => {
    const result = await tessera(["automation", "explain", "report", "--json"], home);
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record).toMatchObject({ assetKey: "report", evaluationId: 2, numRequested: 1, sensorName: "default_automation_condition_sensor" });
    expect(record.tree.label).toBe("eager");
  });

  it("says an unknown evaluation id is not stored, and which is the latest", async () => {
    const result = await tessera(["automation", "explain", "report", "--evaluation", "7"], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No evaluation 7 of "report" is stored; the latest is evaluation 2/);
  });

  it("says an asset without a condition is never evaluated, and how to give it one", async () => {
    const result = await tessera(["automation", "explain", "manual", "-m", DEFS], home);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/"manual" has no automation condition.*automationCondition: AutomationCondition\.eager\(\)/);
  });

  it("says when nothing is stored yet because the default automation sensor is stopped, and how to turn it on", async () => {
    const result = await tessera(["automation", "explain", "report", "-m", DEFS], dirs.make("tessera-empty-"));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/No automation evaluation of "report" is stored yet: sensor default_automation_condition_sensor, which evaluates it, is stopped\. Turn it on with `tessera sensor start default_automation_condition_sensor`/);
  });

  it("says when nothing is stored yet with the sensor running, and to run the daemon", async () => {
    const empty = dirs.make("tessera-empty-");
    expect((await tessera(["sensor", "start", "default_automation_condition_sensor", "-m", DEFS], empty)).code).toBe(0);
    const result = await tessera(["automation", "explain", "report", "-m", DEFS], empty);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/No automation evaluation of "report" is stored yet\. Run the daemon \(`tessera daemon`\)/);
  });

  it("names an unknown asset key with near matches", async () => {
    const result = await tessera(["automation", "explain", "reprot", "-m", DEFS], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Asset "reprot" is neither defined by the code location nor evaluated in this instance\. Did you mean "report"\?/);
  });
});
