/** Which metadata documents the page shows, in the order a scientist reads them, and under
 * which heading: the subject, what was done to it, how it was recorded and on what, then the
 * rest. `metadata` with no arguments is every registered document keyed by document name. */
import { type Fact, humanize, isRecord, label, text } from "./json";

export type SectionKind =
  | "subject"
  | "procedures"
  | "acquisition"
  | "instrument"
  | "data_description"
  | "processing"
  | "quality_control"
  | "other";

export interface DocumentSection {
  /** The document's name in the metadata (acquisition, session, rig, ...). */
  key: string;
  /** The id of its `<section>`, for in-page links. */
  id: string;
  title: string;
  kind: SectionKind;
  schemaVersion: string | null;
  document: unknown;
}

interface Known {
  key: string;
  title: string;
  kind: SectionKind;
}

/** Known documents in reading order; a session (0.x/1.x) reads like an acquisition. */
const KNOWN: Known[] = [
  { key: "subject", title: "Subject", kind: "subject" },
  { key: "procedures", title: "Procedures", kind: "procedures" },
  { key: "session", title: "Session", kind: "acquisition" },
  { key: "acquisition", title: "Acquisition", kind: "acquisition" },
  { key: "instrument", title: "Instrument", kind: "instrument" },
  { key: "rig", title: "Instrument", kind: "instrument" },
  { key: "data_description", title: "Data description", kind: "data_description" },
  { key: "processing", title: "Processing", kind: "processing" },
  { key: "quality_control", title: "Quality control", kind: "quality_control" },
];

export function documentSections(metadata: unknown): DocumentSection[] {
  if (!isRecord(metadata)) return [];
  const present = Object.entries(metadata).filter(([, document]) => document != null);
  const has = (key: string) => present.some(([name]) => name === key);
  const section = (key: string, title: string, kind: SectionKind, document: unknown): DocumentSection => ({
    key,
    id: `doc-${key.replace(/[^A-Za-z0-9_-]/g, "-")}`,
    title,
    kind,
    schemaVersion: isRecord(document) ? text(document.schema_version) : null,
    document,
  });
  const known = KNOWN.filter(({ key }) => has(key)).map(({ key, title, kind }) =>
    // A record carrying both an instrument and a rig shows them under two headings.
    section(key, key === "rig" && has("instrument") ? "Rig" : title, kind, metadata[key]),
  );
  const others = present
    .filter(([key]) => !KNOWN.some((entry) => entry.key === key))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, document]) => section(key, humanize(key), "other", document));
  return [...known, ...others];
}

/** A document the page has no summary for: its top-level values that read as text. */
export function scalarFacts(document: unknown): Fact[] {
  if (!isRecord(document)) return [];
  return Object.entries(document)
    .filter(([key]) => key !== "describedBy" && key !== "schema_version")
    .map(([key, value]) => ({ label: humanize(key), value: label(value) }))
    .filter((fact): fact is Fact => fact.value != null);
}
