// The files `tessera init` writes: a small project with a few assets, a check, a test and the project file. Kept
// here as strings so that the command needs neither the network nor files outside the package.

/** What the scaffold depends on besides @tessera/core: the versions this Tessera is built and tested with. */
export const SCAFFOLD_VERSIONS = {
  zod: "^4.6.7",
  typescript: "5.9.3",
  vitest: "~4.1.12",
  typesNode: "^20.19.0",
  node: ">=20.19",
} as const;

/** A package name npm accepts, made from the project's folder name. */
export function packageNameFor(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[._-]+/, "")
    .replace(/-+$/, "")
    .slice(0, 214);
  return name === "" ? "tessera-project" : name;
}

/** `^0.1.0` for Tessera 0.1.0: the range of @tessera/core the project depends on. */
export function coreRange(version: string): string {
  return /^\d+\.\d+\.\d+$/.test(version) ? `^${version}` : version;
}

export function packageJson(name: string, coreVersion: string): string {
  const manifest = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    description: "Data assets defined and materialized with Tessera",
    engines: { node: SCAFFOLD_VERSIONS.node },
    scripts: {
      test: "tsc --noEmit && vitest run",
      materialize: "tessera materialize --select '*'",
    },
    dependencies: {
      "@tessera/core": coreRange(coreVersion),
      zod: SCAFFOLD_VERSIONS.zod,
    },
    devDependencies: {
      "@types/node": SCAFFOLD_VERSIONS.typesNode,
      typescript: SCAFFOLD_VERSIONS.typescript,
      vitest: SCAFFOLD_VERSIONS.vitest,
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "exactOptionalPropertyTypes": true,
    "noImplicitOverride": true,
    "verbatimModuleSyntax": true,
    "isolatedModules": true,
    "skipLibCheck": true,
    "noEmit": true,
    "types": ["node"]
  },
  "include": ["src"]
}
`;

export const TESSERA_YAML = `# The Tessera project file: the code locations \`tessera\` commands load when run in this project
# (paths are relative to this file). Runs and materializations are recorded in the instance, ./.tessera
# by default; set $TESSERA_HOME or pass --home to keep them elsewhere.
locations:
  - module: src/defs.ts
`;

export const GITIGNORE = `node_modules/
# The Tessera instance: runs, events and stored asset values.
.tessera/
dist/
`;

export const DEFS_TS = `// The project's code location: \`npx tessera materialize --select '*'\` loads this module's \`defs\`
// (tessera.yaml names it). Three assets, from raw rows to a daily revenue figure, and a check on the cleaned data.
import { AssetCheckResult, Definitions, MaterializeResult, asset, assetCheck } from "@tessera/core";
import { z } from "zod";

/** One row of the shop's order export, as it arrives: every value is text. */
export interface RawOrderRow {
  order_id: string;
  customer_id: string;
  order_date: string;
  amount: string;
}

/** An order that can be trusted: amounts in cents, so that sums are exact. */
export interface Order {
  orderId: string;
  customerId: string;
  /** The order's day, \`YYYY-MM-DD\`. */
  orderDate: string;
  amountCents: number;
}

export interface DayRevenue {
  day: string;
  orders: number;
  revenueCents: number;
}

/**
 * The shop's order export. Here a few rows written inline; in your project, read them from a file, an API or a
 * database (put clients in resources, so that tests can swap them).
 */
