/** The graph's view settings live in the URL (`?direction=both&depth=10`), so a shared link
 * shows the same graph. Anything unreadable falls back to the defaults rather than failing. */
import type { ProvenanceDirection } from "../../gql/graphql";

export type Direction = "upstream" | "downstream" | "both";

export interface GraphParams {
  direction: Direction;
  depth: number;
}

export const DIRECTIONS: readonly Direction[] = ["upstream", "downstream", "both"];
export const DIRECTION_LABELS: Record<Direction, string> = { upstream: "Upstream", downstream: "Downstream", both: "Both" };

/** The server walks at most 50 hops (catalog/limits.py MAX_PROVENANCE_DEPTH). */
export const DEPTH_MIN = 1;
export const DEPTH_MAX = 50;
export const DEFAULT_DEPTH = 10;
/** And at most the 10,000 nearest names each way (catalog/limits.py MAX_PROVENANCE_NODES). */
export const NODES_MAX = 10_000;
export const DEFAULT_PARAMS: GraphParams = { direction: "both", depth: DEFAULT_DEPTH };

export function parseDirection(value: string | null | undefined): Direction {
  const wanted = value?.trim().toLowerCase();
  return DIRECTIONS.find((direction) => direction === wanted) ?? DEFAULT_PARAMS.direction;
}

/** A whole number of hops within the server's bounds; text that is no number means the default. */
export function clampDepth(value: string | number | null | undefined): number {
  const number = typeof value === "number" ? value : value == null || value.trim() === "" ? Number.NaN : Number(value);
  if (!Number.isFinite(number)) return DEFAULT_DEPTH;
  return Math.min(DEPTH_MAX, Math.max(DEPTH_MIN, Math.round(number)));
}

export function parseGraphParams(search: URLSearchParams): GraphParams {
  return { direction: parseDirection(search.get("direction")), depth: clampDepth(search.get("depth")) };
}

/** Both settings are always written, so the URL says what the graph shows. */
export function graphSearchParams(params: GraphParams): URLSearchParams {
  return new URLSearchParams({ direction: params.direction, depth: String(params.depth) });
}

export function toProvenanceDirection(direction: Direction): ProvenanceDirection {
  const values: Record<Direction, ProvenanceDirection> = { upstream: "UPSTREAM", downstream: "DOWNSTREAM", both: "BOTH" };
  return values[direction];
}

/** The next depth worth trying when the limit left assets out. */
export function deeper(depth: number): number {
  return clampDepth(Math.max(depth + 1, depth * 2));
}
