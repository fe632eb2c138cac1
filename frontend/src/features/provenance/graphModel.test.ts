import { buildGraphModel, describeGraph, toElements } from "./graphModel";
import type { ProvenanceAsset } from "./query";

const RAW = "ecephys_652918_2023-03-10_16-32-00";
const SORTED = `${RAW}_sorted_2023-03-13_21-44-00`;
const CURATED = `${SORTED}_curated_2023-03-15_19-12-00`;

type Fields = Omit<ProvenanceAsset, "provenance">;

function fields(name: string, overrides: Partial<Fields> = {}): Fields {
  const derived = name !== RAW;
  return {
    name,
    kind: derived ? "DERIVED" : "PRIMARY",
    qcStatus: derived ? "PASS" : null,
    dataLevel: derived ? "derived" : "raw",
    processLabel: derived ? name.split("_").at(-3) ?? null : null,
    acquiredAt: "2023-03-11T00:32:00+00:00",
    modalities: [{ abbreviation: "ecephys" }],
    ...overrides,
  };
}

/** The sorted asset asked about: its raw session upstream, its curation downstream. */
function sortedGraph(overrides: Partial<ProvenanceAsset["provenance"]> = {}): ProvenanceAsset {
  return {
    ...fields(SORTED),
    provenance: {
      nodes: [
        { hops: 1, asset: fields(RAW) },
        { hops: 1, asset: fields(CURATED, { qcStatus: "Failed" }) },
      ],
      edges: [
        { source: SORTED, target: RAW, process: "sorted" },
        { source: CURATED, target: SORTED, process: "curated" },
      ],
      truncated: false,
      ...overrides,
    },
  };
}

describe("buildGraphModel", () => {
  it("adds the asset asked about, which the lineage does not list, as the focus at 0 hops", () => {
    const model = buildGraphModel(sortedGraph());
    expect(model.focus).toBe(SORTED);
    expect(model.nodes.map((node) => [node.name, node.hops, node.focus])).toEqual([
      [SORTED, 0, true],
      [RAW, 1, false],
      [CURATED, 1, false],
    ]);
  });

  it("draws each edge from the input to the derived asset", () => {
    const model = buildGraphModel(sortedGraph());
    expect(model.edges.map((edge) => [edge.input, edge.derived])).toEqual([
      [RAW, SORTED],
      [SORTED, CURATED],
    ]);
  });

  it("labels an edge with the derived asset's process, falling back to its process label", () => {
    const model = buildGraphModel(sortedGraph({ edges: [{ source: SORTED, target: RAW, process: null }] }));
    expect(model.edges[0]?.process).toBe("sorted");
  });

  it("drops an edge to an asset the answer does not hold", () => {
    const model = buildGraphModel(sortedGraph({ edges: [{ source: SORTED, target: "elsewhere", process: "sorted" }] }));
    expect(model.edges).toEqual([]);
  });

  it("keeps one copy of a repeated node (its fewest hops) and of a repeated edge", () => {
    const graph = sortedGraph();
    graph.provenance.nodes.push({ hops: 3, asset: fields(RAW) });
    graph.provenance.edges.push({ source: SORTED, target: RAW, process: "sorted" });
    const model = buildGraphModel(graph);
    expect(model.nodes.filter((node) => node.name === RAW).map((node) => node.hops)).toEqual([1]);
    expect(model.edges).toHaveLength(2);
  });

  it("never lets the lineage replace the focus", () => {
    const graph = sortedGraph();
    graph.provenance.nodes.push({ hops: 2, asset: fields(SORTED) });
    expect(buildGraphModel(graph).nodes.filter((node) => node.name === SORTED)).toMatchObject([{ hops: 0, focus: true }]);
  });

  it("orders nodes by distance, then by name", () => {
    const graph = sortedGraph();
    graph.provenance.nodes.unshift({ hops: 2, asset: fields("aaa") });
    expect(buildGraphModel(graph).nodes.map((node) => node.name)).toEqual([SORTED, RAW, CURATED, "aaa"]);
  });

  it("says whether the depth limit left assets out", () => {
    expect(buildGraphModel(sortedGraph({ truncated: true })).truncated).toBe(true);
    expect(buildGraphModel(sortedGraph()).truncated).toBe(false);
  });

  it("reads missing and blank fields as absent", () => {
    const graph = sortedGraph();
    graph.provenance.nodes = [{ hops: 1, asset: fields(RAW, { dataLevel: " ", acquiredAt: null, modalities: [] }) }];
    const raw = buildGraphModel(graph).nodes.find((node) => node.name === RAW);
    expect(raw).toMatchObject({ dataLevel: null, acquiredAt: null, modalities: [], qc: "unknown", qcStatus: null, process: null });
  });

  it("gives each node its short label", () => {
    const labels = buildGraphModel(sortedGraph()).nodes.map((node) => node.label);
    expect(labels).toEqual(["sorted\n2023-03-13", "ecephys 652918\n2023-03-10", "curated\n2023-03-15"]);
  });
});

describe("toElements", () => {
  const elements = toElements(buildGraphModel(sortedGraph()));
  const node = (id: string) => elements.find((element) => element.group === "nodes" && element.data.id === id);

  it("makes one node per asset, its id the asset's name, and one edge per derivation", () => {
    expect(elements.filter((element) => element.group === "nodes")).toHaveLength(3);
    expect(elements.filter((element) => element.group === "edges")).toHaveLength(2);
  });

  it("classes nodes by kind and QC and marks the focus", () => {
    expect(node(SORTED)?.classes).toEqual(["derived", "qc-pass", "focus"]);
    expect(node(RAW)?.classes).toEqual(["primary", "qc-unknown"]);
    expect(node(CURATED)?.classes).toEqual(["derived", "qc-fail"]);
  });

  it("points each edge from the input (source) to the derived asset (target), labelled by process", () => {
    const edge = elements.find((element) => element.group === "edges" && element.data.target === CURATED);
    expect(edge?.data).toMatchObject({ source: SORTED, target: CURATED, label: "curated" });
  });

  it("puts the short label on the node", () => {
    expect(node(RAW)?.data.label).toBe("ecephys 652918\n2023-03-10");
  });
});

describe("describeGraph", () => {
  it("names the asset and counts assets and links", () => {
    expect(describeGraph(buildGraphModel(sortedGraph()))).toBe(`Provenance graph of ${SORTED}: 3 assets, 2 links`);
  });

  it("speaks of one asset and one link in the singular", () => {
    const model = buildGraphModel(sortedGraph({ nodes: [{ hops: 1, asset: fields(RAW) }], edges: [{ source: SORTED, target: RAW, process: "sorted" }] }));
    expect(describeGraph({ ...model, nodes: model.nodes.slice(0, 1) })).toBe(`Provenance graph of ${SORTED}: 1 asset, 1 link`);
  });
});
