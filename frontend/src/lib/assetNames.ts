/** What an asset's name says: names read `[<label>_]<subject>_<date>_<time>[_<process>_<date>_<time>...]`. */

/** A date token of a name: "2023-07-05". */
export const DATE_TOKEN = /^\d{4}-\d{2}-\d{2}$/;

/** The subject id: the token before the first date, else the first long number, else null. */
export function subjectToken(name: string): string | null {
  const tokens = name.split("_").filter(Boolean);
  const date = tokens.findIndex((token) => DATE_TOKEN.test(token));
  if (date > 0) return tokens[date - 1] ?? null;
  return tokens.find((token) => /^\d{5,}$/.test(token)) ?? null;
}
