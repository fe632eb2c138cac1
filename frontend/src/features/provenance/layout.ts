/** The layered layout as plain data, so it can run in a Web Worker (layout.worker.ts) as well as
 * in the page: the graph goes in as node boxes and edges, positions come back in node order, and
 * cytoscape only puts the nodes there.
 *
 * The dagre graph is built exactly as cytoscape-dagre built it (a compound multigraph, nodes then
 * edges in the model's order, each edge of minlen 1 and weight 1), so the picture is the one the
 * page drew when cytoscape-dagre laid it out in the page. */
import dagre from "@dagrejs/dagre";
import type { ElementDefinition } from "cytoscape";
import { type LayeredOptions, nodeBox } from "./graphConfig";
import type { GraphModel } from "./graphModel";

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export interface Position {
  x: number;
  y: number;
}

/** What the page posts to the worker. */
export interface LayoutRequest {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  options: LayeredOptions;
}

/** What the worker posts back: a position per requested node, in the request's order. */
export type LayoutReply = { ok: true; positions: Position[] } | { ok: false; error: string };

/** The model as the layout needs it: node ids are asset names (as in `toElements`), arrows run
 * from the input to the derived asset, and each node takes the room it is drawn in. */
export function layoutRequest(model: GraphModel, options: LayeredOptions): LayoutRequest {
  return {
    nodes: model.nodes.map((node) => ({ id: node.name, ...nodeBox(node) })),
    edges: model.edges.map((edge) => ({ source: edge.input, target: edge.derived })),
    options,
  };
}

/** Runs dagre: each node's centre, in the request's node order. */
export function layOut({ nodes, edges, options }: LayoutRequest): Position[] {
  const graph = new dagre.graphlib.Graph({ multigraph: true, compound: true });
  graph.setGraph({ ...options });
  graph.setDefaultEdgeLabel(() => ({}));
  graph.setDefaultNodeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: node.width, height: node.height });
  for (const edge of edges) graph.setEdge(edge.source, edge.target, { minlen: 1, weight: 1 });
  dagre.layout(graph);
  return nodes.map((node) => {
    const placed = graph.node(node.id);
    return { x: placed.x ?? 0, y: placed.y ?? 0 };
  });
}

/** The worker's whole job: a request in, a reply out, a failure told rather than thrown. */
export function answer(request: LayoutRequest): LayoutReply {
  try {
    return { ok: true, positions: layOut(request) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The elements with the laid-out positions on their nodes, ready to be added to cytoscape. */
export function placeElements(elements: ElementDefinition[], nodes: LayoutNode[], positions: Position[]): ElementDefinition[] {
  const at = new Map<string, Position>();
  nodes.forEach((node, index) => {
    const position = positions[index];
    if (position) at.set(node.id, position);
  });
  return elements.map((element) => {
    const position = element.group === "nodes" ? at.get(String(element.data.id)) : undefined;
    return position ? { ...element, position } : element;
  });
}
