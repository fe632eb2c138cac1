/** The exact request a view sends, written out for a notebook or a shell. */

export interface GraphQLRequest {
  query: string;
  variables: unknown;
}

const INDENT = "    ";

/** A Python literal for a JSON value (None/True/False, not null/true/false). */
export function pythonLiteral(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "None";
  if (typeof value === "string") return JSON.stringify(value);
  const pad = INDENT.repeat(depth + 1);
  const end = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => `${pad}${pythonLiteral(item, depth + 1)},`).join("\n")}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([key, item]) => `${pad}${JSON.stringify(key)}: ${pythonLiteral(item, depth + 1)},`).join("\n")}\n${end}}`;
}

export function pythonSnippet(endpoint: string, request: GraphQLRequest): string {
  return [
    "import httpx",
    "",
    `query = """\n${request.query.trim()}\n"""`,
    `variables = ${pythonLiteral(request.variables)}`,
    "",
    `response = httpx.post(${JSON.stringify(endpoint)}, json={"query": query, "variables": variables})`,
    "response.raise_for_status()",
    "result = response.json()",
    'if "errors" in result:',
    '    raise RuntimeError(result["errors"])',
    'data = result["data"]',
  ].join("\n");
}

/** A POSIX shell word: single-quoted, with each ' written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function curlSnippet(endpoint: string, request: GraphQLRequest): string {
  const body = JSON.stringify({ query: request.query, variables: request.variables });
  return `curl -sS ${shellQuote(endpoint)} \\\n  -H 'Content-Type: application/json' \\\n  --data ${shellQuote(body)}`;
}
