/** Where the page links: an asset's page and its provenance graph, names encoded as one segment. */
import { type GraphParams, graphSearchParams } from "./params";

export function assetPath(name: string): string {
  return `/assets/${encodeURIComponent(name)}`;
}

/** The same view settings carry over, so walking from node to node keeps the graph's shape. */
export function provenancePath(name: string, params: GraphParams): string {
  return `${assetPath(name)}/provenance?${graphSearchParams(params).toString()}`;
}
