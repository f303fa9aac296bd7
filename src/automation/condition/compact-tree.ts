// An asset's evaluated tree kept as numbers, and turned back into ConditionResult objects when it is read.
import type { AutomationCondition } from "../../definitions/index.js";
import type { ConditionResult } from "./context.js";
import { EntitySubset } from "./subset.js";

/**
 * A tree in pre-order, two numbers a node (its asset; its children's count and the flags below), and beside them
 * what numbers cannot say (partitioned subsets, metadata, times, conditions other than the expected child), in the
 * order the nodes need them. A tick keeps every asset's tree in its memo: held as ~46 objects and ~20 arrays each,
 * the trees of the assets a tick re-evaluates survived into the old generation, and copying and marking them was
 * close to half of such a tick's time. As two arrays they are a few objects a tree.
 */
export interface CompactTree {
  readonly codes: readonly number[];
  readonly refs: readonly unknown[] | undefined;
}

// A subset that is an unpartitioned asset's (one cached instance per node and value): its value as a bit.
const CANDIDATE_TRUE = 1;
const TRUE_TRUE = 2;
// Anything else: the object itself in `refs`.
const CANDIDATE_REF = 4;
const TRUE_REF = 8;
const HAS_METADATA = 16;
const HAS_TIME = 32;
const CONDITION_REF = 64;
const FLAG_BITS = 7;

/** The condition a child is expected to have: the one child of deps, checks, not, newly_true; otherwise the i-th. */
function expectedChild(parent: AutomationCondition, i: number): AutomationCondition | undefined {
  const children = parent.children;
  return children.length === 1 ? children[0] : children[i];
}

/** The compact form of `result`, with the assets it looked at (sorted, without repeats) and whether it read a one-tick fact. */
export function compactTree(result: ConditionResult, root: AutomationCondition): { tree: CompactTree; touched: number[]; volatile: boolean } {
  const state = STATE;
  state.length = 0;
  state.refs = undefined;
  state.touched = [];
  state.seen = undefined;
  state.volatile = false;
  encode(result, root, state);
  // Copied from the scratch array at its size: pushing onto a new array grew it a few times a tree.
  const codes = state.codes.slice(0, state.length);
  const touched = state.touched;
  // Insertion sort: a handful of entries, where Array.prototype.sort's set-up allocates more than it sorts.
  for (let i = 1; i < touched.length; i++) {
    const v = touched[i] as number;
    let j = i - 1;
    while (j >= 0 && (touched[j] as number) > v) {
      touched[j + 1] = touched[j] as number;
      j--;
    }
    touched[j + 1] = v;
  }
  return { tree: { codes, refs: state.refs }, touched, volatile: state.volatile };
}

interface EncodeState {
  /** Scratch, reused by every tree: `length` numbers of it are this tree's. */
  readonly codes: number[];
  length: number;
  refs: unknown[] | undefined;
  touched: number[];
  seen: Set<number> | undefined;
  volatile: boolean;
}

const STATE: EncodeState = { codes: [], length: 0, refs: undefined, touched: [], seen: undefined, volatile: false };

