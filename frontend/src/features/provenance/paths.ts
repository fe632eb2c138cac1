/** Where the page links besides an asset's page: the provenance graph of another asset. */
import { assetPath } from "../../lib/paths";
import { type GraphParams, graphSearchParams } from "./params";

/** The same view settings carry over, so walking from node to node keeps the graph's shape. */
export function provenancePath(name: string, params: GraphParams): string {
  return `${assetPath(name)}/provenance?${graphSearchParams(params).toString()}`;
}
