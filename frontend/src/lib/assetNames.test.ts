import { describe, expect, it } from "vitest";
import { subjectToken } from "./assetNames";

describe("subjectToken", () => {
  it("takes the token before the first date, numeric or not", () => {
    expect(subjectToken("SmartSPIM_620642_2023-07-05_21-42-19")).toBe("620642");
    expect(subjectToken("SmartSPIM_M2501_2025-04-03_17-50-21")).toBe("M2501");
    expect(subjectToken("804430_2025-11-26_23-41-33_processed_2025-12-20_09-52-41")).toBe("804430");
  });

  it("falls back to a long number anywhere, else nothing", () => {
    expect(subjectToken("ecephys_652918_bad")).toBe("652918");
    expect(subjectToken("nothing-here")).toBeNull();
  });
});
