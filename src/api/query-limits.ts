// Validation rules that refuse queries too deep or too large before any resolver runs.
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from "graphql";

/** Limits of one operation. */
export interface QueryLimits {
  /** Deepest nesting of fields. @default 15 */
  readonly maxDepth?: number;
  /** Most fields in one operation, fragments expanded (each spread counts its fields again). @default 2000 */
  readonly maxFields?: number;
}

/** A validation rule enforcing `limits`; the error says the limit and what the query has. */
export function queryLimitsRule(limits: QueryLimits = {}) {
  const maxDepth = limits.maxDepth ?? 15;
  const maxFields = limits.maxFields ?? 2000;
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    return {
      OperationDefinition(node) {
        let fields = 0;
        let deepest = 0;
        // Fragments are expanded without memo so that a fragment spread many times costs what it returns.
        const walk = (set: SelectionSetNode, depth: number, visiting: Set<string>): void => {
          if (fields > maxFields || deepest > maxDepth) return;
          for (const selection of set.selections) {
            if (selection.kind === Kind.FIELD) {
              if (selection.name.value.startsWith("__")) continue;
              fields += 1;
              deepest = Math.max(deepest, depth);
              if (selection.selectionSet) walk(selection.selectionSet, depth + 1, visiting);
            } else if (selection.kind === Kind.INLINE_FRAGMENT) {
              walk(selection.selectionSet, depth, visiting);
            } else {
              const name = selection.name.value;
              const fragment = fragments.get(name);
              if (fragment && !visiting.has(name)) walk(fragment.selectionSet, depth, new Set(visiting).add(name));
            }
          }
        };
        walk(node.selectionSet, 1, new Set());
        if (deepest > maxDepth) {
          context.reportError(new GraphQLError(`The query nests fields more than ${maxDepth} deep; ask for less nesting (or page through the deeper lists).`, { nodes: [node] }));
        } else if (fields > maxFields) {
          context.reportError(new GraphQLError(`The query asks for more than ${maxFields} fields (fragments counted where spread); split it into smaller queries.`, { nodes: [node] }));
        }
      },
    };
  };
}
