/** How a node of the graph names itself in the table and the side panel where it has no name to
 * show or no page to link: its kind (an asset the viewer may not read may have none known), that
 * it is restricted, and the lock that marks it. */
import { KindBadge } from "../../components/Badges";
import type { AssetKind } from "../../gql/graphql";
import { kindWords, RESTRICTED } from "./labels";

export function NodeKindBadge({ kind }: { kind: AssetKind | null }) {
  return kind ? <KindBadge kind={kind} /> : <span className="badge badge-neutral">{kindWords(null)}</span>;
}

export function RestrictedBadge() {
  return <span className="badge prov-badge-restricted">Restricted</span>;
}

function LockIcon() {
  return (
    <svg className="prov-lock" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path fillRule="evenodd" fill="currentColor" d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z" />
    </svg>
  );
}

/** Where a restricted asset's name would be: never its placeholder. */
export function RestrictedName({ className = "" }: { className?: string }) {
  return (
    <span className={`prov-restricted ${className}`.trim()}>
      <LockIcon />
      {RESTRICTED}
    </span>
  );
}
