/** The graph as a table: what keyboard and screen-reader users (and tests) read instead of the
 * canvas, nearest assets first. */
import { Link } from "react-router";
import { QcBadge } from "../../components/Badges";
import { assetPath } from "../../lib/paths";
import { type GraphModel, type GraphNode, graphCounts, opensAsset } from "./graphModel";
import { NodeKindBadge, RestrictedName } from "./NodeBadges";

/** An asset's name links to its page; a name no asset has is shown as it is, unlinked; an asset
 * the viewer may not read shows no name at all. */
function NodeName({ node }: { node: GraphNode }) {
  if (node.redacted) return <RestrictedName />;
  if (!opensAsset(node)) return <span className="prov-unregistered">{node.name}</span>;
  return <Link to={assetPath(node.name)}>{node.name}</Link>;
}

function NodeKind({ node }: { node: GraphNode }) {
  if (!node.registered) return <span className="badge badge-neutral">Not registered</span>;
  return <NodeKindBadge kind={node.kind} />;
}

export function NodeTable({ model }: { model: GraphModel }) {
  return (
    <section className="prov-table" aria-labelledby="prov-table-title">
      <h2 id="prov-table-title">Assets in this graph</h2>
      <p className="muted" data-testid="provenance-counts">
        {graphCounts(model)}.
      </p>
      <div className="table-scroll">
        <table className="data">
          <caption className="visually-hidden">
            Assets in the provenance graph of {model.focus}, by distance from it
          </caption>
          <thead>
            <tr>
              <th scope="col">Asset</th>
              <th scope="col">Kind</th>
              <th scope="col" className="number">
                Hops
              </th>
              <th scope="col">QC</th>
              <th scope="col">Process</th>
            </tr>
          </thead>
          <tbody>
            {model.nodes.map((node) => (
              <tr
                key={node.name}
                aria-current={node.focus ? "true" : undefined}
                className={node.focus ? "prov-row-focus" : node.redacted ? "prov-row-restricted" : undefined}
              >
                <td className="prov-table-name">
                  <NodeName node={node} />
                  {node.focus && <span className="muted"> (asked about)</span>}
                </td>
                <td>
                  <NodeKind node={node} />
                </td>
                <td className="number">{node.hops}</td>
                {/* What a restricted asset's QC is, is not told: not "No QC", which would say it has none. */}
                <td>{node.redacted ? "—" : <QcBadge status={node.qcStatus} />}</td>
                <td>{node.process ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
