// The shell's controls in the header: dark mode (remembered, the system's preference by default), the keyboard
// shortcuts (`?` lists them, `g` then a letter goes to a page), and a search over assets, runs and pages (⌘K, Ctrl+K, `/`).
import { useEffect, useRef, useState } from "react";
import { gql, keyString, type AssetKeyData } from "../api.js";

const THEME_KEY = "tessera-theme";
type Theme = "light" | "dark";

function initialTheme(): Theme {
  const stored = localStorage.getItem(THEME_KEY);
  if (stored === "light" || stored === "dark") return stored;
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Pages by shortcut letter (after `g`), also offered by the search. */
export const GO_TO: readonly { key: string; path: string; label: string }[] = [
  { key: "l", path: "/lineage", label: "Lineage" },
  { key: "a", path: "/assets", label: "Assets" },
  { key: "r", path: "/runs", label: "Runs" },
  { key: "p", path: "/launchpad", label: "Launchpad" },
  { key: "o", path: "/automation", label: "Automation" },
  { key: "b", path: "/backfills", label: "Backfills" },
  { key: "d", path: "/deployment", label: "Deployment" },
];

const SHORTCUTS: readonly [string, string][] = [
  ["?", "Show these shortcuts"],
  ["⌘K, Ctrl+K or /", "Search assets, runs and pages"],
  ...GO_TO.map(({ key, label }): [string, string] => [`g then ${key}`, `Go to ${label}`]),
  ["t", "Switch dark mode"],
  ["Esc", "Close a dialog"],
  ["Arrow keys", "Move between assets on the lineage"],
];

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");

interface Result {
  kind: "page" | "asset" | "run";
  label: string;
  href: string;
  detail?: string;
}

const SEARCH_ASSETS = `query ShellSearchAssets { assetNodes { key { path } groupName } }`;
const SEARCH_RUNS = `query ShellSearchRuns { runs(limit: 200) { runs { runId status jobName } } }`;

function Search({ onClose }: { onClose: () => void }) {
  const [text, setText] = useState("");
  const [assets, setAssets] = useState<{ key: AssetKeyData; groupName: string | null }[]>([]);
  const [runs, setRuns] = useState<{ runId: string; status: string; jobName: string }[]>([]);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    // One read per opening: the search answers from it while typing, whatever the number of assets.
    gql<{ assetNodes: { key: AssetKeyData; groupName: string | null }[] }>(SEARCH_ASSETS).then((d) => setAssets(d.assetNodes), () => undefined);
    gql<{ runs: { runs: { runId: string; status: string; jobName: string }[] } }>(SEARCH_RUNS).then((d) => setRuns(d.runs.runs), () => undefined);
  }, []);

  const needle = text.trim().toLowerCase();
  const results: Result[] = [];
  for (const page of GO_TO) if (page.label.toLowerCase().includes(needle)) results.push({ kind: "page", label: page.label, href: `#${page.path}` });
  for (const asset of assets) {
    if (results.length >= 60) break;
    const key = keyString(asset.key);
    if (needle === "" || key.toLowerCase().includes(needle)) results.push({ kind: "asset", label: key, href: `#/assets/${asset.key.path.map(encodeURIComponent).join("/")}`, detail: asset.groupName ?? undefined });
  }
  for (const run of runs) {
    if (results.length >= 80) break;
    if (needle !== "" && (run.runId.startsWith(needle) || run.jobName.toLowerCase().includes(needle))) {
      results.push({ kind: "run", label: `Run ${run.runId.slice(0, 8)}`, href: `#/runs/${run.runId}`, detail: `${run.jobName} ${run.status}` });
    }
  }
  const current = Math.min(active, Math.max(0, results.length - 1));
  const go = (result: Result | undefined) => {
    if (!result) return;
    window.location.hash = result.href;
    onClose();
  };

  return (
    <div className="overlay" onMouseDown={onClose}>
      <div role="dialog" aria-modal="true" aria-label="Search" className="dialog search" onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={input}
          role="combobox"
          aria-expanded="true"
          aria-controls="search-results"
          aria-activedescendant={results.length ? `search-result-${current}` : undefined}
          aria-label="Search assets, runs and pages"
          placeholder="Search assets, runs and pages"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") (e.preventDefault(), setActive(Math.min(current + 1, results.length - 1)));
            else if (e.key === "ArrowUp") (e.preventDefault(), setActive(Math.max(current - 1, 0)));
            else if (e.key === "Enter") go(results[current]);
            else if (e.key === "Escape") onClose();
          }}
        />
        <ul role="listbox" id="search-results" aria-label="Results">
          {results.map((result, i) => (
            <li
              key={`${result.kind}:${result.href}`}
              id={`search-result-${i}`}
              role="option"
              aria-selected={i === current}
              onMouseEnter={() => setActive(i)}
              onClick={() => go(result)}
            >
              <span className="search-kind">{result.kind}</span> {result.label} {result.detail && <span className="hint">{result.detail}</span>}
            </li>
          ))}
          {results.length === 0 && <li role="option" aria-selected="false" aria-disabled="true">Nothing matches "{text}".</li>}
        </ul>
      </div>
    </div>
  );
}

function Shortcuts({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="overlay" onMouseDown={onClose}>
      <div role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" className="dialog" onMouseDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === "Escape" && onClose()}>
        <h2>Keyboard shortcuts</h2>
        <table className="ops-table">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <td>
                  <kbd>{keys}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button ref={close} type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

export function ShellControls() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [dialog, setDialog] = useState<"search" | "shortcuts" | undefined>();
  const pendingG = useRef(false);

  useEffect(() => {
    document.documentElement.dataset["theme"] = theme;
  }, [theme]);
  const toggleTheme = () =>
    setTheme((current) => {
      const next = current === "dark" ? "light" : "dark";
      localStorage.setItem(THEME_KEY, next);
      return next;
    });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setDialog("search");
        return;
      }
      if (e.key === "Escape") return setDialog(undefined);
      if (typing(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      if (pendingG.current) {
        pendingG.current = false;
        const target = GO_TO.find((g) => g.key === e.key);
        if (target) window.location.hash = `#${target.path}`;
        return;
      }
      if (e.key === "?") setDialog("shortcuts");
      else if (e.key === "/") {
        e.preventDefault();
        setDialog("search");
      } else if (e.key === "g") pendingG.current = true;
      else if (e.key === "t") toggleTheme();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="shell-controls">
      <button type="button" onClick={() => setDialog("search")} aria-label="Search" title="Search (⌘K or /)">
        Search <kbd>⌘K</kbd>
      </button>
      <button type="button" aria-pressed={theme === "dark"} onClick={toggleTheme} title="Dark mode (t)">
        Dark mode
      </button>
      <button type="button" onClick={() => setDialog("shortcuts")} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
        ?
      </button>
      {dialog === "search" && <Search onClose={() => setDialog(undefined)} />}
      {dialog === "shortcuts" && <Shortcuts onClose={() => setDialog(undefined)} />}
    </div>
  );
}
