import { ProvenancePageGraph } from "./query";

describe("ProvenancePageGraph", () => {
  const nodes = ProvenancePageGraph.toString().match(/nodes\s*\{([^}]*)/)?.[1] ?? "";

  it("asks of each node whether its viewer may read it, and its kind (all a restricted one tells)", () => {
    expect(nodes.split(/\s+/)).toEqual(expect.arrayContaining(["redacted", "kind", "registered", "hops"]));
  });
});
