import { describe, expect, it } from "vitest";
import { facetCounts, facetView, planFacetRequests, valueText } from "./facets";
import { EMPTY_STATE, type SearchState } from "./searchState";

const ALL_FIELDS = ["MODALITY", "SPECIES", "PROJECT", "SUBJECT", "DATA_LEVEL", "KIND", "YEAR", "QC_STATUS", "INSTRUMENT", "INVESTIGATOR", "MONTH"];

function state(changes: Partial<Omit<SearchState, "selected">> & { selected?: Partial<SearchState["selected"]> }): SearchState {
  return { ...EMPTY_STATE, ...changes, selected: { ...EMPTY_STATE.selected, ...changes.selected } };
}

describe("planFacetRequests", () => {
  it("asks for every facet and the timeline in one call when nothing is selected", () => {
    expect(planFacetRequests(state({ q: "abc" }))).toEqual([{ fields: ALL_FIELDS, filter: { and: [{ text: "abc" }] } }]);
  });

  it("counts a facet with a selection under the filter without its own selection", () => {
    const requests = planFacetRequests(state({ q: "abc", selected: { modality: ["ecephys"] } }));
    expect(requests).toEqual([
      { fields: ["MODALITY"], filter: { and: [{ text: "abc" }] } },
      { fields: ALL_FIELDS.filter((field) => field !== "MODALITY"), filter: { and: [{ text: "abc" }, { modality: ["ecephys"] }] } },
    ]);
  });

  it("counts the timeline without its range, and each selected facet apart", () => {
    const requests = planFacetRequests(state({ selected: { modality: ["ecephys"], qc: ["PASS"] }, from: "2023-01" }));
    expect(requests.map((request) => request.fields)).toEqual([
      ["MODALITY"],
      ["SPECIES", "PROJECT", "SUBJECT", "DATA_LEVEL", "KIND", "YEAR", "INSTRUMENT", "INVESTIGATOR"],
      ["QC_STATUS"],
      ["MONTH"],
    ]);
    expect(requests[3]?.filter).toEqual({ and: [{ modality: ["ecephys"] }, { qcStatus: "PASS" }] });
  });

  it("counts the timeline without its range, other facets within it", () => {
    const requests = planFacetRequests(state({ from: "2023-01" }));
    expect(requests).toEqual([
      { fields: ALL_FIELDS.filter((field) => field !== "MONTH"), filter: { and: [{ acquiredAfter: "2023-01-01T00:00:00Z" }] } },
      { fields: ["MONTH"], filter: null },
    ]);
  });
});

describe("facet values", () => {
  it("shows strings as they are, years as text and a missing value as null", () => {
    expect(valueText("ecephys")).toBe("ecephys");
    expect(valueText(2023)).toBe("2023");
    expect(valueText(null)).toBeNull();
    expect(valueText({ odd: 1 })).toBe('{"odd":1}');
    expect(facetCounts([{ value: "x", count: "7" }])).toEqual([{ value: "x", count: 0 }]);
  });

  const counts = Array.from({ length: 20 }, (_, index) => ({ value: `v${index}`, count: 20 - index }));

  it("shows the top eight until expanded", () => {
    const view = facetView(counts, [], { expanded: false, order: "count" });
    expect(view.rows.map((row) => row.value)).toEqual(["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"]);
    expect(view.hidden).toBe(12);
    expect(facetView(counts, [], { expanded: true, order: "count" })).toMatchObject({ hidden: 0 });
  });

  it("does not hide one or two values behind Show all", () => {
    expect(facetView(counts.slice(0, 10), [], { expanded: false, order: "count" }).hidden).toBe(0);
  });

  it("keeps selected values in view: beyond the top eight, and at zero when no asset has them", () => {
    const view = facetView(counts, ["v15", "gone"], { expanded: false, order: "count" });
    expect(view.rows.filter((row) => row.selected)).toEqual([
      { value: "v15", count: 5, selected: true },
      { value: "gone", count: 0, selected: true },
    ]);
    expect(view.hidden).toBe(11);
  });

  it("lists years newest first with (not set) last", () => {
    const view = facetView(
      [
        { value: "2023", count: 26 },
        { value: null, count: 3 },
        { value: "2025", count: 5 },
      ],
      ["2025"],
      { expanded: false, order: "newest" },
    );
    expect(view.rows).toEqual([
      { value: "2025", count: 5, selected: true },
      { value: "2023", count: 26, selected: false },
      { value: null, count: 3, selected: false },
    ]);
  });
});
