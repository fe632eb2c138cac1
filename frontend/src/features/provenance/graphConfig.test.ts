import cytoscape from "cytoscape";
import { firstView, graphStyle, hatch, LARGE_GRAPH, layeredOptions, MAX_FIT_ZOOM, nodeBox, READABLE_ZOOM, readPalette, viewportOptions } from "./graphConfig";

describe("viewportOptions", () => {
  it("draws every element while panning a small graph, at the screen's density", () => {
    expect(viewportOptions(40)).toMatchObject({ hideEdgesOnViewport: false, pixelRatio: "auto" });
  });

  it("hides the edges of a large graph while panning or zooming, and draws one pixel per CSS pixel", () => {
    expect(viewportOptions(LARGE_GRAPH + 1)).toMatchObject({ hideEdgesOnViewport: true, pixelRatio: 1 });
  });

  it("never pans from a texture, whose redraw at each gesture's start stutters", () => {
    expect(viewportOptions(LARGE_GRAPH + 1).textureOnViewport).toBe(false);
  });

  it("makes a read-only viewer: nodes cannot be dragged or selected", () => {
    expect(viewportOptions(10)).toMatchObject({ autoungrabify: true, autounselectify: true, boxSelectionEnabled: false });
  });
});

describe("layeredOptions", () => {
  it("lays the graph out in layers from left to right", () => {
    expect(layeredOptions(10)).toMatchObject({ rankdir: "LR", nodesep: 16, ranksep: 72, edgesep: 8 });
  });

  it("ranks a large graph with the linear-time ranker", () => {
    expect(layeredOptions(10).ranker).toBe("network-simplex");
    expect(layeredOptions(LARGE_GRAPH + 1).ranker).toBe("longest-path");
  });
});

describe("nodeBox", () => {
  it("gives a node the room of its box and its border", () => {
    expect(nodeBox({ focus: false, qc: "pass" })).toEqual({ width: 164, height: 46 });
  });

  it("gives the focus and a failed node's thicker border more room", () => {
    expect(nodeBox({ focus: true, qc: "unknown" })).toEqual({ width: 188, height: 58 });
    expect(nodeBox({ focus: false, qc: "fail" })).toEqual({ width: 166, height: 48 });
  });
});

describe("readPalette", () => {
  it("takes the design tokens, and a fallback for any token not set", () => {
    const palette = readPalette((token) => (token === "--primary-kind" ? " #123456 " : ""));
    expect(palette.primary).toBe("#123456");
    expect(palette.derived).toBe("#7a4cc2");
  });
});

describe("graphStyle", () => {
  const style = graphStyle(readPalette(() => ""));
  const selectors = style.map((block) => block.selector);

  it("styles both kinds, every QC status and the focus", () => {
    expect(selectors).toEqual(
      expect.arrayContaining(["node.primary", "node.derived", "node.qc-pass", "node.qc-fail", "node.qc-pending", "node.focus"]),
    );
  });

  it("hides labels that zooming out makes too small to read", () => {
    const node = style.find((block) => block.selector === "node");
    const edge = style.find((block) => block.selector === "edge");
    expect(node && "style" in node ? node.style : {}).toHaveProperty("min-zoomed-font-size");
    expect(edge && "style" in edge ? edge.style : {}).toHaveProperty("min-zoomed-font-size");
  });
});

describe("hatch", () => {
  it("alternates ink and ground in equal stripes with sharp edges", () => {
    expect(hatch("#000000", "#ffffff", 4)).toEqual({
      "background-gradient-stop-colors": ["#000000", "#000000", "#ffffff", "#ffffff", "#000000", "#000000", "#ffffff", "#ffffff"],
      "background-gradient-stop-positions": ["0%", "25%", "25%", "50%", "50%", "75%", "75%", "100%"],
    });
  });
});

describe("a restricted asset's node", () => {
  const palette = readPalette(() => "");
  /** The style cytoscape gives a node of these classes (headless: the stylesheet is parsed and applied). */
  function drawn(classes: string) {
    const cy = cytoscape({ headless: true, styleEnabled: true, style: graphStyle(palette), elements: [{ group: "nodes", data: { id: "redacted-1", label: "Restricted asset" }, classes }] });
    const node = cy.getElementById("redacted-1");
    const style = {
      fill: node.style("background-fill") as string,
      stripes: String(node.style("background-gradient-stop-colors")),
      border: [node.style("border-style"), node.style("border-width")],
      labelGround: node.style("text-background-opacity") as string,
    };
    cy.destroy();
    return style;
  }
  const rgb = (hex: string) => `rgb(${[1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)).join(",")})`;

  it("is hatched in its kind's colour", () => {
    const primary = drawn("primary qc-unknown redacted");
    expect(primary.fill).toBe("linear-gradient");
    expect(primary.stripes).toContain(rgb(palette.primary));
    expect(primary.stripes).toContain(rgb(palette.restricted));
    expect(drawn("derived qc-unknown redacted").stripes).toContain(rgb(palette.derived));
  });

  it("is hatched in grey when its kind is not known", () => {
    const unknown = drawn("kind-unknown qc-unknown redacted");
    expect(unknown.stripes).toContain(rgb(palette.unknown));
    expect(unknown.stripes).not.toContain(rgb(palette.primary));
  });

  it("has a solid grey border of the usual width, since its QC is not told", () => {
    expect(drawn("primary qc-unknown redacted").border).toEqual(["solid", "4px"]);
  });

  it("puts its label on a plain ground, readable over the stripes", () => {
    expect(Number(drawn("primary qc-unknown redacted").labelGround)).toBeGreaterThan(0.5);
  });
});

describe("firstView", () => {
  it("keeps the fitted zoom when labels are readable at it", () => {
    expect(firstView(0.9)).toEqual({ zoom: 0.9, onFocus: false });
  });

  it("does not blow a tiny graph up past the largest fit zoom", () => {
    expect(firstView(3)).toEqual({ zoom: MAX_FIT_ZOOM, onFocus: false });
  });

  it("shows the asset asked about at a readable zoom when the whole graph would be unreadable", () => {
    expect(firstView(0.1)).toEqual({ zoom: READABLE_ZOOM, onFocus: true });
  });
});
