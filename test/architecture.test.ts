// The layer order of docs/ARCHITECTURE.md, enforced: a runtime import may only reach the same layer or one before it,
// and no runtime import cycle may join two files. Type-only imports are erased at run time and are not checked here.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

/** Each layer imports at run time only from itself and the layers before it. `index.ts` at the root composes them all. */
const LAYERS = ["core", "partitions", "definitions", "graph", "plan", "storage", "instance", "versioning", "execution", "automation", "code-location", "api", "cli", "integrations"] as const;

interface Edge {
  from: string;
  to: string;
  line: number;
}

function isTestFile(path: string): boolean {
  return /\.test(-d)?\.ts$/.test(path) || /(^|\/)test-[^/]*\.ts$/.test(path) || path.includes("__fixtures__") || path.endsWith("storage/conformance.ts");
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !isTestFile(relative(SRC, path)) ? [path] : [];
  });
}

function resolveSpecifier(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier).replace(/\.js$/, "");
  for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // try the next form
    }
  }
  throw new Error(`${relative(SRC, from)} imports "${specifier}", which is no file under src/`);
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (!clause) return false; // a bare `import "x"` runs x
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return !clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
  }
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** Runtime imports between files under src/: static imports and re-exports that are not type-only, and dynamic import(). */
function runtimeEdges(files: readonly string[]): Edge[] {
  const edges: Edge[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const add = (specifier: string, node: ts.Node): void => {
      if (!specifier.startsWith(".")) return;
      edges.push({ from: file, to: resolveSpecifier(file, specifier), line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        if (!isTypeOnly(node)) add(node.moduleSpecifier.text, node);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [argument] = node.arguments;
        if (argument && ts.isStringLiteral(argument)) add(argument.text, node);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return edges;
}

function layerOf(file: string): string | undefined {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Strongly connected components with more than one file (Tarjan's algorithm). */
function cycles(files: readonly string[], edges: readonly Edge[]): string[][] {
  const out = new Map<string, string[]>();
  for (const edge of edges) (out.get(edge.from) ?? out.set(edge.from, []).get(edge.from))?.push(edge.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of out.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(relative(SRC, w));
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of files) if (!index.has(file)) connect(file);
  return found;
}

describe("the layer order", () => {
  const files = sourceFiles(SRC);
  const edges = runtimeEdges(files);

  it("puts every folder under src/ in the order", () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(LAYERS as readonly string[]).includes(f))).toEqual([]);
  });

  it("has no runtime import from a layer to a later one", () => {
    const violations = edges
      .filter((e) => {
        const from = layerOf(e.from);
        const to = layerOf(e.to);
        if (from === undefined || to === undefined) return false; // src/index.ts composes every layer
        return LAYERS.indexOf(to as (typeof LAYERS)[number]) > LAYERS.indexOf(from as (typeof LAYERS)[number]);
      })
      .map((e) => `${relative(SRC, e.from)}:${e.line} imports ${relative(SRC, e.to)}`);
    expect(violations).toEqual([]);
  });

  it("has no runtime import cycle between files", () => {
    expect(cycles(files, edges)).toEqual([]);
  });

  it("has no import run only for its side effects", () => {
    const bare = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (/^\s*import\s+["']/.test(line) ? [`${relative(SRC, file)}:${i + 1}`] : [])),
    );
    expect(bare).toEqual([]);
  });

  it("patches no class from outside it (no Prototype.x = ...)", () => {
    const patches = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (/\b[A-Z]\w*\.prototype\.\w+\s*=/.test(line) ? [`${relative(SRC, file)}:${i + 1}`] : [])),
    );
    expect(patches).toEqual([]);
  });
});

describe("the checker itself", () => {
  it("finds a cycle and ignores an acyclic chain", () => {
    const edges = [
      { from: "/a", to: "/b", line: 1 },
      { from: "/b", to: "/a", line: 1 },
      { from: "/b", to: "/c", line: 1 },
    ];
    expect(cycles(["/a", "/b", "/c"], edges)).toHaveLength(1);
    expect(cycles(["/a", "/b", "/c"], edges.slice(1))).toEqual([]);
  });
});
