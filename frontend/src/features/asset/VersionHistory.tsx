/** A document's history, folded away until asked for: every version with its time, author and
 * reason, and for any later one what changed from the version before, field by field. */
import { useState } from "react";
import { useGraphQL } from "../../api/useGraphQL";
import { ErrorState, Loading } from "../../components/States";
import { formatInstant } from "../../lib/format";
import { MetadataChanges, MetadataHistory, shortValue } from "./versions";

function Changes({ asset, document, version }: { asset: string; document: string; version: number }) {
  const diff = useGraphQL(MetadataChanges, { name: asset, document, from: version - 1, to: version });
  if (diff.isPending) return <Loading label="Comparing…" />;
  if (diff.isError) return <ErrorState error={diff.error} retry={() => void diff.refetch()} />;
  const changes = diff.data.asset?.metadataDiff ?? [];
  if (changes.length === 0) return <p className="muted">No field differs from version {version - 1}.</p>;
  return (
    <table className="asset-diff">
      <caption>
        Version {version - 1} → {version}
      </caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((change) => (
          <tr key={change.path}>
            <th scope="row">
              <code>{change.path}</code>
            </th>
            <td>
              <code>{shortValue(change.before)}</code>
            </td>
            <td>
              <code>{shortValue(change.after)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Versions({ asset, document }: { asset: string; document: string }) {
  const history = useGraphQL(MetadataHistory, { name: asset, document });
  const [compared, setCompared] = useState<number | null>(null);
  if (history.isPending) return <Loading label="Loading versions…" />;
  if (history.isError) return <ErrorState error={history.error} retry={() => void history.refetch()} />;
  const versions = history.data.asset?.metadataVersions ?? [];
  return (
    <>
      <ol className="asset-versions">
        {versions.map((v) => (
          <li key={v.version}>
            <strong>Version {v.version}</strong> · {formatInstant(v.createdAt)}
            {v.author && <> · {v.author}</>}
            {v.current && <> · current</>}
            {v.removed && <> · document removed</>}
            {v.reason && <q>{v.reason}</q>}
            {v.version > 1 && !v.removed && (
              <button type="button" className="button" aria-pressed={compared === v.version} onClick={() => setCompared(compared === v.version ? null : v.version)}>
                What changed
              </button>
            )}
          </li>
        ))}
      </ol>
      {compared !== null && <Changes asset={asset} document={document} version={compared} />}
    </>
  );
}

export function VersionHistory({ asset, document }: { asset: string; document: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="asset-raw" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>History</summary>
      {open && <Versions asset={asset} document={document} />}
    </details>
  );
}
