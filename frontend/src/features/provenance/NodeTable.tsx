/** The graph as a table: what keyboard and screen-reader users (and tests) read instead of the
 * canvas, nearest assets first. */
import { Link } from "react-router";
import { KindBadge, QcBadge } from "../../components/Badges";
import { assetPath } from "../../lib/paths";
import { type GraphModel, linkCount } from "./graphModel";

export function NodeTable({ model }: { model: GraphModel }) {
  return (
    <section className="prov-table" aria-labelledby="prov-table-title">
      <h2 id="prov-table-title">Assets in this graph</h2>
      <p className="muted" data-testid="provenance-counts">
        {model.nodes.length.toLocaleString("en-US")} asset{model.nodes.length === 1 ? "" : "s"}, {linkCount(model)}.
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
              <tr key={node.name} aria-current={node.focus ? "true" : undefined} className={node.focus ? "prov-row-focus" : undefined}>
                <td className="prov-table-name">
                  {node.registered ? <Link to={assetPath(node.name)}>{node.name}</Link> : <span className="prov-unregistered">{node.name}</span>}
                  {node.focus && <span className="muted"> (asked about)</span>}
                </td>
                <td>{node.registered ? <KindBadge kind={node.kind} /> : <span className="badge badge-neutral">Not registered</span>}</td>
                <td className="number">{node.hops}</td>
                <td>
                  <QcBadge status={node.qcStatus} />
                </td>
                <td>{node.process ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
