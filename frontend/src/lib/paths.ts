/** Where the pages link to one another. */
import { subjectToken } from "./assetNames";

/** An asset's page; its name is one path segment, whatever characters it holds. */
export function assetPath(name: string): string {
  return `/assets/${encodeURIComponent(name)}`;
}

/** The search for the subject a name speaks of (the search page reads its free text from `q`),
 * so a name nothing is registered under still leads to its neighbours; all assets otherwise. */
export function searchPathFor(name: string): string {
  const subject = subjectToken(name);
  return subject ? `/?${new URLSearchParams({ q: subject }).toString()}` : "/";
}
