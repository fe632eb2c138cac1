/** The quality-control document: 1.x groups metrics into `evaluations`, each with a status;
 * 2.x lists `metrics` directly (each with its status history) and a `status` per tag. */
import { type QcState, qcState } from "../../lib/qc";
import { isRecord, type JsonRecord, label, records, text } from "./json";

export interface QcCheck {
  name: string;
  modality: string | null;
  stage: string | null;
  status: string | null;
  state: QcState;
  /** "3 metrics" for an evaluation, the measured value for a 2.x metric. */
  detail: string | null;
}

export interface QualityControlView {
  checks: QcCheck[];
  /** Counts of checks per state, for the summary line. */
  counts: Record<QcState, number>;
  /** 2.x: the status of each tag or group ("Processing: Fail"). */
  groups: { name: string; status: string; state: QcState }[];
  notes: string | null;
}

/** The newest status a metric's history records. */
function latestStatus(metric: JsonRecord): string | null {
  const history = records(metric.status_history);
  return text(history.at(-1)?.status) ?? text(metric.status);
}

/** An evaluation without its own status passes only if every metric does. */
function combined(statuses: (string | null)[]): string | null {
  const states = statuses.map(qcState);
  if (states.length === 0) return null;
  if (states.includes("fail")) return "Fail";
  if (states.includes("pending")) return "Pending";
  return states.every((state) => state === "pass") ? "Pass" : null;
}

function evaluationCheck(evaluation: JsonRecord): QcCheck {
  const metrics = records(evaluation.metrics);
  const status = text(evaluation.latest_status) ?? latestStatus(evaluation) ?? combined(metrics.map(latestStatus));
  return {
    name: text(evaluation.name) ?? "Evaluation",
    modality: label(evaluation.modality),
    stage: text(evaluation.stage),
    status,
    state: qcState(status),
    detail: metrics.length > 0 ? `${metrics.length} metric${metrics.length === 1 ? "" : "s"}` : null,
  };
}

function metricCheck(metric: JsonRecord): QcCheck {
  const status = latestStatus(metric);
  const value = text(metric.value);
  return {
    name: text(metric.name) ?? "Metric",
    modality: label(metric.modality),
    stage: text(metric.stage),
    status,
    state: qcState(status),
    detail: value,
  };
}

export function qualityControlView(document: unknown): QualityControlView | null {
  if (!isRecord(document)) return null;
  const checks = [...records(document.evaluations).map(evaluationCheck), ...records(document.metrics).map(metricCheck)];
  const counts: Record<QcState, number> = { pass: 0, fail: 0, pending: 0, unknown: 0 };
  for (const check of checks) counts[check.state] += 1;
  const statuses = isRecord(document.status) ? Object.entries(document.status) : [];
  const groups = statuses.flatMap(([name, value]) => {
    const status = text(value);
    return status ? [{ name, status, state: qcState(status) }] : [];
  });
  return { checks, counts, groups, notes: text(document.notes) };
}
