/** The header's account control: who the catalog's requests act as, a field to use a token
 * (checked with the server before it is kept) and a way to forget it. A change reloads the page,
 * so every view is fetched again as the new viewer. */
import { type FormEvent, useId, useState } from "react";
import { CatalogError, graphql } from "../api/client";
import { storedToken, storeToken } from "../api/token";
import { useGraphQL } from "../api/useGraphQL";
import { ViewerQuery } from "./viewer";

export function TokenControl({ reload = () => window.location.reload() }: { reload?: () => void }) {
  const viewer = useGraphQL(ViewerQuery, {});
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const fieldId = useId();
  const signedIn = storedToken() !== null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const token = draft.trim();
    if (!token) return;
    try {
      await graphql(ViewerQuery, {}, undefined, token);
    } catch (error) {
      setProblem(error instanceof CatalogError ? error.message : "The token could not be checked.");
      return;
    }
    storeToken(token);
    reload();
  };

  const forget = () => {
    storeToken(null);
    reload();
  };

  const who = viewer.data?.viewer;
  return (
    <div className="token-control">
      <span className="viewer" aria-live="polite">
        {who ? (who.role ? `${who.name} (${who.role})` : "Anonymous") : viewer.isError ? "Token refused" : ""}
      </span>
      {signedIn ? (
        <button type="button" className="button" onClick={forget}>
          Forget token
        </button>
      ) : (
        <button type="button" className="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          Use a token
        </button>
      )}
      {open && !signedIn && (
        <form onSubmit={(event) => void submit(event)}>
          <label htmlFor={fieldId}>Token</label>
          <input
            id={fieldId}
            type="password"
            autoComplete="off"
            value={draft}
            onChange={(event) => {
              setDraft(event.target.value);
              setProblem(null);
            }}
          />
          <button type="submit" className="button">
            Use
          </button>
          {problem && (
            <p role="alert" className="token-problem">
              {problem}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
