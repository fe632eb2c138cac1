/** From the GraphQL answer to the graph the page draws: one node per asset (the asked-about
 * asset included, which the lineage does not list), per asset the viewer may not read (a
 * redacted placeholder, where the walk stopped) or per name no asset has (an intermediate that
 * was never registered, which the walk goes through), one edge per derivation drawn from the
 * input to the derived asset so data flows left to right, and the classes the stylesheet reads. */
import type { ElementDefinition } from "cytoscape";
import type { AssetKind, ProvenanceNodeAssetFragment } from "../../gql/graphql";
import { formatCount, plural } from "../../lib/format";
import { type QcState, qcState } from "../../lib/qc";
import { restrictedLabel, shortLabels } from "./labels";
import type { ProvenanceAsset } from "./query";

export interface GraphNode {
  /** The node's id: the asset's name, or for a redacted node the server's placeholder
   * (`redacted-1`…), which only the edges of this graph use: never show it as a name. */
  name: string;
  /** False for a name no asset has: known only from the names around it, so it has no page. */
  registered: boolean;
  /** An asset the viewer may not read: only its kind and hops are told, it has no page for them,
   * and the walk did not go on through it. */
  redacted: boolean;
  /** The short label drawn on the node. */
  label: string;
  /** Null only for a redacted node whose kind the catalog does not know. */
  kind: AssetKind | null;
  qc: QcState;
  /** The QC status as registered (any spelling), null when there is none. */
  qcStatus: string | null;
  /** The fewest edges between it and the focus; 0 for the focus. */
  hops: number;
  process: string | null;
  dataLevel: string | null;
  acquiredAt: string | null;
  /** For a name no asset has, the process time its name gives; null for an asset. */
  processedAt: string | null;
  modalities: string[];
  focus: boolean;
}

export interface GraphEdge {
  id: string;
  /** The asset it was derived from: where the arrow starts. */
  input: string;
  /** The derived asset: where the arrow points. */
  derived: string;
  process: string | null;
}

export interface GraphModel {
  focus: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  truncated: boolean;
}

function text(value: string | null | undefined): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

type Entry = ProvenanceAsset["provenance"]["nodes"][number];

function node(asset: ProvenanceNodeAssetFragment, hops: number, focus: boolean): Omit<GraphNode, "label"> {
  return {
    name: asset.name,
    registered: true,
    redacted: false,
    kind: asset.kind,
    qc: qcState(asset.qcStatus),
    qcStatus: text(asset.qcStatus),
    hops: Number.isFinite(hops) ? hops : 0,
    process: text(asset.processLabel),
    dataLevel: text(asset.dataLevel),
    acquiredAt: text(asset.acquiredAt),
    processedAt: null,
    modalities: (asset.modalities ?? []).map((modality) => modality?.abbreviation).filter((value): value is string => !!value),
    focus,
  };
}

/** A name no asset has: what its name says (a process label means a derived name). */
export function unregisteredNode(entry: Pick<Entry, "name" | "hops" | "processLabel" | "processedAt">): Omit<GraphNode, "label"> {
  const process = text(entry.processLabel);
  return {
    name: entry.name,
    registered: false,
    redacted: false,
    kind: process ? "DERIVED" : "PRIMARY",
    qc: qcState(null),
    qcStatus: null,
    hops: Number.isFinite(entry.hops) ? entry.hops : 0,
    process,
    dataLevel: null,
    acquiredAt: null,
    processedAt: text(entry.processedAt),
    modalities: [],
    focus: false,
  };
}

/** An asset the viewer may not read: its kind and distance, nothing else (not its QC either). */
export function redactedNode(entry: Pick<Entry, "name" | "hops" | "kind">): Omit<GraphNode, "label"> {
  return {
    name: entry.name,
    registered: true,
    redacted: true,
    kind: entry.kind ?? null,
    qc: qcState(null),
    qcStatus: null,
    hops: Number.isFinite(entry.hops) ? entry.hops : 0,
    process: null,
    dataLevel: null,
    acquiredAt: null,
    processedAt: null,
    modalities: [],
    focus: false,
  };
}

