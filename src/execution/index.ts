export { AssetValueLoader, type LoadAssetValueOptions } from "./asset-value-loader.js";
export { ExecuteResult } from "./execute-result.js";
export { ASSET_JOB_NAME, executeRun, type ExecuteOptions } from "./execute-run.js";
export { FilesystemIOManager, type FilesystemIOManagerOptions } from "./io-managers/filesystem-io-manager.js";
export { InMemoryIOManager } from "./io-managers/in-memory-io-manager.js";
export { materialize, materializeDefinitions, observe, resolveSelection, type MaterializeOptions, type ObserveOptions, type SelectionLike } from "./materialize.js";
export { defaultIOManager } from "./default-io-manager.js";
export { ResolvedAssetJob, type JobExecuteOptions } from "./asset-job.js";
export { launchBackfill, type BackfillOptions } from "./backfill.js";