function encode(r: ConditionResult, expected: AutomationCondition | undefined, state: EncodeState): void {
  const node = r.node;
  const touched = state.touched;
  if (state.seen ? !state.seen.has(node) : !touched.includes(node)) {
    touched.push(node);
    if (state.seen) state.seen.add(node);
    else if (touched.length > 32) state.seen = new Set(touched);
  }
  const condition = r.condition;
  const kind = condition.kind;
  if (kind === "cron_tick_passed" || (isOneTickOperand(kind) && !r.trueSubset.isEmpty)) state.volatile = true;
  const children = r.children;
  let flags = 0;
  const candidate = r.candidateSubset;
  if (candidate.node === node && typeof candidate.value === "boolean") flags |= candidate.value ? CANDIDATE_TRUE : 0;
  else flags |= CANDIDATE_REF;
  const trueSubset = r.trueSubset;
  if (trueSubset.node === node && typeof trueSubset.value === "boolean") flags |= trueSubset.value ? TRUE_TRUE : 0;
  else flags |= TRUE_REF;
  if (r.metadata !== undefined) flags |= HAS_METADATA;
  if (r.timeOf !== undefined) flags |= HAS_TIME;
  if (condition !== expected) flags |= CONDITION_REF;
  const at = state.length;
  state.codes[at] = node;
  state.codes[at + 1] = children.length * (1 << FLAG_BITS) + flags;
  state.length = at + 2;
  if (flags & (CANDIDATE_REF | TRUE_REF | HAS_METADATA | HAS_TIME | CONDITION_REF)) {
    const refs = (state.refs ??= []);
    if (flags & CANDIDATE_REF) refs.push(candidate);
    if (flags & TRUE_REF) refs.push(trueSubset);
    if (flags & HAS_METADATA) refs.push(r.metadata);
    if (flags & HAS_TIME) refs.push(r.timeOf);
    if (flags & CONDITION_REF) refs.push(condition);
  }
  for (let i = 0; i < children.length; i++) encode(children[i] as ConditionResult, expectedChild(condition, i), state);
}

// Operands true at one evaluation only: they read the updates since the previous one. Compared one by one, as this
// runs for every node of every re-evaluated tree.
function isOneTickOperand(kind: string): boolean {
  return kind === "newly_updated" || kind === "data_version_changed" || kind === "any_new_update_has_run_tags" || kind === "all_new_updates_have_run_tags";
}

// Leaves share one empty children array (never mutated: results are read-only).
const NO_CHILDREN: readonly ConditionResult[] = Object.freeze([]);

/** The tree `compactTree` was given, as new objects with the same keys, in the same order, and the same subsets. */
export function expandTree(tree: CompactTree, root: AutomationCondition): ConditionResult {
  return decode(tree, root, { code: 0, ref: 0 });
}

function decode(tree: CompactTree, expected: AutomationCondition | undefined, at: { code: number; ref: number }): ConditionResult {
  const { codes, refs } = tree;
  const node = codes[at.code] as number;
  const word = codes[at.code + 1] as number;
  at.code += 2;
  const flags = word % (1 << FLAG_BITS);
  const count = Math.floor(word / (1 << FLAG_BITS));
  const candidateSubset = flags & CANDIDATE_REF ? (refs?.[at.ref++] as EntitySubset) : EntitySubset.of(node, (flags & CANDIDATE_TRUE) !== 0);
  const trueSubset = flags & TRUE_REF ? (refs?.[at.ref++] as EntitySubset) : EntitySubset.of(node, (flags & TRUE_TRUE) !== 0);
  const metadata = flags & HAS_METADATA ? (refs?.[at.ref++] as ConditionResult["metadata"]) : undefined;
  const timeOf = flags & HAS_TIME ? (refs?.[at.ref++] as ConditionResult["timeOf"]) : undefined;
  const condition = flags & CONDITION_REF ? (refs?.[at.ref++] as AutomationCondition) : (expected as AutomationCondition);
  let children: readonly ConditionResult[] = NO_CHILDREN;
  if (count > 0) {
    const made = new Array<ConditionResult>(count);
    for (let i = 0; i < count; i++) made[i] = decode(tree, expectedChild(condition, i), at);
    children = made;
  }
  // The keys in the order the operators write them: a time (operands, deps) before metadata (since, downstream).
  if (timeOf === undefined && metadata === undefined) return { condition, node, candidateSubset, trueSubset, children };
  if (metadata === undefined) return { condition, node, candidateSubset, trueSubset, children, timeOf };
  if (timeOf === undefined) return { condition, node, candidateSubset, trueSubset, children, metadata };
  return { condition, node, candidateSubset, trueSubset, children, timeOf, metadata };
}
