import { buildGraphModel } from "./graphModel";
import { syntheticLineage } from "./synthetic";

describe("syntheticLineage", () => {
  const lineage = syntheticLineage(1000);
  const model = buildGraphModel(lineage);

  it("makes exactly the number of assets asked for, the focus included", () => {
    expect(model.nodes).toHaveLength(1000);
    expect(syntheticLineage(37).provenance.nodes).toHaveLength(36);
    expect(syntheticLineage(1).provenance.nodes).toHaveLength(0);
  });

  it("gives every asset a unique name", () => {
    const names = lineage.provenance.nodes.map((node) => node.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("links only assets it made, every one reachable from the focus", () => {
    expect(model.edges).toHaveLength(lineage.provenance.edges.length);
    expect(lineage.provenance.nodes.every((node) => node.hops >= 1)).toBe(true);
  });

  it("holds raw sessions, chains and diamonds (assets with two inputs)", () => {
    const kinds = new Set(lineage.provenance.nodes.map((node) => node.asset?.kind));
    expect(kinds).toEqual(new Set(["PRIMARY", "DERIVED"]));
    const inputs = new Map<string, number>();
    for (const edge of lineage.provenance.edges) inputs.set(edge.source, (inputs.get(edge.source) ?? 0) + 1);
    expect(lineage.provenance.nodes.some((node) => node.processLabel === "merged" && inputs.get(node.name) === 2)).toBe(true);
    expect(lineage.provenance.nodes.some((node) => node.processLabel === "curated")).toBe(true);
  });

  it("is the same for the same seed and differs for another", () => {
    expect(syntheticLineage(200, 7)).toEqual(syntheticLineage(200, 7));
    expect(syntheticLineage(200, 8)).not.toEqual(syntheticLineage(200, 7));
  });

  describe("with raw sessions the viewer may not read", () => {
    const hidden = syntheticLineage(300, 3, { restricted: 0.5 });
    const placeholders = hidden.provenance.nodes.filter((node) => node.redacted);

    it("answers them as the server does: a numbered placeholder, its kind and hops, nothing else", () => {
      expect(placeholders.length).toBeGreaterThan(0);
      expect(placeholders.map((node) => node.name)).toEqual(placeholders.map((_, index) => `redacted-${index + 1}`));
      for (const node of placeholders) expect(node).toMatchObject({ registered: true, kind: "PRIMARY", asset: null, processLabel: null, processedAt: null });
    });

    it("links them by their placeholders, and never names them", () => {
      const names = new Set(hidden.provenance.nodes.map((node) => node.name));
      expect(hidden.provenance.edges.every((edge) => names.has(edge.target))).toBe(true);
      expect(hidden.provenance.edges.some((edge) => edge.target.startsWith("redacted-"))).toBe(true);
      const readable = syntheticLineage(300, 3);
      const secret = readable.provenance.nodes.filter((node) => !hidden.provenance.nodes.some((other) => other.name === node.name)).map((node) => node.name);
      expect(secret).toHaveLength(placeholders.length);
      const named = hidden.provenance.edges.flatMap((edge) => [edge.source, edge.target]);
      expect(secret.filter((name) => named.includes(name))).toEqual([]);
    });

    it("is the same lineage otherwise", () => {
      const readable = syntheticLineage(300, 3);
      expect(hidden.provenance.nodes.map((node) => node.hops)).toEqual(readable.provenance.nodes.map((node) => node.hops));
      expect(hidden.provenance.edges.map((edge) => edge.source)).toEqual(readable.provenance.edges.map((edge) => edge.source));
    });
  });
});
