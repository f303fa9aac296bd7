// Fixture for load-assets.test.ts: a module of the package.
import { asset } from "../../../index.js";

export const customers = asset("customers", () => [{ id: 1, name: "Ada" }]);
