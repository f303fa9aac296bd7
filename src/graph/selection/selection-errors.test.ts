import { describe, expect, it } from "vitest";
import { TesseraError } from "../../core/index.js";
import { AssetSelection } from "./asset-selection.js";
import { SelectionSyntaxError } from "../../definitions/index.js";

function syntaxErrorOf(text: string): SelectionSyntaxError {
  try {
    AssetSelection.fromString(text);
  } catch (error) {
    if (error instanceof SelectionSyntaxError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} parsed`);
}

describe("SelectionSyntaxError", () => {
  it("is a TesseraError with the stable code SELECTION_SYNTAX", () => {
    const error = syntaxErrorOf("key:a key:b");
    expect(error).toBeInstanceOf(TesseraError);
    expect(error.code).toBe("SELECTION_SYNTAX");
    expect(error.name).toBe("SelectionSyntaxError");
  });

  it("rejects two attributes without an operator, pointing at the second", () => {
    const error = syntaxErrorOf("key:a key:b");
    expect(error.position).toBe(6);
    expect(error.column).toBe(7);
    expect(error.found).toBe("`key`");
    expect(error.expected).toEqual(["`+`", "`and`", "`or`", "end of input"]);
    expect(error.message).toContain("\n  key:a key:b\n        ^^^");
  });

  it("rejects a doubled star before an attribute", () => {
    const error = syntaxErrorOf("**key:a");
    expect(error.position).toBe(0);
    expect(error.found).toBe("`**key`");
  });

  it("rejects the reference's invalid attribute examples that no other form reads", () => {
    // (`not` and `sinks` alone are invalid attribute expressions too, but read as classic names.)
    for (const text of ["+", "*+", "key:a and and", "key:a and", "owner:owner@owner.com", "owner:<none>", "key:<fake>", "is:nonsense", "is:observable"]) {
      expect(() => AssetSelection.fromString(text), text).toThrow(SelectionSyntaxError);
    }
  });

  it("rejects a traversal of *", () => {
    const error = syntaxErrorOf("+* and key:a");
    expect(error.position).toBe(1);
    expect(error.message).toContain("`*` cannot be traversed");
  });

  it("names what an incomplete expression lacks", () => {
    const error = syntaxErrorOf("key:a and");
    expect(error.position).toBe(9);
    expect(error.found).toBe("end of input");
    expect(error.expected).toContain("`not`");
    expect(error.message).toContain("\n  key:a and\n           ^");
  });

  it("asks for the closing parenthesis", () => {
    const error = syntaxErrorOf("roots(key:a");
    expect(error.position).toBe(11);
    expect(error.expected).toEqual(["`+`", "`and`", "`or`", "`)`"]);
  });

  it("asks for ( after a function name", () => {
    const error = syntaxErrorOf("sinks key:a");
    expect(error.found).toBe("`key`");
    expect(error.expected).toEqual(["`(` after `sinks`"]);
  });

  it("asks for + after a depth", () => {
    const error = syntaxErrorOf("2 key:a");
    expect(error.position).toBe(2);
    expect(error.expected).toEqual(["`+` after the depth (as in `2+key:a`)"]);
  });

  it("suggests quoting a value with a dash", () => {
    const error = syntaxErrorOf("key:my-asset and group:g");
    expect(error.position).toBe(6);
    expect(error.found).toBe("`-`");
    expect(error.message).toContain('`key:"my-asset"`');
  });

  it("suggests quoting a value spelled like a keyword or starting with a digit", () => {
    expect(syntaxErrorOf("key:job").message).toContain('`key:"job"`');
    expect(syntaxErrorOf("tag:k=2024_q1 or key:a").message).toContain('`tag:k="2024_q1"`');
  });

  it("suggests the attribute for an unknown one", () => {
    const error = syntaxErrorOf("groups:sales");
    expect(error.found).toBe("`groups`");
    expect(error.message).toContain("did you mean `group:`");
  });

  it("suggests key: for a bare name in an attribute expression", () => {
    const error = syntaxErrorOf("orders and group:sales");
    expect(error.position).toBe(0);
    expect(error.message).toContain("`key:orders`");
  });

  it("reports an unterminated quoted value at its opening quote", () => {
    const error = syntaxErrorOf('key:"abc');
    expect(error.position).toBe(4);
    expect(error.found).toBe("an unterminated quoted value `\"abc`");
    expect(error.message).toContain('\n  key:"abc\n      ^^^^');
  });

  it("reports a classic clause's error in classic terms", () => {
    const error = syntaxErrorOf("orders revenue");
    expect(error.position).toBe(6);
    expect(error.found).toBe("a space");
    expect(error.expected).toContain("`+`");
  });

  it("rejects a star after pluses upstream, as the reference's classic syntax does", () => {
    expect(() => AssetSelection.fromString("+*orders")).toThrow(SelectionSyntaxError);
    expect(() => AssetSelection.fromString("orders*+")).toThrow(SelectionSyntaxError);
  });

  it("rejects an empty key segment", () => {
    const error = syntaxErrorOf("raw//orders");
    expect(error.position).toBe(4);
    expect(error.found).toBe("an empty key segment");
  });

  it("rejects an empty selection and an empty part of a comma list", () => {
    expect(syntaxErrorOf("   ").message).toContain("cannot be empty");
    const error = syntaxErrorOf("a,,b");
    expect(error.position).toBe(2);
    expect(error.found).toBe("`,`");
    expect(syntaxErrorOf("a,").position).toBe(2);
  });

  it("places errors of a later part of a comma list in the whole input", () => {
    const error = syntaxErrorOf("orders, key:a key:b");
    expect(error.position).toBe(14);
    expect(error.message).toContain("\n  orders, key:a key:b\n                ^^^");
  });

  it("reads a comma inside a function call as the end of a part", () => {
    const error = syntaxErrorOf("roots(key:a, key:b)");
    expect(error.position).toBe(11);
    expect(error.found).toBe("`,`");
  });

  it("rejects a tag with two = in the plain form", () => {
    const error = syntaxErrorOf("tag:a=b=c.d");
    expect(error.position).toBe(7);
    expect(error.found).toBe("a second `=`");
  });

  it("reports characters outside the grammar", () => {
    const error = syntaxErrorOf("key:a & key:b");
    expect(error.position).toBe(6);
    expect(error.found).toBe("`&`");
  });

  it("keeps the caret under the column when the input holds tabs or newlines", () => {
    const error = syntaxErrorOf("key:a\nkey:b");
    expect(error.message).toContain("\n  key:a key:b\n        ^^^");
  });

  it("refuses nesting deeper than 256 levels instead of overflowing the stack", () => {
    const deep = syntaxErrorOf(`${"(".repeat(100_000)}key:a${")".repeat(100_000)}`);
    expect(deep.position).toBe(256);
    expect(deep.message).toContain("more than 256 levels deep");
    expect(() => AssetSelection.fromString("not ".repeat(255) + "key:a")).not.toThrow();
  });

  it("echoes a window of a long input around the error", () => {
    const error = syntaxErrorOf(`${"key:a or ".repeat(50)}key:a key:b`);
    const [, line, caret] = error.message.split("\n") as [string, string, string];
    expect(line.startsWith("  …")).toBe(true);
    expect(line.length).toBeLessThan(140);
    expect(line.slice(caret.indexOf("^"), caret.indexOf("^") + 3)).toBe("key");
  });

  // Its time (linear, not quadratic) is measured in bench/selection.bench.ts: a timed assertion here flakes under load.
  it("parses a long flat expression into one flat or", () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `key:a${i}`).join(" or ");
    const selection = AssetSelection.fromString(text);
    expect(selection.node).toMatchObject({ type: "or", operands: { length: 50_000 } });
  });

  it("rejects a selection that is not a string", () => {
    expect(() => AssetSelection.fromString(42 as never)).toThrow(SelectionSyntaxError);
  });
});
