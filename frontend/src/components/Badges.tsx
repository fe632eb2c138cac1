/** The small coloured labels of an asset, spelled the same on every page: its kind, its data
 * level and its QC status. The word is always there too, so colour is never the only signal. */
import type { AssetKind } from "../gql/graphql";
import { KIND_WORDS } from "../lib/kind";
import { qcLabel, type QcState, qcState } from "../lib/qc";

const KIND_CLASS: Record<AssetKind, string> = { PRIMARY: "badge-primary", DERIVED: "badge-derived" };
const QC_CLASS: Record<QcState, string> = { pass: "badge-pass", fail: "badge-fail", pending: "badge-pending", unknown: "badge-neutral" };

export function KindBadge({ kind }: { kind: AssetKind }) {
  return <span className={`badge ${KIND_CLASS[kind]}`}>{KIND_WORDS[kind]}</span>;
}

/** "QC pass" coloured by what the status means, whatever its spelling; "No QC" without one.
 * The prefix names what the status is of ("Processing: fail"). */
export function QcBadge({ status, prefix }: { status: string | null; prefix?: string }) {
  return <span className={`badge ${QC_CLASS[qcState(status)]}`}>{qcLabel(status, prefix)}</span>;
}

/** A data level the kind badge does not already say: pass it `levelNote(level, kind)`. */
export function LevelBadge({ level }: { level: string }) {
  return <span className="badge badge-neutral">Level: {level}</span>;
}

/** A derived asset still built step by step: shown to writers only, until it is sealed. */
export function DraftBadge({ step }: { step: string | null }) {
  return (
    <span className="badge badge-pending" title="Visible to writers only until it is sealed">
      Draft{step ? ` · step ${step}` : ""}
    </span>
  );
}
