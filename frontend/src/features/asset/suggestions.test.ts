import { describe, expect, it } from "vitest";
import { leadingWords, rankSuggestions, suggestionFilter } from "./suggestions";

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
