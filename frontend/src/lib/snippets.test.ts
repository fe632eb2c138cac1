import { describe, expect, it } from "vitest";
import { curlSnippet, pythonLiteral, pythonSnippet, shellQuote } from "./snippets";

describe("pythonLiteral", () => {
  it("spells JSON's constants the Python way", () => {
    expect(pythonLiteral({ a: null, b: true, c: [false] })).toBe('{\n    "a": None,\n    "b": True,\n    "c": [\n        False,\n    ],\n}');
  });
});

describe("pythonSnippet", () => {
  it("posts the query and its variables to the endpoint", () => {
    const text = pythonSnippet("http://x/graphql", { query: "{ a }", variables: { first: 5 } });
    expect(text).toContain('httpx.post("http://x/graphql"');
    expect(text).toContain('"first": 5');
    expect(text).toContain('query = """\n{ a }\n"""');
  });
});

describe("shellQuote", () => {
  it("survives a single quote inside the text", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("keeps the body of a curl command one shell word", () => {
    expect(curlSnippet("http://x/graphql", { query: "{ a(b: \"it's\") }", variables: {} })).toContain(`'\\''`);
  });
});
