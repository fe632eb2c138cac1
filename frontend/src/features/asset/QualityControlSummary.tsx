import { QcBadge } from "../../components/Badges";
import type { QualityControlView } from "./qualityControl";

export function QualityControlSummary({ qc }: { qc: QualityControlView }) {
  const { pass, fail, pending, unknown } = qc.counts;
  const parts = [
    pass > 0 && `${pass} passed`,
    fail > 0 && `${fail} failed`,
    pending > 0 && `${pending} pending`,
    unknown > 0 && `${unknown} without a status`,
  ].filter(Boolean);
  return (
    <>
      {qc.checks.length > 0 ? <p>{`${qc.checks.length} check${qc.checks.length === 1 ? "" : "s"}: ${parts.join(", ")}.`}</p> : <p className="muted">No checks recorded.</p>}
      {qc.groups.length > 0 && (
        <ul className="asset-badges" aria-label="Status by group">
          {qc.groups.map((group) => (
            <li key={group.name}>
              <QcBadge status={group.status} prefix={`${group.name}: `} />
            </li>
          ))}
        </ul>
      )}
      {qc.checks.length > 0 && (
        <div className="table-scroll asset-tall">
          <table className="data" aria-label="Quality checks">
            <thead>
              <tr>
                <th scope="col">Check</th>
                <th scope="col">Status</th>
                <th scope="col">Modality</th>
                <th scope="col">Stage</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {qc.checks.map((check, index) => (
                <tr key={index}>
                  <td>{check.name}</td>
                  <td>{check.status ? <QcBadge status={check.status} prefix="" /> : "—"}</td>
                  <td>{check.modality ?? "—"}</td>
                  <td>{check.stage ?? "—"}</td>
                  <td className="asset-detail-cell">{check.detail ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {qc.notes && <p className="asset-note">{qc.notes}</p>}
    </>
  );
}
