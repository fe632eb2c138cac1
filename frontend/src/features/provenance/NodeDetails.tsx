/** The side panel: the asset last pointed at in the graph (at first, the asset asked about),
 * with its full name and a way to open it or walk the graph from it. It keeps the last one, so
 * the pointer can travel from the node to these links. */
import { Link } from "react-router";
import { storedToken } from "../../api/token";
import { QcBadge } from "../../components/Badges";
import { formatInstant } from "../../lib/format";
import { assetPath } from "../../lib/paths";
import type { GraphNode } from "./graphModel";
import { kindWords } from "./labels";
import { NodeKindBadge, RestrictedBadge, RestrictedName } from "./NodeBadges";
import { provenancePath } from "./paths";
import type { GraphParams } from "./params";

/** A name no asset has: only what its name says, and no page to open. */
function UnregisteredDetails({ node }: { node: GraphNode }) {
  return (
    <aside className="prov-details card" aria-labelledby="prov-details-title">
      <h2 id="prov-details-title">Pointed at</h2>
      <p className="prov-details-name mono prov-unregistered">{node.name}</p>
      <p className="prov-details-badges">
        <span className="badge badge-neutral">Not registered</span>
      </p>
      <p className="muted">No asset of this catalog has this name: it was never registered (intermediates often are not kept). The names around it say it is there.</p>
      <dl className="prov-details-list">
        <dt>Distance</dt>
        <dd>{`${node.hops} hop${node.hops === 1 ? "" : "s"}`}</dd>
        <dt>Process</dt>
        <dd>{node.process ?? "—"}</dd>
        <dt>Processed (from its name)</dt>
        <dd>{formatInstant(node.processedAt)}</dd>
      </dl>
    </aside>
  );
}

/** An asset the viewer may not read: what the catalog tells of it (its kind and distance), why
 * that is all, and how to see more. No name, no page to open, no graph to walk from it. */
function RestrictedDetails({ node, signedIn }: { node: GraphNode; signedIn: boolean }) {
  return (
    <aside className="prov-details card" aria-labelledby="prov-details-title">
      <h2 id="prov-details-title">Pointed at</h2>
      <p className="prov-details-name">
        <RestrictedName />
      </p>
      <p className="prov-details-badges">
        <RestrictedBadge /> <NodeKindBadge kind={node.kind} />
      </p>
      <p className="prov-details-note muted">
        An asset you may not read. The catalog tells only its kind and where it sits in this lineage, not its name, QC or process, and the graph does
        not go on through it.
      </p>
      <p className="prov-details-note muted" data-testid="restricted-access-hint">
        {signedIn ? (
          <>The token in use may not read it. A token with access to it would show it, and what lies beyond it.</>
        ) : (
          <>
            A token with access to it would show it, and what lies beyond it: <strong>Use a token</strong> at the top of the page.
          </>
        )}
      </p>
      <dl className="prov-details-list">
        <dt>Distance</dt>
        <dd>{`${node.hops} hop${node.hops === 1 ? "" : "s"}`}</dd>
        <dt>Kind</dt>
        <dd>{kindWords(node.kind)}</dd>
      </dl>
    </aside>
  );
}

export function NodeDetails({ node, params }: { node: GraphNode; params: GraphParams }) {
  if (node.redacted) return <RestrictedDetails node={node} signedIn={storedToken() !== null} />;
  if (!node.registered) return <UnregisteredDetails node={node} />;
  return (
    <aside className="prov-details card" aria-labelledby="prov-details-title">
      <h2 id="prov-details-title">{node.focus ? "Asked about" : "Pointed at"}</h2>
      <p className="prov-details-name mono">{node.name}</p>
      <p className="prov-details-badges">
        <NodeKindBadge kind={node.kind} /> <QcBadge status={node.qcStatus} />
      </p>
      <dl className="prov-details-list">
        <dt>Distance</dt>
        <dd>{node.focus ? "The asset asked about" : `${node.hops} hop${node.hops === 1 ? "" : "s"}`}</dd>
        <dt>Process</dt>
        <dd>{node.process ?? "—"}</dd>
        <dt>Data level</dt>
        <dd>{node.dataLevel ?? "—"}</dd>
        <dt>Acquired</dt>
        <dd>{formatInstant(node.acquiredAt)}</dd>
        <dt>Modalities</dt>
        <dd>{node.modalities.length ? node.modalities.join(", ") : "—"}</dd>
      </dl>
      <p className="prov-details-links">
        <Link className="button button-small" to={assetPath(node.name)}>
          Open asset
        </Link>
        {!node.focus && (
          <Link className="button button-small" to={provenancePath(node.name, params)}>
            Its provenance
          </Link>
        )}
      </p>
    </aside>
  );
}
