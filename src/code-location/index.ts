// The composition layer: the public Definitions and the functions that build one from assets and run it.
export { Definitions } from "./definitions.js";
export { materialize, observe, type MaterializeOptions, type ObserveOptions } from "./materialize.js";
export {
  LOCATION_SNAPSHOT_VERSION,
  snapshotDefinitions,
  type AssetNodeSnapshot,
  type CheckSnapshot,
  type JobSnapshot,
  type LocationSnapshot,
  type ScheduleSnapshot,
  type SensorSnapshot,
} from "./location-snapshot.js";
export { operationErrorOf, runLocationOperation } from "./location-operations.js";
export { InProcessWorkspace, type InProcessLocation, type InProcessWorkspaceOptions } from "./in-process-workspace.js";
export type {
  LocationEntry,
  LocationEvent,
  LocationOperationName,
  LocationOperations,
  LocationStatus,
  OperationError,
  OperationResult,
  PartitionRangeInput,
  WorkspaceView,
} from "./workspace-view.js";
