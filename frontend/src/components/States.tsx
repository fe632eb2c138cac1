/** The designed states every view shares: loading, nothing found, and failure with the
 * server's own code and message. */
import type { ReactNode } from "react";
import { CatalogError } from "../api/client";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" role="status">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** What the user can do about a failure depends on where it came from. */
function advice(error: CatalogError): string {
  if (error.kind === "unreachable") return "Check your connection or that the catalog server is running, then retry.";
  if (error.code === "TIMEOUT" || error.code === "UNAVAILABLE") return "The server is busy or its database is unavailable; retry in a moment.";
  if (error.kind === "graphql") return "The server refused this request as asked; change it and try again.";
  return "The server could not answer; retry, or tell the catalog's administrators.";
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const failure =
    error instanceof CatalogError ? error : new CatalogError("http", "ERROR", error instanceof Error ? error.message : String(error));
  const title = failure.kind === "unreachable" ? "Catalog server unreachable" : "The request failed";
  return (
    <div className="state state-error" role="alert">
      <h2>{title}</h2>
      <p>
        <code className="error-code">{failure.code}</code> {failure.message}
      </p>
      <p className="muted">{advice(failure)}</p>
      {retry && (
        <button type="button" className="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}
