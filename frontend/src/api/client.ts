/** The one way the web catalog talks to the server: POST /graphql, like any other client.
 * Every failure becomes a CatalogError carrying the server's code, so pages show one kind of
 * error state whatever went wrong. */
import type { TypedDocumentString } from "../gql/graphql";
import { authorization, storedToken } from "./token";

export const GRAPHQL_PATH = "/graphql";

/** Where a failure came from: the server refused or failed the request, or it was not reached. */
export type FailureKind = "graphql" | "http" | "unreachable";

export class CatalogError extends Error {
  readonly code: string;
  readonly kind: FailureKind;

  constructor(kind: FailureKind, code: string, message: string) {
    super(message);
    this.name = "CatalogError";
    this.kind = kind;
    this.code = code;
  }
}

interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorBody[];
}

/** The error contract of the HTTP routes: `{"error": {"code", "message"}}`. */
interface RouteErrorBody {
  error?: { code?: string; message?: string };
}

/** The request body a client sends for this operation: what "Use in Python" shows. */
export function requestBody<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): { query: string; variables: TVariables } {
  return { query: document.toString(), variables };
}

/** One request as the stored token's viewer, or as `token` when given (to try one before keeping it). */
export async function graphql<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
  token: string | null = storedToken(),
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...authorization(token) },
      body: JSON.stringify(requestBody(document, variables)),
      signal: signal ?? null,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new CatalogError("unreachable", "UNREACHABLE", "The catalog server could not be reached.");
  }
  const body = (await response.json().catch(() => null)) as (GraphQLResponse<TResult> & RouteErrorBody) | null;
  const first = body?.errors?.[0];
  if (first) {
    throw new CatalogError("graphql", first.extensions?.code ?? "ERROR", first.message ?? "The request failed.");
  }
  if (!response.ok || !body?.data) {
    const code = body?.error?.code ?? `HTTP_${response.status}`;
    const message = body?.error?.message ?? `The server answered ${response.status} ${response.statusText}.`;
    throw new CatalogError("http", code, message);
  }
  return body.data;
}