function entryNode(entry: Entry): Omit<GraphNode, "label"> {
  if (entry.redacted) return redactedNode(entry);
  return entry.asset ? node(entry.asset, entry.hops, false) : unregisteredNode(entry);
}

/** Whether the node is an asset with a page the viewer may open (and walk the graph from). */
export function opensAsset(node: Pick<GraphNode, "registered" | "redacted">): boolean {
  return node.registered && !node.redacted;
}

/** Nearest first; at one distance readable names in order, then restricted assets in the
 * server's order (redacted-2 before redacted-10). */
function byDistance(a: Omit<GraphNode, "label">, b: Omit<GraphNode, "label">): number {
  return a.hops - b.hops || Number(a.redacted) - Number(b.redacted) || a.name.localeCompare(b.name, "en", { numeric: a.redacted });
}

export function buildGraphModel(asset: ProvenanceAsset): GraphModel {
  const byName = new Map<string, Omit<GraphNode, "label">>([[asset.name, node(asset, 0, true)]]);
  for (const entry of asset.provenance.nodes) {
    const name = entry.redacted ? entry.name : (entry.asset?.name ?? entry.name);
    const known = byName.get(name);
    if (!known || (!known.focus && entry.hops < known.hops)) byName.set(name, entryNode(entry));
  }
  // A placeholder is no name: it takes no part in telling names apart, and is never drawn.
  const labels = shortLabels([...byName.values()].filter((found) => !found.redacted).map((found) => found.name));
  const nodes = [...byName.values()]
    .sort(byDistance)
    .map((found) => ({ ...found, label: found.redacted ? restrictedLabel(found.kind) : (labels.get(found.name) ?? found.name) }));

  const edges = new Map<string, GraphEdge>();
  for (const edge of asset.provenance.edges) {
    // An edge to an asset the answer does not hold cannot be drawn (cytoscape refuses it).
    if (!byName.has(edge.source) || !byName.has(edge.target)) continue;
    const id = `${edge.target}→${edge.source}`;
    const process = text(edge.process) ?? byName.get(edge.source)?.process ?? null;
    if (!edges.has(id)) edges.set(id, { id, input: edge.target, derived: edge.source, process });
  }
  return { focus: asset.name, nodes, edges: [...edges.values()], truncated: asset.provenance.truncated === true };
}

/** Node ids are asset names (a restricted asset's, its placeholder), so
 * `cy.getElementById(name)` finds an asset's node. */
export function toElements(model: GraphModel): ElementDefinition[] {
  const nodes: ElementDefinition[] = model.nodes.map((found) => ({
    group: "nodes",
    data: { id: found.name, label: found.label },
    classes: [
      found.kind ? found.kind.toLowerCase() : "kind-unknown",
      `qc-${found.qc}`,
      ...(found.registered ? [] : ["unregistered"]),
      ...(found.redacted ? ["redacted"] : []),
      ...(found.focus ? ["focus"] : []),
    ],
  }));
  const edges: ElementDefinition[] = model.edges.map((edge) => ({
    group: "edges",
    data: { id: edge.id, source: edge.input, target: edge.derived, label: edge.process ?? "" },
  }));
  return [...nodes, ...edges];
}

/** What the graph holds, in words: its assets (of which those the viewer may not read), the
 * names no asset has, and its links. "3 assets (1 restricted) and 1 name not registered, 2 links" */
export function graphCounts(model: GraphModel): string {
  const missing = model.nodes.filter((found) => !found.registered).length;
  const restricted = model.nodes.filter((found) => found.redacted).length;
  const assets = plural(model.nodes.length - missing, "asset", "assets");
  const hidden = restricted ? ` (${formatCount(restricted)} restricted)` : "";
  const names = missing ? ` and ${plural(missing, "name", "names")} not registered` : "";
  return `${assets}${hidden}${names}, ${plural(model.edges.length, "link", "links")}`;
}

/** What the canvas shows, in words: its accessible name. */
export function describeGraph(model: GraphModel): string {
  return `Provenance graph of ${model.focus}: ${graphCounts(model)}`;
}
