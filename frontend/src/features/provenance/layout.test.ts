import cytoscape from "cytoscape";
import { graphStyle, layeredOptions, nodeBox, readPalette } from "./graphConfig";
import { buildGraphModel, type GraphModel, type GraphNode, toElements } from "./graphModel";
import { answer, type LayoutRequest, layoutRequest, layOut, placeElements } from "./layout";
import { syntheticLineage } from "./synthetic";

const RAW = "ecephys_652918_2023-03-10_16-32-00";
const SORTED = `${RAW}_sorted_2023-03-13_21-44-00`;
const CURATED = `${SORTED}_curated_2023-03-15_19-12-00`;
const MOTION = `${RAW}_motion-corrected_2023-03-13_22-00-00`;

function asset(name: string, qcStatus: string | null = "PASS") {
  return { name, kind: name === RAW ? ("PRIMARY" as const) : ("DERIVED" as const), qcStatus, dataLevel: null, processLabel: null, acquiredAt: null, modalities: [] };
}

/** The sorted asset asked about, its raw session upstream and its curation downstream; the raw
 * session was also motion-corrected (a failed run). */
function lineage(): GraphModel {
  return buildGraphModel({
    ...asset(SORTED),
    provenance: {
      nodes: [
        { name: RAW, hops: 1, registered: true, redacted: false, kind: asset(RAW).kind, processLabel: null, processedAt: null, asset: asset(RAW, null) },
        { name: CURATED, hops: 1, registered: true, redacted: false, kind: asset(CURATED).kind, processLabel: null, processedAt: null, asset: asset(CURATED) },
        { name: MOTION, hops: 2, registered: true, redacted: false, kind: asset(MOTION).kind, processLabel: null, processedAt: null, asset: asset(MOTION, "FAIL") },
      ],
      edges: [
        { source: SORTED, target: RAW, process: "sorted" },
        { source: CURATED, target: SORTED, process: "curated" },
        { source: MOTION, target: RAW, process: "motion-corrected" },
      ],
      truncated: false,
    },
  });
}

function request(nodes: string[], edges: [string, string][]): LayoutRequest {
  return {
    nodes: nodes.map((id) => ({ id, width: 164, height: 46 })),
    edges: edges.map(([source, target]) => ({ source, target })),
    options: layeredOptions(nodes.length + edges.length),
  };
}

describe("layoutRequest", () => {
  it("lists the nodes in the model's order, each as large as it is drawn", () => {
    const model = lineage();
    const { nodes } = layoutRequest(model, layeredOptions(7));
    expect(nodes.map((node) => node.id)).toEqual(model.nodes.map((node) => node.name));
    expect(nodes.find((node) => node.id === SORTED)).toEqual({ id: SORTED, width: 188, height: 58 });
    expect(nodes.find((node) => node.id === MOTION)).toEqual({ id: MOTION, width: 166, height: 48 });
  });

  it("draws each edge from the input to the derived asset", () => {
    const { edges } = layoutRequest(lineage(), layeredOptions(7));
    expect(edges).toContainEqual({ source: RAW, target: SORTED });
    expect(edges).toContainEqual({ source: SORTED, target: CURATED });
  });

  it("carries the layout's settings with it", () => {
    expect(layoutRequest(lineage(), layeredOptions(7)).options).toEqual(layeredOptions(7));
  });

  it("gives each node the room cytoscape draws it in, the stylesheet's box and border", () => {
    const model = lineage();
    // A restricted asset too: its hatching keeps the box and border of any node.
    model.nodes.push({ ...(model.nodes[1] as GraphNode), name: "redacted-1", redacted: true, qc: "unknown", qcStatus: null });
    const cy = cytoscape({ headless: true, styleEnabled: true, elements: toElements(model), style: graphStyle(readPalette(() => "")) });
    for (const node of model.nodes) {
      const drawn = cy.getElementById(node.name).layoutDimensions({ nodeDimensionsIncludeLabels: false });
      expect({ width: drawn.w, height: drawn.h }).toEqual(nodeBox(node));
    }
    cy.destroy();
  });
});

describe("layOut", () => {
  it("gives every requested node a position, in the request's order", () => {
    const positions = layOut(request(["a", "b", "c"], [["a", "b"]]));
    expect(positions).toHaveLength(3);
    for (const position of positions) expect(Number.isFinite(position.x) && Number.isFinite(position.y)).toBe(true);
  });

  it("runs a chain from left to right, a node's width and the rank separation apart", () => {
    const [a, b, c] = layOut(request(["a", "b", "c"], [["a", "b"], ["b", "c"]]));
    expect(b?.x).toBe((a?.x ?? 0) + 164 + 72);
    expect(c?.x).toBe((b?.x ?? 0) + 164 + 72);
    expect(new Set([a?.y, b?.y, c?.y]).size).toBe(1);
  });

  it("stacks the assets derived from one input in one column without overlap", () => {
    const [, first, second] = layOut(request(["raw", "sorted", "motion"], [["raw", "sorted"], ["raw", "motion"]]));
    expect(first?.x).toBe(second?.x);
    expect(Math.abs((first?.y ?? 0) - (second?.y ?? 0))).toBeGreaterThanOrEqual(46 + 16);
  });

  it("still lays out a lineage that loops back on itself (messy records)", () => {
    const positions = layOut(request(["a", "b"], [["a", "b"], ["b", "a"]]));
    expect(positions.every((position) => Number.isFinite(position.x))).toBe(true);
  });

  it("lays out the same graph the same way every time", () => {
    const big = layoutRequest(buildGraphModel(syntheticLineage(120)), layeredOptions(240));
    expect(layOut(big)).toEqual(layOut(big));
  });
});

describe("answer", () => {
  it("answers with the positions", () => {
    const reply = answer(request(["a", "b"], [["a", "b"]]));
    expect(reply.ok && reply.positions).toHaveLength(2);
  });

  it("tells a failure rather than throwing it", () => {
    const reply = answer({ nodes: null, edges: [], options: layeredOptions(0) } as unknown as LayoutRequest);
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error).toMatch(/\w/);
  });
});

describe("placeElements", () => {
  const model = lineage();
  const elements = toElements(model);
  const { nodes } = layoutRequest(model, layeredOptions(7));
  const positions = nodes.map((_, index) => ({ x: index * 10, y: -index }));

  it("puts each node where the layout placed it", () => {
    const placed = placeElements(elements, nodes, positions);
    const index = nodes.findIndex((node) => node.id === CURATED);
    expect(placed.find((element) => element.data.id === CURATED)?.position).toEqual({ x: index * 10, y: -index });
  });

  it("leaves the edges as they are", () => {
    const placed = placeElements(elements, nodes, positions);
    expect(placed.filter((element) => element.group === "edges")).toEqual(elements.filter((element) => element.group === "edges"));
  });

  it("leaves a node the layout gave no position unplaced", () => {
    const placed = placeElements(elements, nodes, positions.slice(0, 1));
    expect(placed.filter((element) => element.position)).toHaveLength(1);
  });
});
