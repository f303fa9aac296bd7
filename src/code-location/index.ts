// The composition layer: the public Definitions and the functions that build one from assets and run it.
export { Definitions } from "./definitions.js";
export { materialize, observe, type MaterializeOptions, type ObserveOptions } from "./materialize.js";
