// Fixture for load-assets.test.ts: a module in a subdirectory of the package, with an asset and its check.
import { AssetCheckResult, asset, assetCheck } from "../../../../index.js";
import { customers } from "../customers.js";

export const campaigns = asset({ name: "campaigns", ins: { customers } }, (_ctx, { customers }) => customers.map((c) => `Welcome, ${c.name}`));

export const campaignsAreAddressed = assetCheck({ asset: campaigns, name: "campaigns_are_addressed" }, (_ctx, { asset }) => new AssetCheckResult({ passed: asset.length > 0 }));
