// Fixture for load-assets.test.ts: the package module of a small package of assets.
export { customers } from "./customers.js";

export const packageLabel = "crm";
