/** The whole search view as a URL: what a colleague opens, what back/forward and reload keep.
 * And the GraphQL filter it means, with any one part left out for disjunctive facet counts. */
import type { AssetFilter, AssetKind } from "../../gql/graphql";
import { DEFAULT_SORT, formatSort, isDefaultSort, parseSort, type Sort } from "./sorting";
import { isMonth, monthStart, nextMonth } from "./timeline";

/** The facets, by their URL parameter, in the order the sidebar shows them. */
export const FACET_KEYS = [
  "modality",
  "species",
  "project",
  "subject",
  "level",
  "kind",
  "year",
  "qc",
  "instrument",
  "investigator",
] as const;

export type FacetKey = (typeof FACET_KEYS)[number];
export type Selections = Record<FacetKey, readonly string[]>;

export interface SearchState {
  /** Free text as typed (words of a name, subject id or project). */
  q: string;
  selected: Selections;
  /** The timeline range, inclusive months (YYYY-MM); null is open. */
  from: string | null;
  to: string | null;
  sort: Sort;
}

/** What a filter may leave out: one facet's selection, or the timeline range. */
export type OmitPart = FacetKey | "range";

/** Filters nested with and/or/not, plus metadata predicates, that the server takes in one filter. */
export const MAX_FILTER_PARTS = 64;

const KINDS: readonly AssetKind[] = ["PRIMARY", "DERIVED"];
const YEAR = /^\d{4}$/;

function noSelections(): Record<FacetKey, string[]> {
  return { modality: [], species: [], project: [], subject: [], level: [], kind: [], year: [], qc: [], instrument: [], investigator: [] };
}

export const EMPTY_STATE: SearchState = { q: "", selected: noSelections(), from: null, to: null, sort: DEFAULT_SORT };

/** A facet value as the URL may carry it, or null when it cannot be one (junk is dropped). */
function cleanValue(key: FacetKey, raw: string): string | null {
  if (raw.trim() === "") return null;
  if (key === "kind") {
    const kind = raw.trim().toUpperCase();
    return KINDS.find((known) => known === kind) ?? null;
  }
  if (key === "year") return YEAR.test(raw.trim()) ? raw.trim() : null;
  return raw;
}

function cleanMonth(raw: string | null): string | null {
  const month = raw?.trim() ?? "";
  return isMonth(month) ? month : null;
}

/** Any query string as a view: unknown parameters, junk values and repeats are ignored. */
export function parseSearch(params: URLSearchParams): SearchState {
  const selected = noSelections();
  for (const key of FACET_KEYS) {
    const values = params.getAll(key).map((raw) => cleanValue(key, raw));
    selected[key] = [...new Set(values.filter((value): value is string => value !== null))];
  }
  let from = cleanMonth(params.get("from"));
  let to = cleanMonth(params.get("to"));
  if (from && to && from > to) [from, to] = [to, from];
  return { q: params.get("q") ?? "", selected, from, to, sort: parseSort(params.get("sort")) };
}

/** The shortest URL for a view, its parameters always in the same order. */
export function serializeSearch(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set("q", state.q);
  for (const key of FACET_KEYS) for (const value of state.selected[key]) params.append(key, value);
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  if (!isDefaultSort(state.sort)) params.set("sort", formatSort(state.sort));
  return params;
}

/** The query string of a view, with the sort's colon left readable (`sort=name:asc`). */
export function toQueryString(state: SearchState): string {
  return serializeSearch(state).toString().replaceAll("%3A", ":");
}

export function toggleValue(state: SearchState, key: FacetKey, value: string): SearchState {
  const current = state.selected[key];
  const values = current.includes(value) ? current.filter((item) => item !== value) : [...current, value];
  return { ...state, selected: { ...state.selected, [key]: values } };
}

export function withRange(state: SearchState, from: string | null, to: string | null): SearchState {
  const ordered = from && to && from > to ? { from: to, to: from } : { from, to };
  return { ...state, ...ordered };
}

/** Nothing chosen, the order kept. */
export function clearAll(state: SearchState): SearchState {
  return { ...EMPTY_STATE, sort: state.sort };
}

export function hasChoices(state: SearchState): boolean {
  return state.q.trim() !== "" || state.from !== null || state.to !== null || FACET_KEYS.some((key) => state.selected[key].length > 0);
}

/** One value of a facet as a filter of one field. */
const SINGLE: Record<Exclude<FacetKey, "modality" | "year">, (value: string) => AssetFilter> = {
  species: (value) => ({ species: value }),
  project: (value) => ({ project: value }),
  subject: (value) => ({ subjectId: value }),
  level: (value) => ({ dataLevel: value }),
  kind: (value) => ({ kind: KINDS.find((known) => known === value) ?? null }),
  qc: (value) => ({ qcStatus: value }),
  instrument: (value) => ({ instrumentId: value }),
  investigator: (value) => ({ investigator: value }),
};

/** Any of several filters; one needs no `or` (and counts one part less). */
function anyOf(filters: AssetFilter[]): AssetFilter {
  return filters.length === 1 && filters[0] ? filters[0] : { or: filters };
}

/** Runs of consecutive years as one range each: 2022, 2023, 2025 is two ranges. */
function yearRanges(years: readonly string[]): AssetFilter[] {
  const sorted = [...new Set(years.map(Number))].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const year of sorted) {
    const run = runs[runs.length - 1];
    if (run && run[1] === year - 1) run[1] = year;
    else runs.push([year, year]);
  }
  const start = (year: number) => `${String(year).padStart(4, "0")}-01-01T00:00:00Z`;
  return runs.map(([first, last]) => ({ acquiredAfter: start(first), acquiredBefore: start(last + 1) }));
}

function facetFilter(key: FacetKey, values: readonly string[]): AssetFilter {
  if (key === "modality") return { modality: [...values] };
  if (key === "year") return anyOf(yearRanges(values));
  return anyOf(values.map(SINGLE[key]));
}

function rangeFilter(from: string | null, to: string | null): AssetFilter {
  return {
    ...(from ? { acquiredAfter: monthStart(from) } : {}),
    ...(to ? { acquiredBefore: monthStart(nextMonth(to)) } : {}),
  };
}

/** The view's filter, every part inside one top-level `and` (null when nothing is chosen): the
 * server would drop a facet's own fields at the top level, so this page decides instead, by
 * leaving out `omit`. */
export function toFilter(state: SearchState, omit?: OmitPart): AssetFilter | null {
  const parts: AssetFilter[] = [];
  const text = state.q.trim();
  if (text) parts.push({ text });
  for (const key of FACET_KEYS) {
    const values = state.selected[key];
    if (key !== omit && values.length > 0) parts.push(facetFilter(key, values));
  }
  if (omit !== "range" && (state.from || state.to)) parts.push(rangeFilter(state.from, state.to));
  return parts.length > 0 ? { and: parts } : null;
}

/** Parts as the server counts them: each filter, nested or not, and each metadata predicate. */
export function countParts(filter: AssetFilter | null | undefined): number {
  if (!filter) return 0;
  const nested = [...(filter.and ?? []), ...(filter.or ?? []), ...(filter.not ? [filter.not] : [])];
  return 1 + (filter.metadata?.length ?? 0) + nested.reduce((sum, sub) => sum + countParts(sub), 0);
}

export function withinLimit(filter: AssetFilter | null | undefined): boolean {
  return countParts(filter) <= MAX_FILTER_PARTS;
}
