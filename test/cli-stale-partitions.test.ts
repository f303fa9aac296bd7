// `tessera asset show` names the partitions a stale cause is about, and shows one partition's staleness with --partition.
import { afterAll, describe, expect, it } from "vitest";
import { tesseraInProcess as tessera } from "./support/cli.js";
import { TempDirs, userProject } from "./support/user-project.js";

const DEFS = `
import { Definitions, StaticPartitionsDefinition, asset } from "@tessera/core";
const regions = new StaticPartitionsDefinition(["eu", "us"]);
export const up = asset({ name: "up", partitionsDef: regions }, () => 1);
export const down = asset({ name: "down", partitionsDef: regions, deps: [up] }, () => 2);
export const plain = asset({ name: "plain" }, () => 3);
export const defs = new Definitions({ assets: [up, down, plain] });
`;

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

describe("tessera asset show and partition staleness", () => {
  it("prints the partition of the asset and of the dependency a cause is about; --json carries them", async () => {
    const module = userProject(dirs, DEFS);
    const home = dirs.make("tessera-home-");
    expect((await tessera(["materialize", "-m", module, "--select", "up, down", "--partition", "eu"], home)).code).toBe(0);
    expect((await tessera(["materialize", "-m", module, "--select", "up", "--partition", "eu"], home)).code).toBe(0);

    const shown = await tessera(["asset", "show", "down", "-m", module, "--partition", "eu"], home);
    expect(shown.stderr).toBe("");
    expect(shown.stdout).toMatch(/status \[eu\] +STALE/);
    expect(shown.stdout).toMatch(/because +down\[eu\] .*\(up\[eu\]\) \[data\]/);
    expect((await tessera(["asset", "show", "down", "-m", module, "--partition", "us"], home)).stdout).toMatch(/status \[us\] +MISSING/);

    const json = await tessera(["asset", "show", "down", "-m", module, "--partition", "eu", "--json"], home);
    const detail = JSON.parse(json.stdout) as { status: string; definition: { staleCauses: Record<string, unknown>[] } };
    expect(detail.status).toBe("STALE");
    expect(detail.definition.staleCauses).toEqual([expect.objectContaining({ key: "down", partitionKey: "eu", dependency: "up", dependencyPartitionKey: "eu", category: "DATA" })]);
  });

  it("refuses a partition the asset does not have, naming the asset and the fix", async () => {
    const module = userProject(dirs, DEFS);
    const home = dirs.make("tessera-home-");
    const unpartitioned = await tessera(["asset", "show", "plain", "-m", module, "--partition", "eu"], home);
    expect(unpartitioned.code).not.toBe(0);
    expect(unpartitioned.stderr).toMatch(/"plain" is not partitioned.*drop --partition/);
    const unknown = await tessera(["asset", "show", "down", "-m", module, "--partition", "apac"], home);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/"down" has no partition "apac"/);
  });
});
