import { describe, expect, it } from "vitest";
import {
  AssetCheckResult,
  AssetCheckSpec,
  AssetSelection,
  AutomationCondition,
  AutomationConditionSensorDefinition,
  Instance,
  ManualClock,
  asset,
  assetCheck,
} from "../index.js";
import { Definitions } from "../code-location/index.js";
import { InvalidAutomationConditionError } from "../definitions/index.js";
import { AutomationConditionReferenceError } from "./condition-references.js";

const a = asset({ name: "A", checkSpecs: [new AssetCheckSpec("valid", { asset: "A" })] }, () => 1);
const withCondition = (condition: AutomationCondition) => asset({ name: "B", deps: [a], automationCondition: condition }, () => 2);

describe("bad input: conditions referring to checks or assets that do not exist", () => {
  it("a selection naming a check that does not exist is a typed error naming the asset and the check", () => {
    const b = withCondition(AutomationCondition.anyDepsUpdated().allow(AssetSelection.checks({ assetKey: "A", name: "vlaid" })));
    expect(() => new Definitions({ assets: [a, b] })).toThrow(AutomationConditionReferenceError);
    expect(() => new Definitions({ assets: [a, b] })).toThrow(/automationCondition of asset "B" allows .*"A:vlaid"/);
  });

  it("checks operators on an asset with no checks name the asset and how to add one", () => {
    const b = withCondition(AutomationCondition.eager().and(AutomationCondition.allChecksMatch(AutomationCondition.checkPassed())));
    expect(() => new Definitions({ assets: [a, b] })).toThrow(/asset "B" uses allChecksMatch, but "B" has no asset checks\. Define one with assetCheck\(\{ asset: "B" \}\)/);
  });

  it("blocking-only checks operators need a blocking check", () => {
    const c = asset({ name: "C", automationCondition: AutomationCondition.anyChecksMatch(AutomationCondition.checkFailed(), { blockingOnly: true }) }, () => 3);
    const nonBlocking = assetCheck({ asset: "C", name: "rows" }, () => new AssetCheckResult({ passed: true }));
    expect(() => new Definitions({ assets: [c], assetChecks: [nonBlocking] })).toThrow(/has no blocking asset checks/);
    const blocking = assetCheck({ asset: "C", name: "rows", blocking: true }, () => new AssetCheckResult({ passed: true }));
    expect(() => new Definitions({ assets: [c], assetChecks: [blocking] })).not.toThrow();
  });

  it("checks operators on deps are fine when deps have no checks (the reference's allDepsBlockingChecksPassed)", () => {
    const plain = asset({ name: "P" }, () => 1);
    const d = asset({ name: "D", deps: [plain], automationCondition: AutomationCondition.eager().and(AutomationCondition.allDepsBlockingChecksPassed()) }, () => 2);
    expect(() => new Definitions({ assets: [plain, d] })).not.toThrow();
  });

  it("an automationCondition that is not an AutomationCondition is refused, naming the asset", () => {
    expect(() => asset({ name: "X", automationCondition: { kind: "eager" } as never }, () => 1)).toThrow(/automationCondition of asset "X" must be an AutomationCondition/);
  });

  it("checkPassed() outside a checks operator says how to wrap it", () => {
    const b = withCondition(AutomationCondition.checkPassed());
    expect(() => new Definitions({ assets: [a, b] })).toThrow(/asset "B" uses checkPassed\(\) outside anyChecksMatch\/allChecksMatch.*anyChecksMatch\(AutomationCondition\.checkPassed\(\)\)/);
  });

  it("assetMatches on an unknown asset names it", () => {
    const b = withCondition(AutomationCondition.assetMatches("Z", AutomationCondition.missing()));
    expect(() => new Definitions({ assets: [a, b] })).toThrow(/asset "B" uses assetMatches\("Z"\), but no asset "Z" is defined/);
  });

  it("an automation sensor's defaultCondition is checked on each asset it covers", async () => {
    const plain = asset({ name: "P" }, () => 1);
    const defs = new Definitions({ assets: [plain] });
    const s = new AutomationConditionSensorDefinition({ name: "auto", target: "*", defaultCondition: AutomationCondition.checkFailed() });
    await expect(s.evaluate({ defs, instance: Instance.ephemeral({ clock: new ManualClock(0) }) })).rejects.toThrow(/asset "P" uses checkFailed\(\)/);
  });
});

describe("bad input: invalid cron strings and timezones", () => {
  it("onCron and cronTickPassed name the bad cron string", () => {
    expect(() => AutomationCondition.onCron("0 25 * * *")).toThrow(InvalidAutomationConditionError);
    expect(() => AutomationCondition.onCron("0 25 * * *")).toThrow(/"0 25 \* \* \*"/);
    expect(() => AutomationCondition.cronTickPassed("every day")).toThrow(/"every day"/);
  });

  it("onCron and cronTickPassed name the bad timezone", () => {
    expect(() => AutomationCondition.onCron("0 9 * * *", "Europe/Berlinn")).toThrow(/Europe\/Berlinn/);
    expect(() => AutomationCondition.cronTickPassed("0 9 * * *", "Mars/Olympus")).toThrow(InvalidAutomationConditionError);
    expect(() => AutomationCondition.allDepsUpdatedSinceCron("0 9 * * *", "UTC+25")).toThrow(InvalidAutomationConditionError);
  });
});
