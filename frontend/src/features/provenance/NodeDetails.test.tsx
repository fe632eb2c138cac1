import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import type { GraphNode } from "./graphModel";
import { NodeDetails } from "./NodeDetails";
import type { GraphParams } from "./params";

const PARAMS: GraphParams = { direction: "both", depth: 10 };

const RESTRICTED: GraphNode = {
  name: "redacted-1",
  registered: true,
  redacted: true,
  label: "Restricted asset\nDerived",
  kind: "DERIVED",
  qc: "unknown",
  qcStatus: null,
  hops: 2,
  process: null,
  dataLevel: null,
  acquiredAt: null,
  processedAt: null,
  modalities: [],
  focus: false,
};

function show(node: GraphNode) {
  render(
    <MemoryRouter>
      <NodeDetails node={node} params={PARAMS} />
    </MemoryRouter>,
  );
  return screen.getByRole("complementary");
}

describe("NodeDetails of an asset the viewer may not read", () => {
  beforeEach(() => window.localStorage.clear());

  it("says it is restricted, with its kind and distance, and never its placeholder", () => {
    const panel = show(RESTRICTED);
    expect(within(panel).getByText("Restricted asset")).toBeTruthy();
    expect(within(panel).getByText("Restricted")).toBeTruthy();
    expect(within(panel).getAllByText("Derived").length).toBeGreaterThan(0);
    expect(within(panel).getByText("2 hops")).toBeTruthy();
    expect(panel.textContent).not.toContain("redacted-1");
  });

  it("offers neither its page nor its provenance", () => {
    expect(within(show(RESTRICTED)).queryByRole("link")).toBeNull();
  });

  it("says when its kind is not known", () => {
    expect(within(show({ ...RESTRICTED, kind: null })).getAllByText("Kind unknown").length).toBeGreaterThan(0);
  });

  it("points an anonymous viewer to the header's token", () => {
    expect(within(show(RESTRICTED)).getByTestId("restricted-access-hint").textContent).toBe(
      "A token with access to it would show it, and what lies beyond it: Use a token at the top of the page.",
    );
  });

  it("tells a viewer with a token that this token may not read it", () => {
    window.localStorage.setItem("catalog-token", "cat_reader");
    expect(within(show(RESTRICTED)).getByTestId("restricted-access-hint").textContent).toBe(
      "The token in use may not read it. A token with access to it would show it, and what lies beyond it.",
    );
  });
});

describe("NodeDetails of a readable asset", () => {
  it("links to its page and its provenance", () => {
    const panel = show({ ...RESTRICTED, name: "ecephys_652918_2023-03-10_16-32-00", redacted: false, kind: "PRIMARY" });
    expect(within(panel).getByRole("link", { name: "Open asset" }).getAttribute("href")).toBe("/assets/ecephys_652918_2023-03-10_16-32-00");
    expect(within(panel).getByRole("link", { name: "Its provenance" })).toBeTruthy();
  });
});
