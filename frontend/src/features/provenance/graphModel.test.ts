import { buildGraphModel, describeGraph, graphCounts, opensAsset, toElements, unregisteredNode } from "./graphModel";
import type { AssetKind } from "../../gql/graphql";
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

type Entry = ProvenanceAsset["provenance"]["nodes"][number];

/** An asset of the lineage its viewer may read. */
function readable(name: string, hops: number, overrides: Partial<Fields> = {}): Entry {
  const asset = fields(name, overrides);
  return { name, hops, registered: true, redacted: false, kind: asset.kind, processLabel: null, processedAt: null, asset };
}

/** An asset its viewer may not read, as the server answers it: a placeholder, its hops and kind. */
function restricted(placeholder: string, hops: number, kind: AssetKind | null = "PRIMARY"): Entry {
  return { name: placeholder, hops, registered: true, redacted: true, kind, processLabel: null, processedAt: null, asset: null };
}

/** The sorted asset asked about: its raw session upstream, its curation downstream. */
function sortedGraph(overrides: Partial<ProvenanceAsset["provenance"]> = {}): ProvenanceAsset {
  return {
    ...fields(SORTED),
    provenance: {
      nodes: [
        readable(RAW, 1),
        readable(CURATED, 1, { qcStatus: "Failed" }),
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

/** The sorted asset asked about, as a viewer who may not read its raw session sees it: the walk
 * stopped at the placeholder, and the curation downstream is readable. */
function restrictedRawGraph(kind: AssetKind | null = "PRIMARY"): ProvenanceAsset {
  return sortedGraph({
    nodes: [restricted("redacted-1", 1, kind), readable(CURATED, 1)],
    edges: [
      { source: SORTED, target: "redacted-1", process: "sorted" },
      { source: CURATED, target: SORTED, process: "curated" },
    ],
  });
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
    graph.provenance.nodes.push(readable(RAW, 3));
    graph.provenance.edges.push({ source: SORTED, target: RAW, process: "sorted" });
    const model = buildGraphModel(graph);
    expect(model.nodes.filter((node) => node.name === RAW).map((node) => node.hops)).toEqual([1]);
    expect(model.edges).toHaveLength(2);
  });

  it("never lets the lineage replace the focus", () => {
    const graph = sortedGraph();
    graph.provenance.nodes.push(readable(SORTED, 2));
    expect(buildGraphModel(graph).nodes.filter((node) => node.name === SORTED)).toMatchObject([{ hops: 0, focus: true }]);
  });

  it("orders nodes by distance, then by name", () => {
    const graph = sortedGraph();
    graph.provenance.nodes.unshift(readable("aaa", 2));
    expect(buildGraphModel(graph).nodes.map((node) => node.name)).toEqual([SORTED, RAW, CURATED, "aaa"]);
  });

  it("says whether the depth limit left assets out", () => {
    expect(buildGraphModel(sortedGraph({ truncated: true })).truncated).toBe(true);
    expect(buildGraphModel(sortedGraph()).truncated).toBe(false);
  });

  it("reads missing and blank fields as absent", () => {
    const graph = sortedGraph();
    graph.provenance.nodes = [readable(RAW, 1, { dataLevel: " ", acquiredAt: null, modalities: [] })];
    const raw = buildGraphModel(graph).nodes.find((node) => node.name === RAW);
    expect(raw).toMatchObject({ dataLevel: null, acquiredAt: null, modalities: [], qc: "unknown", qcStatus: null, process: null });
  });

  it("draws a name no asset has as an unregistered node with what its name says", () => {
    const flatfield = `${RAW}_flatfield-correction_2023-03-12_08-00-00`;
    const graph = sortedGraph();
    graph.provenance.nodes.push({ name: flatfield, hops: 2, registered: false, redacted: false, kind: "DERIVED", processLabel: "flatfield-correction", processedAt: "2023-03-12T08:00:00+00:00", asset: null });
    const found = buildGraphModel(graph).nodes.find((node) => node.name === flatfield);
    expect(found).toMatchObject({
      registered: false,
      kind: "DERIVED",
      process: "flatfield-correction",
      processedAt: "2023-03-12T08:00:00+00:00",
      qc: "unknown",
      qcStatus: null,
      dataLevel: null,
      modalities: [],
      focus: false,
      hops: 2,
    });
  });

  it("reads a name no asset has without a process label as a primary name", () => {
    expect(unregisteredNode({ name: RAW, hops: 1, processLabel: null, processedAt: null })).toMatchObject({ kind: "PRIMARY", registered: false, process: null });
  });

  it("marks registered assets as registered", () => {
    expect(buildGraphModel(sortedGraph()).nodes.every((node) => node.registered)).toBe(true);
  });

  it("draws an asset its viewer may not read as a restricted node: its kind and distance, nothing else", () => {
    const found = buildGraphModel(restrictedRawGraph()).nodes.find((node) => node.redacted);
    expect(found).toEqual({
      name: "redacted-1",
      registered: true,
      redacted: true,
      label: "Restricted asset\nPrimary",
      kind: "PRIMARY",
      qc: "unknown",
      qcStatus: null,
      hops: 1,
      process: null,
      dataLevel: null,
      acquiredAt: null,
      processedAt: null,
      modalities: [],
      focus: false,
    });
  });

  it("labels a restricted node by what it is, never by its placeholder", () => {
    expect(buildGraphModel(restrictedRawGraph("DERIVED")).nodes.find((node) => node.redacted)?.label).toBe("Restricted asset\nDerived");
    expect(buildGraphModel(restrictedRawGraph(null)).nodes.find((node) => node.redacted)?.label).toBe("Restricted asset\nKind unknown");
    expect(buildGraphModel(restrictedRawGraph()).nodes.map((node) => node.label).join(" ")).not.toContain("redacted");
  });

  it("keeps a restricted node's kind, null when the catalog does not know it", () => {
    expect(buildGraphModel(restrictedRawGraph("DERIVED")).nodes.find((node) => node.redacted)?.kind).toBe("DERIVED");
    expect(buildGraphModel(restrictedRawGraph(null)).nodes.find((node) => node.redacted)?.kind).toBeNull();
  });

  it("links a restricted node by its placeholder, as the edges that reached it do", () => {
    const model = buildGraphModel(restrictedRawGraph());
    expect(model.edges.map((edge) => [edge.input, edge.derived, edge.process])).toEqual([
      ["redacted-1", SORTED, "sorted"],
      [SORTED, CURATED, "curated"],
    ]);
  });

  it("never takes a placeholder for a name no asset has", () => {
    const model = buildGraphModel(restrictedRawGraph());
    expect(model.nodes.filter((node) => !node.registered)).toEqual([]);
    expect(describeGraph(model)).not.toContain("not registered");
  });

  it("lists restricted nodes after the readable ones at the same distance, in the server's order", () => {
    const graph = sortedGraph();
    graph.provenance.nodes.unshift(restricted("redacted-10", 1), restricted("redacted-2", 1), restricted("redacted-1", 2));
    expect(buildGraphModel(graph).nodes.map((node) => node.name)).toEqual([SORTED, RAW, CURATED, "redacted-2", "redacted-10", "redacted-1"]);
  });

  it("gives each node its short label", () => {
    const labels = buildGraphModel(sortedGraph()).nodes.map((node) => node.label);
    expect(labels).toEqual(["sorted\n2023-03-13", "ecephys 652918\n2023-03-10", "curated\n2023-03-15"]);
  });
});

describe("opensAsset", () => {
  const model = buildGraphModel(restrictedRawGraph());

  it("opens an asset its viewer may read", () => {
    expect(model.nodes.filter(opensAsset).map((node) => node.name)).toEqual([SORTED, CURATED]);
  });

  it("opens neither a restricted asset nor a name no asset has", () => {
    expect(opensAsset({ registered: true, redacted: true })).toBe(false);
    expect(opensAsset({ registered: false, redacted: false })).toBe(false);
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

  it("classes a name no asset has as unregistered, for its hollow dashed style", () => {
    const graph = sortedGraph();
    graph.provenance.nodes.push({ name: `${RAW}_flatfield-correction_2023-03-12_08-00-00`, hops: 2, registered: false, redacted: false, kind: "DERIVED", processLabel: "flatfield-correction", processedAt: null, asset: null });
    const drawn = toElements(buildGraphModel(graph)).find((element) => element.data.id === `${RAW}_flatfield-correction_2023-03-12_08-00-00`);
    expect(drawn?.classes).toEqual(["derived", "qc-unknown", "unregistered"]);
  });

  it("classes a restricted node by its kind and as redacted, for its hatched style", () => {
    const drawn = (kind: AssetKind | null) => toElements(buildGraphModel(restrictedRawGraph(kind))).find((element) => element.data.id === "redacted-1");
    expect(drawn("PRIMARY")?.classes).toEqual(["primary", "qc-unknown", "redacted"]);
    expect(drawn("DERIVED")?.classes).toEqual(["derived", "qc-unknown", "redacted"]);
    expect(drawn(null)?.classes).toEqual(["kind-unknown", "qc-unknown", "redacted"]);
    expect(drawn("PRIMARY")?.data.label).toBe("Restricted asset\nPrimary");
  });

  it("puts the short label on the node", () => {
    expect(node(RAW)?.data.label).toBe("ecephys 652918\n2023-03-10");
  });
});

describe("describeGraph", () => {
  it("names the asset and counts assets and links", () => {
    expect(describeGraph(buildGraphModel(sortedGraph()))).toBe(`Provenance graph of ${SORTED}: 3 assets, 2 links`);
  });

  it("counts names not registered apart from assets", () => {
    const graph = sortedGraph();
    graph.provenance.nodes.push({ name: `${RAW}_flatfield-correction_2023-03-12_08-00-00`, hops: 2, registered: false, redacted: false, kind: "DERIVED", processLabel: "flatfield-correction", processedAt: null, asset: null });
    expect(describeGraph(buildGraphModel(graph))).toBe(`Provenance graph of ${SORTED}: 3 assets and 1 name not registered, 2 links`);
  });

  it("counts restricted assets among the assets, and apart", () => {
    expect(describeGraph(buildGraphModel(restrictedRawGraph()))).toBe(`Provenance graph of ${SORTED}: 3 assets (1 restricted), 2 links`);
  });

  it("counts restricted assets and names not registered each apart", () => {
    const graph = restrictedRawGraph();
    graph.provenance.nodes.push({ name: `${RAW}_flatfield-correction_2023-03-12_08-00-00`, hops: 2, registered: false, redacted: false, kind: "DERIVED", processLabel: "flatfield-correction", processedAt: null, asset: null });
    graph.provenance.edges.push({ source: CURATED, target: `${RAW}_flatfield-correction_2023-03-12_08-00-00`, process: "curated" });
    expect(graphCounts(buildGraphModel(graph))).toBe("3 assets (1 restricted) and 1 name not registered, 3 links");
  });

  it("speaks of one asset and one link in the singular", () => {
    const model = buildGraphModel(sortedGraph({ nodes: [readable(RAW, 1)], edges: [{ source: SORTED, target: RAW, process: "sorted" }] }));
    expect(describeGraph({ ...model, nodes: model.nodes.slice(0, 1) })).toBe(`Provenance graph of ${SORTED}: 1 asset, 1 link`);
  });
});
