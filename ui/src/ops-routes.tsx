// The operations pages' routes (launchpad, automation, backfills, deployment), kept out of App.tsx's own list.
import type { ReactNode } from "react";
import { Launchpad } from "./pages/Launchpad.js";

export const OPS_PAGES = [{ path: "/launchpad", label: "Launchpad" }] as const;

/** The page for a hash path (query excluded), or undefined when it is none of these. */
export function opsPage(path: string): ReactNode | undefined {
  const [bare = ""] = path.split("?");
  if (bare === "/launchpad") return <Launchpad />;
  return undefined;
}
