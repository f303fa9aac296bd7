// The run config editor: CodeMirror 6 with JSON, checked as it is typed against the selection's JSON Schema (from its
// zod config schemas) and completing keys and enum values from it. Loaded lazily: only the launchpad needs it.
import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { syntaxTree } from "@codemirror/language";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { Compartment, EditorState, type Text } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import type { SyntaxNode, Tree } from "@lezer/common";
import { basicSetup } from "codemirror";
import { useEffect, useRef } from "react";
import { propertiesOf, schemaAt, skeletonOf, validate, type JsonPath, type JsonSchema } from "./json-schema.js";

const VALUES = new Set(["True", "False", "Null", "Number", "String", "Object", "Array"]);

const valueChildren = (node: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) if (VALUES.has(child.name)) out.push(child);
  return out;
};

const propertyName = (property: SyntaxNode, doc: Text): string | undefined => {
  const name = property.getChild("PropertyName");
  if (!name) return undefined;
  try {
    return JSON.parse(doc.sliceString(name.from, name.to)) as string;
  } catch {
    return doc.sliceString(name.from + 1, name.to).replace(/"$/, "");
  }
};

/** The syntax node of the value (or, with `atKey`, the key) at `path`, or the deepest one found on the way. */
function nodeAtPath(tree: Tree, doc: Text, path: JsonPath, atKey: boolean): SyntaxNode | undefined {
  let node: SyntaxNode | undefined = valueChildren(tree.topNode)[0];
  for (const [i, step] of path.entries()) {
    if (!node) return undefined;
    if (node.name === "Object" && typeof step === "string") {
      const property = node.getChildren("Property").find((p) => propertyName(p, doc) === step);
      if (!property) return node;
      if (atKey && i === path.length - 1) return property.getChild("PropertyName") ?? property;
      node = valueChildren(property)[0] ?? property;
    } else if (node.name === "Array" && typeof step === "number") node = valueChildren(node)[step] ?? node;
    else return node;
  }
  return node;
}

/** The path of the object or array `node` stands for, from the document's root. */
function pathOf(node: SyntaxNode, doc: Text): (string | number)[] {
  const path: (string | number)[] = [];
  for (let current: SyntaxNode = node; current.parent; current = current.parent) {
    const parent = current.parent;
    if (parent.name === "Property" && VALUES.has(current.name)) {
      const name = propertyName(parent, doc);
      if (name !== undefined) path.unshift(name);
    } else if (parent.name === "Array" && VALUES.has(current.name)) path.unshift(valueChildren(parent).findIndex((c) => c.from === current.from));
  }
  return path;
}

function schemaLinter(getSchema: () => JsonSchema | undefined) {
  return (view: EditorView): Diagnostic[] => {
    const schema = getSchema();
    const text = view.state.doc.toString();
    if (!schema || text.trim() === "") return [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return []; // the JSON linter reports syntax errors
    }
    const tree = syntaxTree(view.state);
    return validate(value, schema).map((issue) => {
      const node = nodeAtPath(tree, view.state.doc, issue.path, issue.atKey ?? false);
      const [from, to] = node ? [node.from, node.name === "Object" || node.name === "Array" ? Math.min(node.to, node.from + 1) : node.to] : [0, 1];
      const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
      return { from, to: Math.max(to, from + 1), severity: "error", message: `${where}${issue.message}` } satisfies Diagnostic;
    });
  };
}

function schemaCompletion(getSchema: () => JsonSchema | undefined) {
  return (context: CompletionContext): CompletionResult | null => {
    const schema = getSchema();
    if (!schema) return null;
    const doc = context.state.doc;
    const here = syntaxTree(context.state).resolveInner(context.pos, -1);
    const word = context.matchBefore(/"?[\w$-]*"?/);
    if (!word || (word.from === word.to && !context.explicit)) {
      if (!context.explicit) return null;
    }
    let node: SyntaxNode | null = here;
    while (node && node.name !== "Object" && node.name !== "Property" && node.name !== "Array") node = node.parent;
    if (!node) return null;
    const from = word?.from ?? context.pos;
    if (node.name === "Property" && node.getChild(":") && context.pos > (node.getChild(":")?.from ?? 0) && here.name !== "PropertyName") {
      // A value: suggest the enum's members, or true/false.
      const name = propertyName(node, doc);
      const parent = node.parent;
      if (name === undefined || !parent) return null;
      const at = schemaAt(schema, [...pathOf(parent, doc), name]);
      if (!at) return null;
      const values = at.enum ?? (at.type === "boolean" ? [true, false] : at.default !== undefined ? [at.default] : []);
      if (values.length === 0) return null;
      return { from, options: values.map((v) => ({ label: JSON.stringify(v), type: "constant" })) };
    }
    const object = node.name === "Property" ? node.parent : node;
    if (!object || object.name !== "Object") return null;
    const at = schemaAt(schema, pathOf(object, doc));
    if (!at) return null;
    const present = new Set(object.getChildren("Property").map((p) => propertyName(p, doc)));
    const inName = here.name === "PropertyName" || node.name === "Property";
    const options: Completion[] = propertiesOf(at)
      .filter((p) => !present.has(p.name) || (inName && doc.sliceString(from, context.pos).replace(/"/g, "") === p.name))
      .map((p) => ({
        label: p.name,
        detail: p.required ? "required" : (Array.isArray(p.schema.type) ? p.schema.type.join("|") : p.schema.type),
        info: p.schema.description,
        type: "property",
        apply: inName ? JSON.stringify(p.name) : `${JSON.stringify(p.name)}: ${skeletonOf(p.schema)}`,
      }));
    return options.length ? { from, to: inName && here.name === "PropertyName" ? here.to : undefined, options, validFor: /^"?[\w$-]*"?$/ } : null;
  };
}

/** JSON syntax and schema checks together, their messages also reported to `report`. */
function checks(getSchema: () => JsonSchema | undefined, report: (messages: string[]) => void) {
  const syntax = jsonParseLinter();
  const bySchema = schemaLinter(getSchema);
  return linter(
    (v) => {
      const diagnostics = v.state.doc.toString().trim() === "" ? [] : [...syntax(v), ...bySchema(v)];
      report(diagnostics.map((d) => d.message));
      return diagnostics;
    },
    { delay: 200 },
  );
}

export interface ConfigEditorProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly schema: JsonSchema | undefined;
  /** Called with the editor's current problems (syntax and schema), for a summary outside the editor. */
  readonly onDiagnostics?: (messages: string[]) => void;
}

export default function ConfigEditor({ value, onChange, schema, onDiagnostics }: ConfigEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const schemaRef = useRef(schema);
  schemaRef.current = schema;
  const callbacks = useRef({ onChange, onDiagnostics });
  callbacks.current = { onChange, onDiagnostics };
  const lint = useRef(new Compartment());

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          json(),
          lintGutter(),
          lint.current.of(checks(() => schemaRef.current, (m) => callbacks.current.onDiagnostics?.(m))),
          autocompletion({ override: [schemaCompletion(() => schemaRef.current)], activateOnTyping: true }),
          EditorView.contentAttributes.of({ "aria-label": "Run config", "aria-multiline": "true", role: "textbox" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- one editor per mount; value changes flow out, not in

  useEffect(() => {
    // A new schema (another selection) re-checks what is there.
    const editor = view.current;
    if (!editor) return;
    editor.dispatch({ effects: lint.current.reconfigure(checks(() => schemaRef.current, (m) => callbacks.current.onDiagnostics?.(m))) });
  }, [schema]);

  useEffect(() => {
    // A value set from outside (a template), not typed here.
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} className="config-editor" />;
}
