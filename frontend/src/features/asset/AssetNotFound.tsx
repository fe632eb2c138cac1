/** An asset name nothing is registered under: say so, and offer the nearest names. */
import { Link } from "react-router";
import { useGraphQL } from "../../api/useGraphQL";
import { KindBadge } from "../../components/Badges";
import { formatDate } from "../../lib/format";
import { assetPath, searchPathFor } from "../../lib/paths";
import { AssetPageSuggestions } from "./queries";
import { rankSuggestions, suggestionFilter } from "./suggestions";

/** Candidates fetched, of which the closest few are shown. */
const CANDIDATES = 25;
const SHOWN = 5;

function Suggestions({ name }: { name: string }) {
  const filter = suggestionFilter(name);
  const query = useGraphQL(AssetPageSuggestions, { filter: filter ?? {}, first: CANDIDATES }, { enabled: filter != null });
  const nodes = query.data?.assets.edges.map((edge) => edge.node) ?? [];
  const names = rankSuggestions(
    name,
    nodes.map((node) => node.name),
    SHOWN,
  );
  if (names.length === 0) return null;
  return (
    <>
      <h2>Did you mean</h2>
      <ul className="asset-suggestions">
        {names.map((suggestion) => {
          const node = nodes.find((candidate) => candidate.name === suggestion);
          return (
            <li key={suggestion}>
              <Link to={assetPath(suggestion)}>{suggestion}</Link>
              {node && (
                <span className="asset-lineage-meta">
                  <KindBadge kind={node.kind} />
                  {node.acquiredAt && <span className="muted">acquired {formatDate(node.acquiredAt)}</span>}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

export function AssetNotFound({ name }: { name: string }) {
  return (
    <section className="state state-empty not-found asset-not-found" aria-labelledby="asset-not-found-title">
      <h1 id="asset-not-found-title">Asset not found</h1>
      <p>
        No asset named <code className="asset-asked">{name}</code> is registered in this catalog. It may have been renamed, or the link may
        be mistyped.
      </p>
      <Link className="button button-primary" to={searchPathFor(name)}>
        Search the catalog
      </Link>
      <Suggestions name={name} />
    </section>
  );
}
