import { describe, expect, it } from "vitest";
import {
  clearAll,
  countParts,
  EMPTY_STATE,
  hasChoices,
  MAX_FILTER_PARTS,
  parseSearch,
  type SearchState,
  serializeSearch,
  toFilter,
  toQueryString,
  toggleValue,
  withinLimit,
  withRange,
} from "./searchState";

const parse = (query: string) => parseSearch(new URLSearchParams(query));

function state(changes: Partial<Omit<SearchState, "selected">> & { selected?: Partial<SearchState["selected"]> }): SearchState {
  return { ...EMPTY_STATE, ...changes, selected: { ...EMPTY_STATE.selected, ...changes.selected } };
}

describe("parseSearch and serializeSearch", () => {
  it("round-trips a view with text, repeated facet values, a range and an order", () => {
    const query =
      "q=mouse+652918&modality=ecephys&modality=SPIM&project=Dynamic+Routing&kind=PRIMARY&year=2023&qc=PASS&from=2023-03&to=2023-07&sort=name%3Aasc";
    const view = parse(query);
    expect(view.q).toBe("mouse 652918");
    expect(view.selected.modality).toEqual(["ecephys", "SPIM"]);
    expect(view.selected.project).toEqual(["Dynamic Routing"]);
    expect(view.from).toBe("2023-03");
    expect(view.to).toBe("2023-07");
    expect(view.sort).toEqual({ key: "name", direction: "asc" });
    expect(serializeSearch(view).toString()).toBe(query);
    expect(parseSearch(serializeSearch(view))).toEqual(view);
  });

  it("keeps the sort's colon readable in the address bar", () => {
    expect(toQueryString(parse("modality=SPIM&sort=size:asc"))).toBe("modality=SPIM&sort=size:asc");
    expect(parse(toQueryString(parse("q=a:b")))).toEqual(parse("q=a:b"));
  });

  it("writes nothing for the empty view and leaves out the default order", () => {
    expect(serializeSearch(EMPTY_STATE).toString()).toBe("");
    expect(serializeSearch(state({ q: "  " })).toString()).toBe("");
  });

  it("keeps every facet's values under its own parameter, in the sidebar's order", () => {
    const view = state({ selected: { investigator: ["Anna Lakunina"], subject: ["652918", "620642"], level: ["raw"], instrument: ["SLAP2_1"], species: ["Mus musculus"] } });
    expect(serializeSearch(view).toString()).toBe(
      "species=Mus+musculus&subject=652918&subject=620642&level=raw&instrument=SLAP2_1&investigator=Anna+Lakunina",
    );
  });

  it("ignores unknown parameters, junk kinds, years and months, empty values and repeats", () => {
    const view = parse("utm_source=mail&kind=banana&kind=derived&year=23&year=2024&year=2024&from=2023-13&to=july&modality=&sort=size:sideways&page=3");
    expect(view).toEqual(state({ selected: { kind: ["DERIVED"], year: ["2024"] } }));
  });

  it("orders a range given backwards", () => {
    expect(parse("from=2024-05&to=2023-02")).toMatchObject({ from: "2023-02", to: "2024-05" });
  });
});

describe("changing the view", () => {
  it("ticks and unticks a value", () => {
    const ticked = toggleValue(EMPTY_STATE, "modality", "ecephys");
    expect(ticked.selected.modality).toEqual(["ecephys"]);
    expect(toggleValue(ticked, "modality", "ecephys").selected.modality).toEqual([]);
  });

  it("sets a range in order, and clears everything but the order", () => {
    const view = withRange(state({ q: "x", sort: { key: "size", direction: "desc" } }), "2024-01", "2023-06");
    expect(view).toMatchObject({ from: "2023-06", to: "2024-01" });
    expect(hasChoices(view)).toBe(true);
    expect(clearAll(view)).toEqual(state({ sort: { key: "size", direction: "desc" } }));
    expect(hasChoices(clearAll(view))).toBe(false);
  });
});

