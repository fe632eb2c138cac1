/** The result order: one column and a direction, written in the URL as `sort=acquired:desc`. */
import type { AssetOrder, AssetOrderField } from "../../gql/graphql";

/** The columns the API can order by, as the URL names them. */
export const SORT_FIELDS = {
  name: "NAME",
  kind: "KIND",
  subject: "SUBJECT_ID",
  acquired: "ACQUIRED_AT",
  project: "PROJECT",
  qc: "QC_STATUS",
  files: "FILE_COUNT",
  size: "TOTAL_SIZE",
} as const satisfies Record<string, AssetOrderField>;

export type SortKey = keyof typeof SORT_FIELDS;
export type SortDirection = "asc" | "desc";

export interface Sort {
  key: SortKey;
  direction: SortDirection;
}

export const DEFAULT_SORT: Sort = { key: "acquired", direction: "desc" };

/** A first click orders text A→Z, but dates and amounts newest or largest first. */
const FIRST_DIRECTION: Record<SortKey, SortDirection> = {
  name: "asc",
  kind: "asc",
  subject: "asc",
  acquired: "desc",
  project: "asc",
  qc: "asc",
  files: "desc",
  size: "desc",
};

function isSortKey(text: string): text is SortKey {
  return Object.hasOwn(SORT_FIELDS, text);
}

/** `acquired:desc`, `name` (its first direction) or anything else (the default order). */
export function parseSort(text: string | null): Sort {
  if (!text) return DEFAULT_SORT;
  const [key = "", direction, ...rest] = text.trim().toLowerCase().split(":");
  if (!isSortKey(key) || rest.length > 0) return DEFAULT_SORT;
  if (direction === undefined) return { key, direction: FIRST_DIRECTION[key] };
  if (direction !== "asc" && direction !== "desc") return DEFAULT_SORT;
  return { key, direction };
}

export function formatSort(sort: Sort): string {
  return `${sort.key}:${sort.direction}`;
}

export function isDefaultSort(sort: Sort): boolean {
  return sort.key === DEFAULT_SORT.key && sort.direction === DEFAULT_SORT.direction;
}

/** Clicking the sorted column reverses it; another column starts in its first direction. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, direction: current.direction === "asc" ? "desc" : "asc" };
  return { key, direction: FIRST_DIRECTION[key] };
}

export function ariaSort(current: Sort, key: SortKey): "ascending" | "descending" | "none" {
  if (current.key !== key) return "none";
  return current.direction === "asc" ? "ascending" : "descending";
}

export function toOrderBy(sort: Sort): AssetOrder[] {
  return [{ field: SORT_FIELDS[sort.key], direction: sort.direction === "asc" ? "ASC" : "DESC" }];
}
