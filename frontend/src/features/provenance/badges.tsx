/** Kind and QC as the shared badges show them everywhere else in the catalog. */
import type { GraphNode, KindClass } from "./graphModel";

export function KindBadge({ kind }: { kind: KindClass }) {
  return <span className={`badge badge-${kind}`}>{kind === "primary" ? "Primary" : "Derived"}</span>;
}

const QC_BADGE = { pass: "badge-pass", fail: "badge-fail", pending: "badge-pending", unknown: "badge-neutral" } as const;

/** The status as registered, coloured by what it means; "no QC" when there is none. */
export function QcBadge({ node }: { node: Pick<GraphNode, "qc" | "qcStatus"> }) {
  return <span className={`badge ${QC_BADGE[node.qc]}`}>{node.qcStatus ? `QC ${node.qcStatus.toLowerCase()}` : "No QC"}</span>;
}
