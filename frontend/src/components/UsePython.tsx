/** "Use in Python": the exact GraphQL request behind what is on screen, ready for a notebook. */
import { useRef, useState } from "react";
import { GRAPHQL_PATH } from "../api/client";
import { curlSnippet, type GraphQLRequest, pythonSnippet } from "../lib/snippets";
import { CopyButton } from "./CopyButton";

type Tab = "python" | "graphql" | "curl";

export function UsePython({ request }: { request: GraphQLRequest }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [tab, setTab] = useState<Tab>("python");
  const endpoint = `${window.location.origin}${GRAPHQL_PATH}`;
  const texts: Record<Tab, string> = {
    python: pythonSnippet(endpoint, request),
    graphql: `${request.query.trim()}\n\n# variables\n${JSON.stringify(request.variables, null, 2)}`,
    curl: curlSnippet(endpoint, request),
  };
  const labels: Record<Tab, string> = { python: "Python", graphql: "GraphQL", curl: "curl" };
  return (
    <>
      <button type="button" className="button" onClick={() => dialog.current?.showModal()}>
        Use in Python
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby="use-python-title">
        <header className="dialog-header">
          <h2 id="use-python-title">The request behind this view</h2>
          <button type="button" className="button button-small" onClick={() => dialog.current?.close()} aria-label="Close">
            ✕
          </button>
        </header>
        <div role="tablist" className="tabs" aria-label="Request formats">
          {(Object.keys(labels) as Tab[]).map((key) => (
            <button key={key} type="button" role="tab" aria-selected={tab === key} className="tab" onClick={() => setTab(key)}>
              {labels[key]}
            </button>
          ))}
        </div>
        <pre className="code-block" role="tabpanel" aria-label={labels[tab]}>
          <code>{texts[tab]}</code>
        </pre>
        <CopyButton text={texts[tab]} label={`Copy ${labels[tab]}`} />
      </dialog>
    </>
  );
}
