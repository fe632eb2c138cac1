/** Real metadata for the extractor tests: shared/fixtures, read from disk (tests only). */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Paths rather than URLs: under jsdom the global URL does not resolve file: URLs.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../../../../shared/fixtures");

/** A fixture file, parsed: e.g. "examples-v2/subject.json". */
export function fixture(path: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, path), "utf8")) as unknown;
}

/** One document of a whole real record in records/: e.g. ("SmartSPIM_620642_...", "subject"). */
export function recordDocument(record: string, document: string): unknown {
  const whole = fixture(`records/${record}.json`);
  return typeof whole === "object" && whole !== null ? (whole as Record<string, unknown>)[document] : undefined;
}

/** The JSON files of a fixture folder, as paths for `fixture`: e.g. "records/x.json". */
export function fixtureFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".json"))
    .map((file) => `${folder}/${file}`);
}
