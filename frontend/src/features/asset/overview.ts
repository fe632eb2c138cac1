/** The header's one-line facts about an asset, from its typed fields. */
import { formatBytes, formatCount, formatDuration, formatInstant } from "../../lib/format";

/** "2023-07-05 21:42 – 2023-07-06 01:00 UTC (3 h 18 min)"; the end's date only when it differs. */
export function acquiredText(start: string | null, end: string | null, seconds: number | null): string | null {
  if (!start) return null;
  const from = formatInstant(start).replace(/ UTC$/, "");
  const to = end ? formatInstant(end).replace(/ UTC$/, "") : null;
  const sameDay = to != null && to.slice(0, 10) === from.slice(0, 10);
  const range = to && to !== from ? `${from} – ${sameDay ? to.slice(11) : to} UTC` : `${from} UTC`;
  return seconds != null && seconds > 0 ? `${range} (${formatDuration(seconds)})` : range;
}

/** "516 days (73 weeks)": mouse ages are read in days and weeks. */
export function ageText(days: number | null): string | null {
  if (days == null || days < 0) return null;
  if (days < 14) return `${days} day${days === 1 ? "" : "s"}`;
  return `${formatCount(days)} days (${Math.floor(days / 7)} weeks)`;
}

export function filesText(count: number, bytes: number): string {
  return `${formatCount(count)} file${count === 1 ? "" : "s"} · ${formatBytes(bytes)}`;
}

/** "620642 · Mus musculus · Female". */
export function subjectText(subject: { subjectId: string | null; species: string | null; sex: string | null }): string | null {
  return [subject.subjectId, subject.species, subject.sex].filter(Boolean).join(" · ") || null;
}
