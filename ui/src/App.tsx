// The shell: a header with the pages, and the page the location's hash names (#/lineage, #/runs, ...).
import { useEffect, useState } from "react";
import { Lineage } from "./pages/Lineage.js";

const PAGES = [{ path: "/lineage", label: "Lineage" }] as const;

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
          {PAGES.map((page) => (
            <a key={page.path} href={`#${page.path}`} aria-current={path.startsWith(page.path) ? "page" : undefined}>
              {page.label}
            </a>
          ))}
        </nav>
      </header>
      <main className="app-main">{path.startsWith("/lineage") ? <Lineage /> : <p role="alert">No page at {path}.</p>}</main>
    </div>
  );
}
