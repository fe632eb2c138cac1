import { describe, expect, it } from "vitest";
import { levelNote } from "./kind";

describe("levelNote", () => {
  it("leaves out the level the kind already says", () => {
    expect(levelNote("raw", "PRIMARY")).toBeNull();
    expect(levelNote(" Derived ", "DERIVED")).toBeNull();
  });

  it("keeps a level that says something the kind does not", () => {
    expect(levelNote("derived", "PRIMARY")).toBe("derived");
    expect(levelNote("raw", "DERIVED")).toBe("raw");
    expect(levelNote(" processed ", "DERIVED")).toBe("processed");
  });

  it("has nothing to say without a level", () => {
    expect([null, undefined, "", "  "].map((level) => levelNote(level, "PRIMARY"))).toEqual([null, null, null, null]);
  });
});
