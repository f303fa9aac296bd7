// Fixture for load-assets.test.ts: an asset that names its own group.
import { asset } from "../../index.js";

export const ledger = asset({ name: "ledger", groupName: "finance" }, () => ["opening balance"]);