describe("toFilter", () => {
  it("is null when nothing is chosen", () => {
    expect(toFilter(EMPTY_STATE)).toBeNull();
    expect(toFilter(state({ q: "   " }))).toBeNull();
  });

  it("sends the free text as `text`, inside the top-level `and`", () => {
    expect(toFilter(state({ q: " 652918 Routing " }))).toEqual({ and: [{ text: "652918 Routing" }] });
  });

  it("asks for any of the ticked modalities in one part", () => {
    expect(toFilter(state({ selected: { modality: ["ecephys", "SPIM"] } }))).toEqual({ and: [{ modality: ["ecephys", "SPIM"] }] });
  });

  it("writes other facets as an `or` of single-field filters, one value without the `or`", () => {
    const filter = toFilter(state({ selected: { subject: ["1", "2"], kind: ["DERIVED"], qc: ["PASS", "FAIL"], level: ["raw"] } }));
    expect(filter).toEqual({
      and: [{ or: [{ subjectId: "1" }, { subjectId: "2" }] }, { dataLevel: "raw" }, { kind: "DERIVED" }, { or: [{ qcStatus: "PASS" }, { qcStatus: "FAIL" }] }],
    });
  });

  it("maps each facet to its filter field", () => {
    const filter = toFilter(
      state({ selected: { species: ["Mus musculus"], project: ["P"], instrument: ["SLAP2_1"], investigator: ["Anna Lakunina"] } }),
    );
    expect(filter).toEqual({ and: [{ species: "Mus musculus" }, { project: "P" }, { instrumentId: "SLAP2_1" }, { investigator: "Anna Lakunina" }] });
  });

  it("turns years into UTC ranges, consecutive years into one", () => {
    expect(toFilter(state({ selected: { year: ["2025", "2022", "2023"] } }))).toEqual({
      and: [
        {
          or: [
            { acquiredAfter: "2022-01-01T00:00:00Z", acquiredBefore: "2024-01-01T00:00:00Z" },
            { acquiredAfter: "2025-01-01T00:00:00Z", acquiredBefore: "2026-01-01T00:00:00Z" },
          ],
        },
      ],
    });
  });

  it("turns the timeline range into inclusive months, either end open", () => {
    expect(toFilter(state({ from: "2023-03", to: "2023-12" }))).toEqual({
      and: [{ acquiredAfter: "2023-03-01T00:00:00Z", acquiredBefore: "2024-01-01T00:00:00Z" }],
    });
    expect(toFilter(state({ to: "2023-06" }))).toEqual({ and: [{ acquiredBefore: "2023-07-01T00:00:00Z" }] });
  });

  it("leaves out one facet's selection, or the range, when asked", () => {
    const view = state({ q: "x", selected: { modality: ["ecephys"], year: ["2023"] }, from: "2023-01" });
    expect(toFilter(view, "modality")).toEqual({
      and: [{ text: "x" }, { acquiredAfter: "2023-01-01T00:00:00Z", acquiredBefore: "2024-01-01T00:00:00Z" }, { acquiredAfter: "2023-01-01T00:00:00Z" }],
    });
    expect(toFilter(view, "range")).toEqual({
      and: [{ text: "x" }, { modality: ["ecephys"] }, { acquiredAfter: "2023-01-01T00:00:00Z", acquiredBefore: "2024-01-01T00:00:00Z" }],
    });
    expect(toFilter(state({ selected: { modality: ["ecephys"] } }), "modality")).toBeNull();
  });
});

describe("the server's limit of filter parts", () => {
  it("counts every filter, nested or not, and each metadata predicate", () => {
    expect(countParts(null)).toBe(0);
    expect(countParts({ and: [{ text: "a" }, { or: [{ subjectId: "1" }, { subjectId: "2" }] }] })).toBe(5);
    expect(countParts({ not: { metadata: [{ document: "subject", path: "sex", op: "EQ", value: "Male" }] } })).toBe(3);
  });

  it("accepts 64 parts and refuses more", () => {
    const subjects = (count: number) => Array.from({ length: count }, (_, index) => String(index));
    // and + or + one part per subject
    const atLimit = toFilter(state({ selected: { subject: subjects(MAX_FILTER_PARTS - 2) } }));
    expect(countParts(atLimit)).toBe(MAX_FILTER_PARTS);
    expect(withinLimit(atLimit)).toBe(true);
    expect(withinLimit(toFilter(state({ selected: { subject: subjects(MAX_FILTER_PARTS - 1) } })))).toBe(false);
  });
});
