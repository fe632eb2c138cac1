/** The small coloured labels of an asset: its kind, data level and QC status. */
import type { AssetKind } from "../../gql/graphql";
import { qcState } from "./qualityControl";

const QC_CLASS = { pass: "badge-pass", fail: "badge-fail", pending: "badge-pending", unknown: "badge-neutral" } as const;

export function KindBadge({ kind }: { kind: AssetKind }) {
  return kind === "DERIVED" ? <span className="badge badge-derived">Derived</span> : <span className="badge badge-primary">Primary</span>;
}

/** A QC status in its colour; the word is there too, so colour is never the only signal. */
export function QcBadge({ status, prefix = "QC " }: { status: string | null; prefix?: string }) {
  if (!status) return null;
  const word = status.charAt(0).toUpperCase() + status.slice(1).toLowerCase();
  return <span className={`badge ${QC_CLASS[qcState(status)]}`}>{`${prefix}${word}`}</span>;
}

export function LevelBadge({ level }: { level: string | null }) {
  return level ? <span className="badge badge-neutral">{level}</span> : null;
}
