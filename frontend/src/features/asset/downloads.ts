/** Links and scripts that fetch an asset's files: one file through /download (a 302 to a fresh
 * signed URL), all of them through a manifest or a shell script with checksums. */
import { formatBytes, formatCount, formatInstant } from "../../lib/format";
import { shellQuote } from "../../lib/snippets";

export type ManifestFormat = "aria2" | "tsv" | "json";

export interface ManifestFile {
  asset: string;
  path: string;
  size: number;
  sha256?: string | null;
  url: string;
}

export interface ScriptManifest {
  files: ManifestFile[];
  expiresAt: string;
  count: number;
  totalSize: number;
  truncated: boolean;
}

/** /download/<asset>/<path>, each path segment escaped on its own so the slashes stay. */
export function downloadHref(asset: string, path: string): string {
  return `/download/${encodeURIComponent(asset)}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/** This asset's files (those matching the glob, if any) as an aria2c, TSV or JSON manifest. */
export function manifestHref(asset: string, pathGlob: string | null, format: ManifestFormat): string {
  const params = new URLSearchParams({ filter: JSON.stringify({ name: asset }) });
  if (pathGlob) params.set("pathGlob", pathGlob);
  params.set("format", format);
  return `/manifest?${params.toString()}`;
}

/** A file name safe on any system, e.g. for the downloaded script. */
function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_");
}

export function scriptFileName(asset: string): string {
  return `download-${safeFileName(asset)}.sh`;
}

/** One line: fetch the aria2c manifest, then let aria2c fetch every file and check its sha256. */
export function aria2Command(manifestUrl: string, asset: string): string {
  const file = `${safeFileName(asset)}.aria2`;
  return `curl -fsSL ${shellQuote(manifestUrl)} -o ${shellQuote(file)} && aria2c -i ${shellQuote(file)} -d data --check-integrity=true`;
}

export function shortHash(hash: string, length = 12): string {
  return hash.length > length ? `${hash.slice(0, length)}…` : hash;
}

const SHA256 = /^[0-9a-f]{64}$/i;

/** A `sha256sum -c` line; a name with a backslash or line break is escaped the GNU way (a
 * leading backslash says the name is escaped). */
export function sha256Line(hash: string, file: string): string {
  if (!/[\\\n\r]/.test(file)) return `${hash}  ${file}`;
  const escaped = file.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll("\r", "\\r");
  return `\\${hash}  ${escaped}`;
}

/** Text for a shell comment: kept on one line whatever the name holds. */
function commentText(value: string): string {
  return /[\r\n]/.test(value) ? JSON.stringify(value) : value;
}

/** A bash script that downloads every file of the manifest to <asset>/<path> and then checks
 * each recorded sha256. Every path and URL is single-quoted, so no name is ever run as code. */
export function downloadScript(manifest: ScriptManifest, title: string): string {
  const checked = manifest.files.filter((file) => SHA256.test(file.sha256 ?? ""));
  const unchecked = manifest.files.filter((file) => !SHA256.test(file.sha256 ?? ""));
  const lines = [
    "#!/usr/bin/env bash",
    `# ${commentText(title)}: ${formatCount(manifest.count)} files, ${formatBytes(manifest.totalSize)}.`,
    "# Saves each file as <asset>/<path> below the current folder, then checks every sha256",
    "# (on macOS, write 'shasum -a 256 -c' for 'sha256sum -c').",
    `# The signed URLs expire at ${formatInstant(manifest.expiresAt)}: after that, download a new script.`,
    ...(manifest.truncated ? [`# More files matched than one manifest lists: these are the first ${formatCount(manifest.files.length)}.`] : []),
    "set -euo pipefail",
    "",
    ...manifest.files.map((file) => `curl -fL --create-dirs -o ${shellQuote(`${file.asset}/${file.path}`)} ${shellQuote(file.url)}`),
  ];
  if (checked.length > 0) {
    lines.push(
      "",
      "sha256sum -c <<'SHA256SUMS'",
      ...checked.map((file) => sha256Line(file.sha256 ?? "", `${file.asset}/${file.path}`)),
      "SHA256SUMS",
    );
  }
  if (unchecked.length > 0) {
    lines.push("", "# No sha256 recorded, so not checked:", ...unchecked.map((file) => `#   ${commentText(`${file.asset}/${file.path}`)}`));
  }
  return `${lines.join("\n")}\n`;
}

/** The first lines of a long text, and how many lines were left out. */
export function preview(textToShow: string, maxLines: number): { text: string; hidden: number } {
  const lines = textToShow.replace(/\n$/, "").split("\n");
  if (lines.length <= maxLines) return { text: lines.join("\n"), hidden: 0 };
  return { text: lines.slice(0, maxLines).join("\n"), hidden: lines.length - maxLines };
}
