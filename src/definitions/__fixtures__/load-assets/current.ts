// Fixture for load-assets.test.ts: a module that loads its own assets, at its top level through its namespace and later through import.meta.
import { asset, loadAssetsFromCurrentModule, loadAssetsFromModules } from "../../index.js";
import * as self from "./current.js";

export const early = asset("early", () => 1);

/** Loaded while this module evaluates: sees `early`, defined above, but not `late`, not initialized yet. */
export const loadedAtTopLevel = loadAssetsFromModules([self]);

export const late = asset({ name: "late", deps: [early] }, () => 2);

/** Called after this module has been evaluated, it sees every export. */
export const loadLater = () => loadAssetsFromCurrentModule(import.meta, { keyPrefix: "current" });
