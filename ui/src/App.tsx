// The shell: a header with the pages, and the page the location's hash names (#/lineage, #/runs, ...).
import { useEffect, useState } from "react";
import { Lineage } from "./pages/Lineage.js";
import { Run } from "./pages/Run.js";
import { Runs } from "./pages/Runs.js";
import { assetRoute } from "./pages/asset-routes.js";
import { OPS_PAGES, opsPage } from "./ops-routes.js";
import { ShellControls } from "./shell/ShellControls.js";
import "./shell-ops.css";

const PAGES = [
  { path: "/lineage", label: "Lineage" },
  { path: "/assets", label: "Assets" },
  { path: "/runs", label: "Runs" },
  ...OPS_PAGES,
] as const;

function page(path: string) {
  // Keyed by the address: a link to another selection or collapse opens a fresh lineage.
  if (path.startsWith("/lineage")) return <Lineage key={path} />;
  const assetPage = assetRoute(path);
  if (assetPage) return assetPage;
  const run = /^\/runs\/([^/?]+)(?:\?.*)?$/.exec(path);
  if (run) return <Run key={run[1]} runId={decodeURIComponent(run[1] as string)} />;
  if (path === "/runs") return <Runs />;
  const ops = opsPage(path);
  if (ops) return ops;
  return <p role="alert">No page at {path}.</p>;
}

function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, "");
  return hash === "" ? "/lineage" : hash;
}

export function App() {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const onHash = () => setPath(currentPath());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">Tessera</span>
        <nav aria-label="Pages">
          {PAGES.map((entry) => (
            <a key={entry.path} href={`#${entry.path}`} aria-current={path.startsWith(entry.path) ? "page" : undefined}>
              {entry.label}
            </a>
          ))}
        </nav>
        <ShellControls />
      </header>
      <main className="app-main">{page(path)}</main>
    </div>
  );
}
