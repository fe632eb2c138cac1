/** What a quality-control status means, however a record spells it: records of every schema
 * generation write "Pass", "PASSED", "in_progress", "OK"... The catalog shows one reading of them
 * on every page. */

export type QcState = "pass" | "fail" | "pending" | "unknown";

const QC_WORDS: Record<Exclude<QcState, "unknown">, readonly string[]> = {
  pass: ["pass", "passed", "passing", "ok", "good"],
  fail: ["fail", "failed", "failing", "bad"],
  pending: ["pending", "in progress", "awaiting", "todo", "to do"],
};

/** A status as one lower-case word group: "In_Progress " reads "in progress". */
function normalised(status: string): string {
  return status.trim().toLowerCase().replace(/[\s_-]+/g, " ");
}

/** Anything that is not a known spelling (or not a string at all) is "unknown". */
export function qcState(status: unknown): QcState {
  if (typeof status !== "string") return "unknown";
  const word = normalised(status);
  for (const [state, words] of Object.entries(QC_WORDS) as [Exclude<QcState, "unknown">, readonly string[]][]) {
    if (words.includes(word)) return state;
  }
  return "unknown";
}

/** How a status reads in a badge or a tooltip: "QC pass", "QC in progress", "No QC". */
export function qcLabel(status: string | null | undefined, prefix = "QC "): string {
  const word = status == null ? "" : normalised(status);
  return word === "" ? "No QC" : `${prefix}${word}`;
}
