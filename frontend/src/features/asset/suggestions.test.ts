import { describe, expect, it } from "vitest";
import { leadingWords, rankSuggestions, subjectToken, suggestionFilter } from "./suggestions";

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

describe("suggestionFilter", () => {
  it("asks for assets sharing the subject id or the first words of the name", () => {
    expect(suggestionFilter("SmartSPIM_620642_2023-07-05_21-42-20")).toEqual({ or: [{ text: "620642" }, { text: "SmartSPIM 620642" }] });
    expect(leadingWords("ecephys_652918_2023-03-10_16-32-00")).toBe("ecephys 652918");
  });

  it("asks once when both are the same, and not at all for an empty name", () => {
    expect(suggestionFilter("620642_2023-07-05_21-42-19")).toEqual({ text: "620642" });
    expect(suggestionFilter("")).toBeNull();
  });
});

describe("rankSuggestions", () => {
  it("puts the same subject first, then the longest shared beginning, and leaves out the name asked", () => {
    const asked = "ecephys_652918_2023-03-10_16-32-01";
    const names = ["behavior_652918_2023-01-01_00-00-00", "ecephys_652919_2023-03-17_16-32-00", "ecephys_652918_2023-03-10_16-32-00", asked];
    expect(rankSuggestions(asked, names, 2)).toEqual(["ecephys_652918_2023-03-10_16-32-00", "behavior_652918_2023-01-01_00-00-00"]);
  });
});
