// The operations pages' routes (launchpad, automation, backfills, deployment), kept out of App.tsx's own list.
import type { ReactNode } from "react";
import { Automation } from "./pages/Automation.js";
import { Backfills } from "./pages/Backfills.js";
import { Deployment } from "./pages/Deployment.js";
import { Launchpad } from "./pages/Launchpad.js";
import { Runs } from "./pages/Runs.js";

export const OPS_PAGES = [
  { path: "/launchpad", label: "Launchpad" },
  { path: "/automation", label: "Automation" },
  { path: "/backfills", label: "Backfills" },
  { path: "/deployment", label: "Deployment" },
] as const;

/** The page for a hash path (query excluded), or undefined when it is none of these. */
export function opsPage(path: string): ReactNode | undefined {
  const [bare = ""] = path.split("?");
  // Keyed by the whole address: a link to another selection opens a fresh launchpad, not the one on screen.
  if (bare === "/launchpad") return <Launchpad key={path} />;
  if (bare === "/automation") return <Automation />;
  if (bare === "/deployment") return <Deployment />;
  if (bare === "/backfills") return <Backfills />;
  const backfill = /^\/backfills\/([^/]+)$/.exec(bare);
  if (backfill) return <Backfills key={backfill[1]} backfillId={decodeURIComponent(backfill[1] as string)} />;
  // App matches #/runs exactly; with a query (its filter, shared) it lands here.
  if (bare === "/runs") return <Runs />;
  return undefined;
}
