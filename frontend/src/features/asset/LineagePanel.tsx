/** Where the asset came from and what came of it: links along its lineage, one hop each way. */
import { Link } from "react-router";
import { KindBadge, QcBadge } from "../../components/Badges";
import { formatDate } from "../../lib/format";
import { assetPath } from "../../lib/paths";
import type { LineageItem } from "./lineage";
import "./LineagePanel.css";

const LINK_SOURCES: Record<string, string> = {
  name: "its name",
  processing: "processing",
  data_description: "data description",
};

function linkedByText(linkedBy: string): string {
  return linkedBy
    .split(", ")
    .map((source) => LINK_SOURCES[source] ?? source)
    .join(", ");
}

function Item({ item }: { item: LineageItem }) {
  return (
    <li className={item.registered ? "asset-lineage-item" : "asset-lineage-item asset-lineage-unregistered"}>
      {item.registered ? (
        <Link to={assetPath(item.name)} className="asset-lineage-name">
          {item.name}
        </Link>
      ) : (
        <span className="asset-lineage-name">{item.name}</span>
      )}
      <span className="asset-lineage-meta">
        {item.kind && <KindBadge kind={item.kind} />}
        {item.qcStatus && <QcBadge status={item.qcStatus} />}
        {item.process && <span className="badge badge-neutral">{item.process}</span>}
        {item.acquiredAt && <span className="muted">acquired {formatDate(item.acquiredAt)}</span>}
      </span>
      {!item.registered && <span className="asset-line muted">Not registered in this catalog</span>}
      {item.through.length > 0 && (
        <span className="asset-line muted">
          Through {item.through.join(", ")}, not registered
        </span>
      )}
      {item.linkedBy && <span className="asset-line muted">Linked by {linkedByText(item.linkedBy)}</span>}
    </li>
  );
}

function LineageList({ id, title, items, empty }: { id: string; title: string; items: LineageItem[]; empty: string }) {
  return (
    <section className="card asset-lineage" aria-labelledby={id}>
      <h2 id={id}>
        {title}{" "}
        <span className="asset-count" aria-hidden="true">
          {items.length}
        </span>
      </h2>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul>
          {items.map((item) => (
            <Item key={item.name} item={item} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function LineagePanel({ parents, derivatives }: { parents: LineageItem[]; derivatives: LineageItem[] }) {
  return (
    <>
      <LineageList id="derived-from" title="Derived from" items={parents} empty="Raw data: derived from nothing" />
      <LineageList id="derivatives" title="Derivatives" items={derivatives} empty="Nothing derived from it yet" />
    </>
  );
}
