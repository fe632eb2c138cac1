import { describe, expect, it } from "vitest";
import { assetPath, searchPathFor } from "./paths";

describe("assetPath", () => {
  it("encodes an asset's name as one path segment", () => {
    expect(assetPath("ecephys_652918_2023-03-10_16-32-00")).toBe("/assets/ecephys_652918_2023-03-10_16-32-00");
    expect(assetPath("a b/c?d")).toBe("/assets/a%20b%2Fc%3Fd");
  });
});

describe("searchPathFor", () => {
  it("searches for the subject id the name carries", () => {
    expect(searchPathFor("ecephys_655568_2022-04-26_11-48-09_sorted_2022-04-28_10-00-00")).toBe("/?q=655568");
    expect(searchPathFor("804430_2025-11-26_23-41-33")).toBe("/?q=804430");
  });

  it("opens the whole catalog when the name carries no subject id", () => {
    expect(searchPathFor("nothing-here")).toBe("/");
    expect(searchPathFor("")).toBe("/");
  });
});
