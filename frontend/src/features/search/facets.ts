/** Disjunctive facets: which `facets` calls the sidebar and the timeline need, and which values
 * a facet shows. Each facet counts under the filter without its own selection, so ticking a
 * value keeps the others of that facet in view. */
import type { AssetFilter, FacetField } from "../../gql/graphql";
import { type FacetKey, type OmitPart, type SearchState, toFilter } from "./searchState";

export interface FacetDefinition {
  key: FacetKey;
  field: FacetField;
  label: string;
  /** Years read best newest first; everything else most frequent first, as the server sends. */
  order: "count" | "newest";
}

export const FACETS: readonly FacetDefinition[] = [
  { key: "modality", field: "MODALITY", label: "Modality", order: "count" },
  { key: "species", field: "SPECIES", label: "Species", order: "count" },
  { key: "project", field: "PROJECT", label: "Project", order: "count" },
  { key: "subject", field: "SUBJECT", label: "Subject", order: "count" },
  { key: "level", field: "DATA_LEVEL", label: "Data level", order: "count" },
  { key: "kind", field: "KIND", label: "Kind", order: "count" },
  { key: "year", field: "YEAR", label: "Acquisition year", order: "newest" },
  { key: "qc", field: "QC_STATUS", label: "QC status", order: "count" },
  { key: "instrument", field: "INSTRUMENT", label: "Instrument", order: "count" },
  { key: "investigator", field: "INVESTIGATOR", label: "Investigator", order: "count" },
];

/** Values asked for per facet: the server's maximum, so "Show all" shows all. */
export const FACET_LIMIT = 1000;

export interface FacetRequest {
  fields: FacetField[];
  filter: AssetFilter | null;
}

/** One call for every facet without a selection (and the timeline, without a range) under the
 * full filter; one per facet with a selection, and one for a timeline with a range, each without
 * its own part. */
export function planFacetRequests(state: SearchState): FacetRequest[] {
  const byFilter = new Map<string, FacetRequest>();
  const add = (field: FacetField, omit?: OmitPart) => {
    const filter = toFilter(state, omit);
    const key = JSON.stringify(filter);
    const request = byFilter.get(key);
    if (request) request.fields.push(field);
    else byFilter.set(key, { fields: [field], filter });
  };
  for (const facet of FACETS) add(facet.field, state.selected[facet.key].length > 0 ? facet.key : undefined);
  add("MONTH", state.from || state.to ? "range" : undefined);
  return [...byFilter.values()];
}

/** A facet value as text: the server sends strings, numbers (years) or null (not set). */
export function valueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export interface FacetCount {
  value: string | null;
  count: number;
}

/** The counts of a facet as the server answers them, values made text, junk counts as zero. */
export function facetCounts(values: ReadonlyArray<{ value: unknown; count: unknown }>): FacetCount[] {
  return values.map(({ value, count }) => ({
    value: valueText(value),
    count: typeof count === "number" && Number.isFinite(count) ? count : 0,
  }));
}

export interface FacetRow {
  /** null is "(not set)": shown, not selectable (no filter selects a missing value). */
  value: string | null;
  count: number;
  selected: boolean;
}

export interface FacetView {
  rows: FacetRow[];
  /** Values left out until "Show all". */
  hidden: number;
}

/** How many values a facet shows before "Show all" (which is not offered for one or two more). */
export const TOP_VALUES = 8;
const SLACK = 2;

/** The values a facet shows: the top ones (all when expanded), plus every selected value, even
 * one no asset has under the other filters any more (count 0), so it can be unticked. */
export function facetView(
  counts: readonly FacetCount[],
  selected: readonly string[],
  options: { expanded: boolean; order: FacetDefinition["order"]; top?: number },
): FacetView {
  const top = options.top ?? TOP_VALUES;
  const known = new Set(counts.map((item) => item.value));
  const all: FacetRow[] = [
    ...counts.map((item) => ({ ...item, selected: item.value !== null && selected.includes(item.value) })),
    ...selected.filter((value) => !known.has(value)).map((value) => ({ value, count: 0, selected: true })),
  ];
  if (options.order === "newest") {
    all.sort((a, b) => (a.value === null ? 1 : b.value === null ? -1 : b.value.localeCompare(a.value, "en", { numeric: true })));
  }
  if (options.expanded || all.length <= top + SLACK) return { rows: all, hidden: 0 };
  const rows = all.filter((row, position) => position < top || row.selected);
  return { rows, hidden: all.length - rows.length };
}