export const rawOrders = asset(
  { name: "raw_orders", groupName: "orders", description: "Orders as exported by the shop, one row per order line" },
  (ctx): RawOrderRow[] => {
    const rows: RawOrderRow[] = [
      { order_id: "1001", customer_id: "c-17", order_date: "2025-03-03", amount: "42.50" },
      { order_id: "1002", customer_id: "c-04", order_date: "2025-03-03", amount: "19.99" },
      { order_id: "1002", customer_id: "c-04", order_date: "2025-03-03", amount: "19.99" },
      { order_id: "1003", customer_id: "c-23", order_date: "2025-03-04", amount: "" },
      { order_id: "1004", customer_id: "c-17", order_date: "2025-03-04", amount: "1,250.00" },
      { order_id: "1005", customer_id: "c-08", order_date: "2025-03-05", amount: "7.25" },
    ];
    ctx.log.info(\`Read \${rows.length} rows\`);
    return rows;
  },
);

/** What a usable row looks like; rows that do not parse are dropped and counted. */
const orderRow = z.object({
  order_id: z.string().trim().min(1),
  customer_id: z.string().trim().min(1),
  order_date: z.iso.date(),
  amount: z
    .string()
    .transform((s) => s.replace(/,/g, "").trim())
    .pipe(z.string().min(1))
    .transform(Number)
    .pipe(z.number().nonnegative()),
});

export const cleanOrders = asset(
  {
    name: "clean_orders",
    groupName: "orders",
    ins: { rawOrders },
    description: "Orders deduplicated by order id, with parsed amounts and dates; rows that cannot be trusted are dropped",
  },
  (ctx, { rawOrders }) => {
    const seen = new Set<string>();
    const orders: Order[] = [];
    let duplicates = 0;
    let invalid = 0;
    for (const row of rawOrders) {
      const parsed = orderRow.safeParse(row);
      if (!parsed.success) {
        invalid++;
        continue;
      }
      const { order_id, customer_id, order_date, amount } = parsed.data;
      if (seen.has(order_id)) {
        duplicates++;
        continue;
      }
      seen.add(order_id);
      orders.push({ orderId: order_id, customerId: customer_id, orderDate: order_date, amountCents: Math.round(amount * 100) });
    }
    if (duplicates + invalid > 0) ctx.log.warn(\`Dropped \${duplicates + invalid} of \${rawOrders.length} rows\`, { duplicates, invalid });
    return new MaterializeResult({
      value: orders,
      metadata: { rows_in: rawOrders.length, rows_out: orders.length, dropped_duplicates: duplicates, dropped_invalid: invalid },
    });
  },
);

export const dailyRevenue = asset(
  {
    name: "daily_revenue",
    groupName: "finance",
    ins: { cleanOrders },
    description: "Revenue and number of orders per day",
  },
  (_ctx, { cleanOrders }) => {
    const byDay = new Map<string, DayRevenue>();
    for (const order of cleanOrders) {
      const day = byDay.get(order.orderDate) ?? { day: order.orderDate, orders: 0, revenueCents: 0 };
      day.orders++;
      day.revenueCents += order.amountCents;
      byDay.set(order.orderDate, day);
    }
    const days = [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
    const totalCents = days.reduce((sum, d) => sum + d.revenueCents, 0);
    return new MaterializeResult({ value: days, metadata: { days: days.length, total_revenue: totalCents / 100 } });
  },
);

/** Duplicated order ids would count revenue twice: a blocking check stops everything downstream when it fails. */
export const uniqueOrderIds = assetCheck(
  { asset: cleanOrders, name: "unique_order_ids", blocking: true, description: "Every order id appears once" },
  (_ctx, { asset }) => {
    const ids = new Set(asset.map((o) => o.orderId));
    return new AssetCheckResult({ passed: ids.size === asset.length, metadata: { orders: asset.length, distinct_ids: ids.size } });
  },
);

export const defs = new Definitions({
  assets: [rawOrders, cleanOrders, dailyRevenue],
  assetChecks: [uniqueOrderIds],
});
`;

export const DEFS_TEST_TS = `// Runs the assets in this process against a throwaway instance: no files, no database left behind.
import { describe, expect, it } from "vitest";
import { Instance } from "@tessera/core";
import { defs, type DayRevenue, type Order } from "./defs.js";

describe("the order pipeline", () => {
  it("cleans the raw orders and sums revenue per day", async () => {
    const instance = Instance.ephemeral();
    try {
      const result = await defs.materialize("*", { instance });

      expect(result.success).toBe(true);
      expect(result.materializedKeys.map(String).sort()).toEqual(["clean_orders", "daily_revenue", "raw_orders"]);

      // The duplicate of order 1002 and order 1003, which has no amount, are dropped.
      const orders = result.assetValue<Order[]>("clean_orders");
      expect(orders.map((o) => o.orderId)).toEqual(["1001", "1002", "1004", "1005"]);
      expect(orders.find((o) => o.orderId === "1004")?.amountCents).toBe(125_000);

      expect(result.assetValue<DayRevenue[]>("daily_revenue")).toEqual([
        { day: "2025-03-03", orders: 2, revenueCents: 6_249 },
        { day: "2025-03-04", orders: 1, revenueCents: 125_000 },
        { day: "2025-03-05", orders: 1, revenueCents: 725 },
      ]);

      const checks = result.getAssetCheckEvaluations().map((e) => [\`\${e.assetKey}:\${e.checkName}\`, e.passed]);
      expect(checks).toEqual([["clean_orders:unique_order_ids", true]]);
    } finally {
      instance.close();
    }
  });
});
`;

export const README_MD = (name: string): string => `# ${name}

Data assets defined with [Tessera](https://www.npmjs.com/package/@tessera/core).

- \`src/defs.ts\`: the assets (\`raw_orders\` → \`clean_orders\` → \`daily_revenue\`) and a check on \`clean_orders\`.
- \`src/defs.test.ts\`: a test that materializes them in memory and checks the values.
- \`tessera.yaml\`: the project file; it tells \`tessera\` which code locations to load.

\`\`\`sh
npm install
npm test                                # type-check, then run the tests
npx tessera materialize --select '*'    # materialize every asset; runs are recorded in ./.tessera
npx tessera asset list                  # what was materialized, and when
\`\`\`

Set \`TESSERA_HOME\` (or pass \`--home <dir>\`) to record runs somewhere other than \`./.tessera\`.
`;

/** The files of a new project, by path relative to its root, in the order they are listed. */
export function scaffoldFiles(name: string, coreVersion: string): ReadonlyArray<readonly [path: string, content: string]> {
  return [
    ["package.json", packageJson(name, coreVersion)],
    ["tsconfig.json", TSCONFIG],
    ["tessera.yaml", TESSERA_YAML],
    [".gitignore", GITIGNORE],
    ["README.md", README_MD(name)],
    ["src/defs.ts", DEFS_TS],
    ["src/defs.test.ts", DEFS_TEST_TS],
  ];
}
