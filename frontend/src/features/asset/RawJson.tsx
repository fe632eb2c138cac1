/** A document as registered, folded away until asked for; drawn only when open, since some
 * documents run to megabytes. */
import { useState } from "react";
import { CopyButton } from "../../components/CopyButton";

export function RawJson({ document, schemaVersion }: { document: unknown; schemaVersion: string | null }) {
  const [open, setOpen] = useState(false);
  const json = open ? JSON.stringify(document, null, 2) : "";
  return (
    <details className="asset-raw" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Raw JSON · schema {schemaVersion ?? "unknown"}</summary>
      {open && (
        <div className="asset-raw-body">
          <CopyButton text={json} label="Copy JSON" />
          <pre className="code-block">
            <code>{json}</code>
          </pre>
        </div>
      )}
    </details>
  );
}
