import {
  clampDepth,
  deeper,
  DEFAULT_DEPTH,
  graphSearchParams,
  parseDirection,
  parseGraphParams,
  toProvenanceDirection,
} from "./params";
import { provenancePath } from "./paths";

describe("parseGraphParams", () => {
  it("defaults to both directions and 10 hops when the URL says nothing", () => {
    expect(parseGraphParams(new URLSearchParams())).toEqual({ direction: "both", depth: 10 });
  });

  it("reads a direction and a depth from the URL", () => {
    expect(parseGraphParams(new URLSearchParams("direction=upstream&depth=3"))).toEqual({ direction: "upstream", depth: 3 });
  });

  it("falls back to both for an unknown direction", () => {
    expect(parseDirection("sideways")).toBe("both");
    expect(parseDirection("")).toBe("both");
    expect(parseDirection(null)).toBe("both");
  });

  it("accepts a direction in any case", () => {
    expect(parseDirection("DOWNSTREAM")).toBe("downstream");
    expect(parseDirection(" Upstream ")).toBe("upstream");
  });
});

describe("clampDepth", () => {
  it("keeps the depth within 1 and 50 hops", () => {
    expect(clampDepth("0")).toBe(1);
    expect(clampDepth("-4")).toBe(1);
    expect(clampDepth("51")).toBe(50);
    expect(clampDepth(1000)).toBe(50);
  });

  it("rounds a fractional depth to whole hops", () => {
    expect(clampDepth("2.6")).toBe(3);
  });

  it("uses the default for text that is no number", () => {
    expect(clampDepth("deep")).toBe(DEFAULT_DEPTH);
    expect(clampDepth("")).toBe(DEFAULT_DEPTH);
    expect(clampDepth(null)).toBe(DEFAULT_DEPTH);
    expect(clampDepth("Infinity")).toBe(DEFAULT_DEPTH);
  });
});

describe("graphSearchParams", () => {
  it("writes both settings, so a shared URL shows the same graph", () => {
    expect(graphSearchParams({ direction: "both", depth: 10 }).toString()).toBe("direction=both&depth=10");
  });

  it("round-trips through parseGraphParams", () => {
    const params = { direction: "downstream", depth: 7 } as const;
    expect(parseGraphParams(graphSearchParams(params))).toEqual(params);
  });
});

describe("toProvenanceDirection", () => {
  it("names the schema's enum values", () => {
    expect(toProvenanceDirection("upstream")).toBe("UPSTREAM");
    expect(toProvenanceDirection("downstream")).toBe("DOWNSTREAM");
    expect(toProvenanceDirection("both")).toBe("BOTH");
  });
});

describe("deeper", () => {
  it("doubles the depth, at least by one hop, never past 50", () => {
    expect(deeper(1)).toBe(2);
    expect(deeper(10)).toBe(20);
    expect(deeper(30)).toBe(50);
    expect(deeper(50)).toBe(50);
  });
});

describe("provenancePath", () => {
  it("keeps the view settings when linking to another asset's provenance", () => {
    expect(provenancePath("raw_1", { direction: "upstream", depth: 4 })).toBe("/assets/raw_1/provenance?direction=upstream&depth=4");
  });
});
