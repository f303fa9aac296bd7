// An asset's automation: the evaluated condition tree of each tick, why that tick did or did not request a run, and
// what changed since the tick before it.
import { useState } from "react";

export interface TreeNode {
  label: string;
  name: string;
  description: string;
  uniqueId: string;
  assetKey: string;
  partitioned: boolean;
  numTrue: number;
  numCandidates: number;
  isTrue: boolean;
  truePartitions?: { start: string; end: string }[];
  children: TreeNode[];
}

export interface Evaluation {
  evaluationId: number;
  timestamp: number;
  sensorName: string;
  numRequested: number;
  tree: TreeNode | null;
}

const kindOf = (node: TreeNode) => node.name.split("(")[0]?.trim().toUpperCase() ?? "";

/**
 * The nodes that decided the root's value, in words: for a false AND its false children, for a false OR every
 * child, for NOT its child; followed down while the same reasoning applies, so the answer names leaves.
 */
export function reasons(node: TreeNode, depth = 0): string[] {
  const kind = kindOf(node);
  // An AND evaluates each child only where the children before it held, so its first false child decides.
  const firstFalse = node.children.find((c) => !c.isTrue);
  const deciding =
    kind === "AND" || kind === "ALL_OF"
      ? node.isTrue
        ? node.children
        : firstFalse
          ? [firstFalse]
          : []
      : kind === "OR" || kind === "ANY_OF"
        ? node.children.filter((c) => c.isTrue === node.isTrue)
        : kind === "NOT"
          ? node.children
          : // SINCE is false while its trigger has not been true since the last reset: the trigger explains it when false.
            kind === "SINCE" && !node.isTrue && node.children[0] && !node.children[0].isTrue
            ? [node.children[0]]
            : [];
  if (deciding.length === 0 || depth > 6) return [`${node.label} is ${truth(node)} (${node.description})`];
  return deciding.flatMap((child) => reasons(child, depth + 1));
}

const truth = (node: TreeNode) => (node.partitioned ? `true for ${node.numTrue} of ${node.numCandidates}` : node.isTrue ? "true" : "false");

function flatten(node: TreeNode | null, out = new Map<string, TreeNode>()): Map<string, TreeNode> {
  if (!node) return out;
  out.set(node.uniqueId, node);
  for (const child of node.children) flatten(child, out);
  return out;
}

/** What differs between two ticks' trees: nodes whose truth changed, appeared or disappeared. */
export function diffTrees(previous: TreeNode | null, current: TreeNode | null): string[] {
  const before = flatten(previous);
  const after = flatten(current);
  const out: string[] = [];
  for (const [id, node] of after) {
    const old = before.get(id);
    if (!old) out.push(`${node.label}: new in this tick (${truth(node)})`);
    else if (old.isTrue !== node.isTrue || old.numTrue !== node.numTrue) out.push(`${node.label}: ${truth(old)} → ${truth(node)}`);
  }
  for (const [id, node] of before) if (!after.has(id)) out.push(`${node.label}: no longer evaluated`);
  return out;
}

function Tree(props: { node: TreeNode }) {
  const { node } = props;
  return (
    <li>
      <span className={node.isTrue ? "cond-true" : "cond-false"}>{node.isTrue ? "✓" : "✗"}</span> <strong>{node.label}</strong>{" "}
      <span className="muted">
        {node.label !== node.name ? `${node.name} · ` : ""}
        {node.description}
        {node.partitioned ? ` · ${node.numTrue}/${node.numCandidates} partitions` : ""}
        {node.assetKey ? ` · on ${node.assetKey}` : ""}
      </span>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <Tree key={child.uniqueId} node={child} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function AutomationView(props: { label: string | null; evaluations: readonly Evaluation[] }) {
  const { evaluations } = props;
  const [chosen, setChosen] = useState(0);
  if (evaluations.length === 0) {
    return <p className="muted">{props.label ? `Condition ${props.label}: not evaluated yet (the daemon's automation sensor evaluates it).` : "No automation condition."}</p>;
  }
  const current = evaluations[Math.min(chosen, evaluations.length - 1)] as Evaluation;
  const previous = evaluations[Math.min(chosen, evaluations.length - 1) + 1];
  const why = current.tree ? reasons(current.tree) : [];
  const diff = previous ? diffTrees(previous.tree, current.tree) : [];
  return (
    <div className="automation">
      <label>
        Tick{" "}
        <select aria-label="Evaluation tick" value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
          {evaluations.map((e, i) => (
            <option key={e.evaluationId} value={i}>
              #{e.evaluationId} · {new Date(e.timestamp).toLocaleString()} · {e.numRequested > 0 ? `requested ${e.numRequested}` : "not requested"}
            </option>
          ))}
        </select>
      </label>
      <section aria-label="Why">
        <h3>{current.numRequested > 0 ? `Requested ${current.numRequested} run target(s) because` : "Not requested because"}</h3>
        <ul>
          {why.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      </section>
      <section aria-label="Condition tree">
        <h3>Condition tree</h3>
        {current.tree ? (
          <ul className="cond-tree">
            <Tree node={current.tree} />
          </ul>
        ) : (
          <p className="muted">This evaluation stored no tree.</p>
        )}
      </section>
      <section aria-label="Changes since the previous tick">
        <h3>Since the previous tick</h3>
        {!previous ? <p className="muted">First recorded tick.</p> : diff.length === 0 ? <p className="muted">No condition changed.</p> : (
          <ul>
            {diff.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
