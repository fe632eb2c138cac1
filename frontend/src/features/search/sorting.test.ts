import { describe, expect, it } from "vitest";
import { ariaSort, DEFAULT_SORT, formatSort, isDefaultSort, nextSort, parseSort, toOrderBy } from "./sorting";

describe("parseSort", () => {
  it("reads column:direction", () => {
    expect(parseSort("size:asc")).toEqual({ key: "size", direction: "asc" });
    expect(parseSort("NAME:DESC")).toEqual({ key: "name", direction: "desc" });
  });

  it("gives a column alone its first direction", () => {
    expect(parseSort("name")).toEqual({ key: "name", direction: "asc" });
    expect(parseSort("files")).toEqual({ key: "files", direction: "desc" });
  });

  it("falls back to newest acquisitions first for anything else", () => {
    for (const junk of [null, "", "modalities:asc", "name:up", "name:asc:x", "constructor", "toString:asc"]) {
      expect(parseSort(junk)).toEqual(DEFAULT_SORT);
    }
    expect(DEFAULT_SORT).toEqual({ key: "acquired", direction: "desc" });
  });

  it("writes what it reads", () => {
    expect(formatSort(parseSort("qc:desc"))).toBe("qc:desc");
    expect(isDefaultSort(parseSort("acquired:desc"))).toBe(true);
  });
});

describe("clicking a column header", () => {
  it("reverses the sorted column", () => {
    expect(nextSort({ key: "name", direction: "asc" }, "name")).toEqual({ key: "name", direction: "desc" });
    expect(nextSort(DEFAULT_SORT, "acquired")).toEqual({ key: "acquired", direction: "asc" });
  });

  it("orders text A to Z and amounts largest first on a first click", () => {
    expect(nextSort(DEFAULT_SORT, "subject")).toEqual({ key: "subject", direction: "asc" });
    expect(nextSort(DEFAULT_SORT, "size")).toEqual({ key: "size", direction: "desc" });
  });

  it("marks only the sorted header for assistive technology", () => {
    expect(ariaSort(DEFAULT_SORT, "acquired")).toBe("descending");
    expect(ariaSort({ key: "name", direction: "asc" }, "name")).toBe("ascending");
    expect(ariaSort(DEFAULT_SORT, "name")).toBe("none");
  });
});

describe("toOrderBy", () => {
  it("asks the API for the column's order field", () => {
    expect(toOrderBy(DEFAULT_SORT)).toEqual([{ field: "ACQUIRED_AT", direction: "DESC" }]);
    expect(toOrderBy({ key: "subject", direction: "asc" })).toEqual([{ field: "SUBJECT_ID", direction: "ASC" }]);
    expect(toOrderBy({ key: "size", direction: "asc" })).toEqual([{ field: "TOTAL_SIZE", direction: "ASC" }]);
  });
});
