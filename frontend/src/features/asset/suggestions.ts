/** "Did you mean": names near one that is not registered, found by its subject id or its first
 * tokens (the free-text filter matches every word as part of a name, subject id or project). */
import type { AssetFilter } from "../../gql/graphql";
import { DATE_TOKEN, subjectToken } from "../../lib/assetNames";

/** Its first tokens before any date, as words: "SmartSPIM 620642". */
export function leadingWords(name: string, count = 2): string | null {
  const tokens = name.split(/[_\s]+/).filter(Boolean);
  const date = tokens.findIndex((token) => DATE_TOKEN.test(token));
  const lead = tokens.slice(0, Math.min(count, date >= 0 ? date : tokens.length));
  return lead.length > 0 ? lead.join(" ") : null;
}

export function suggestionFilter(name: string): AssetFilter | null {
  const texts = [...new Set([subjectToken(name), leadingWords(name)].filter((text): text is string => text != null))];
  if (texts.length === 0) return null;
  return texts.length === 1 ? { text: texts[0] } : { or: texts.map((text) => ({ text })) };
}

function commonPrefix(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length += 1;
  return length;
}

/** The closest names first: the same subject, then the longest shared beginning. */
export function rankSuggestions(asked: string, names: string[], max = 5): string[] {
  const subject = subjectToken(asked);
  const score = (name: string) => (subject != null && subjectToken(name) === subject ? 1000 : 0) + commonPrefix(asked, name);
  return [...new Set(names)]
    .filter((name) => name !== asked)
    .map((name, index) => ({ name, index, score: score(name) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, max)
    .map(({ name }) => name);
}
