/** "Download files": the /manifest link for the current search and the commands that use it. */
import type { AssetFilter } from "../../gql/graphql";
import { shellQuote } from "../../lib/snippets";

export type ManifestFormat = "aria2" | "tsv" | "json";

export const MANIFEST_FORMATS: readonly { format: ManifestFormat; label: string }[] = [
  { format: "aria2", label: "aria2c" },
  { format: "tsv", label: "TSV" },
  { format: "json", label: "JSON" },
];

/** Characters of a filter the /manifest route reads from its query string. */
export const MAX_MANIFEST_FILTER_CHARS = 16 * 1024;

/** `/manifest?filter=<JSON>&pathGlob=<glob>&format=...`; no filter lists every asset's files. */
export function manifestPath(filter: AssetFilter | null, pathGlob: string, format: ManifestFormat): string {
  const params = new URLSearchParams();
  if (filter) params.set("filter", JSON.stringify(filter));
  if (pathGlob.trim()) params.set("pathGlob", pathGlob.trim());
  params.set("format", format);
  return `/manifest?${params.toString()}`;
}

export function manifestFits(filter: AssetFilter | null): boolean {
  return JSON.stringify(filter ?? {}).length <= MAX_MANIFEST_FILTER_CHARS;
}

/** The shell lines that fetch the manifest and, for aria2c, every file it lists into ./data,
 * each checked against its SHA-256. */
export function downloadCommand(absoluteUrl: string, format: ManifestFormat): string {
  const fetch = `curl -sS ${shellQuote(absoluteUrl)} -o manifest.${format}`;
  if (format === "aria2") return `${fetch} && aria2c -i manifest.aria2 -d data --check-integrity=true`;
  return fetch;
}

/** What to do with a TSV or JSON manifest, which lists the files but does not fetch them. */
export function formatNote(format: ManifestFormat): string {
  switch (format) {
    case "aria2":
      return "aria2c saves each file as data/<asset>/<path> and checks its SHA-256.";
    case "tsv":
      return "One line per file: url, asset/path, size, sha256, separated by tabs (e.g. cut -f1 for the URLs).";
    case "json":
      return "An array of objects with asset, path, size, sha256 and url.";
  }
}
