/** Short node labels. Asset names follow `<modality>_<subject>_<date>_<time>` with
 * `_<process>_<date>_<time>` appended at each processing step, so a full name grows to 90+
 * characters; on a node the last step and its date say enough (the edge into it names the
 * process, the full name is in the tooltip, side panel and table). An asset the viewer may not
 * read has no name to shorten: it is labelled as restricted, with its kind. */
import type { AssetKind } from "../../gql/graphql";
import { KIND_WORDS } from "../../lib/kind";

/** What a restricted asset is called wherever a name would be: its placeholder is no name. */
export const RESTRICTED = "Restricted asset";

/** Its kind in words, "Kind unknown" when the catalog does not know it. */
export function kindWords(kind: AssetKind | null): string {
  return kind ? KIND_WORDS[kind] : "Kind unknown";
}

/** The label of a restricted asset's node: that it is restricted, then its kind. */
export function restrictedLabel(kind: AssetKind | null): string {
  return `${RESTRICTED}\n${kindWords(kind)}`;
}

const STAMP = /(\d{4}-\d{2}-\d{2})_(\d{2})-(\d{2})-\d{2}/g;
const MAX_LABEL = 26;

interface Step {
  /** What came before the stamp: the session's prefix for the first, the process for later ones. */
  what: string;
  date: string;
  time: string;
}

/** Cuts the middle out of a long text, keeping both ends that tell names apart. */
export function middleEllipsis(text: string, max = MAX_LABEL): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

function steps(name: string): Step[] {
  const found: Step[] = [];
  let last = 0;
  for (const match of name.matchAll(STAMP)) {
    const what = name.slice(last, match.index).replace(/^_+|_+$/g, "");
    found.push({ what, date: match[1] ?? "", time: `${match[2] ?? ""}:${match[3] ?? ""}` });
    last = match.index + match[0].length;
  }
  // Text after the last stamp is not part of the convention: such names are shown as they are.
  return name.slice(last).replace(/^_+/, "") === "" ? found : [];
}

/** A two-line label: what the asset is, then when. `withTime` tells apart steps on one day. */
export function shortLabel(name: string, withTime = false): string {
  const found = steps(name);
  const step = found[found.length - 1];
  if (!step || !step.what) return middleEllipsis(name);
  const when = withTime ? `${step.date} ${step.time}` : step.date;
  return `${middleEllipsis(step.what.replaceAll("_", " "))}\n${when}`;
}

/** Labels for every node of one graph; where two would read the same, both show their time,
 * and where even that collides, the names themselves (shortened) are shown. */
export function shortLabels(names: readonly string[]): Map<string, string> {
  const labels = new Map<string, string>();
  const counts = (of: Map<string, string>) => {
    const seen = new Map<string, number>();
    for (const label of of.values()) seen.set(label, (seen.get(label) ?? 0) + 1);
    return seen;
  };
  for (const name of names) labels.set(name, shortLabel(name));
  let seen = counts(labels);
  for (const name of names) if ((seen.get(labels.get(name) ?? "") ?? 0) > 1) labels.set(name, shortLabel(name, true));
  seen = counts(labels);
  for (const name of names) if ((seen.get(labels.get(name) ?? "") ?? 0) > 1) labels.set(name, middleEllipsis(name));
  return labels;
}
