// The selection box: the CLI's selection grammar, completed from the workspace as you type (attribute names, then
// their values), and checked by the API as you pause: a syntax error is shown under the text at its position.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { gql } from "../../api.js";
import { apply, complete, type Vocabulary } from "./selection-complete.js";

export interface SelectionProblem {
  readonly message: string;
  /** 0-based offset in the text; undefined when the error is not about one place (it selects nothing runnable). */
  readonly position: number | undefined;
}

const CHECK = `query CheckSelection($selection: String) {
  assetNodesOrError(selection: $selection) {
    __typename
    ... on AssetNodes { nodes { key { path } } }
    ... on InvalidSelectionError { message position }
    ... on Error { message }
  }
}`;

type CheckResult = { __typename: string; nodes?: { key: { path: string[] } }[]; message?: string; position?: number | null };

/** Resolves a selection through the API: the selected keys, or the problem with it. */
export async function resolveSelection(text: string): Promise<{ keys: string[] } | { problem: SelectionProblem }> {
  const { assetNodesOrError: result } = await gql<{ assetNodesOrError: CheckResult }>(CHECK, { selection: text });
  if (result.nodes) return { keys: result.nodes.map((n) => n.key.path.join("/")) };
  return { problem: { message: (result.message ?? result.__typename).split("\n")[0] as string, position: result.position ?? undefined } };
}

interface Props {
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly problem: SelectionProblem | undefined;
  readonly onProblem: (problem: SelectionProblem | undefined) => void;
  readonly vocabulary: Vocabulary;
}

export function SelectionBox({ value, onChange, problem, onProblem, vocabulary }: Props) {
  const [caret, setCaret] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const completion = useMemo(() => complete(value, caret, vocabulary), [value, caret, vocabulary]);
  const suggestions = open ? completion.suggestions : [];

  // Checked once typing pauses, so an error shows where it is before the selection is applied.
  useEffect(() => {
    if (value.trim() === "") {
      onProblem(undefined);
      return;
    }
    const timer = setTimeout(() => {
      resolveSelection(value)
        .then((result) => onProblem("problem" in result ? result.problem : undefined))
        .catch(() => undefined);
    }, 350);
    return () => clearTimeout(timer);
  }, [value]); // eslint-disable-line react-hooks/exhaustive-deps -- once per text

  const choose = (index: number) => {
    const suggestion = suggestions[index];
    if (!suggestion) return;
    const next = apply(value, completion, suggestion);
    onChange(next.text);
    setCaret(next.caret);
    setActive(0);
    // An attribute name is followed by its values at once; a finished value closes the list.
    setOpen(suggestion.insert.endsWith(":"));
    requestAnimationFrame(() => input.current?.setSelectionRange(next.caret, next.caret));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (suggestions.length === 0) {
      if (event.key === "ArrowDown" || (event.key === " " && event.ctrlKey)) {
        setOpen(true);
        event.preventDefault();
      }
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((active + step + suggestions.length) % suggestions.length);
    } else if (event.key === "Tab" || (event.key === "Enter" && open)) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") setOpen(false);
  };

  const at = problem?.position;
  return (
    <div className="selection-box">
      <input
        ref={input}
        aria-label="Asset selection"
        placeholder={`Select assets: key:"raw_*", group:sales, *orders+ …`}
        value={value}
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-controls={suggestions.length ? listId : undefined}
        aria-activedescendant={suggestions.length ? `${listId}-${active}` : undefined}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? "selection-error" : undefined}
        onChange={(event) => {
          onChange(event.target.value);
          setCaret(event.target.selectionStart ?? event.target.value.length);
          setActive(0);
          setOpen(true);
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart ?? value.length)}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      {suggestions.length > 0 && (
        <ul id={listId} role="listbox" aria-label="Selection suggestions" className="suggestions">
          {suggestions.map((s, i) => (
            <li
              key={s.label}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(event) => {
                event.preventDefault();
                choose(i);
              }}
            >
              {s.label} <span className="hint">{s.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {problem && (
        <div id="selection-error" className="selection-error" role="alert">
          {at !== undefined && (
            <code aria-label={`At column ${at + 1}`}>
              {value.slice(0, at)}
              <mark>{value.slice(at, at + 1) || "\u00a0"}</mark>
              {value.slice(at + 1)}
            </code>
          )}
          <span>{problem.message}</span>
        </div>
      )}
    </div>
  );
}
