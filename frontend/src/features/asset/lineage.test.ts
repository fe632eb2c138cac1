import { describe, expect, it } from "vitest";
import { childrenOf, parentsOf } from "./lineage";

const raw = { name: "ecephys_1_2023-01-01_00-00-00", kind: "PRIMARY" as const, qcStatus: null, dataLevel: "raw", acquiredAt: "2023-01-01T00:00:00+00:00", processLabel: null };
const sorted = { ...raw, name: `${raw.name}_sorted_2023-01-02_00-00-00`, kind: "DERIVED" as const, qcStatus: "PASS", processLabel: "sorted" };

describe("parentsOf", () => {
  it("lists registered parents with where the link was read from", () => {
    const parents = parentsOf({ derivedFrom: [raw], inputs: [{ name: raw.name, source: "name" }, { name: raw.name, source: "processing" }] });
    expect(parents).toEqual([{ name: raw.name, registered: true, kind: "PRIMARY", qcStatus: null, acquiredAt: raw.acquiredAt, process: null, linkedBy: "name, processing", through: [] }]);
  });

  it("adds inputs its metadata names that the catalog does not hold, unlinked", () => {
    const parents = parentsOf({ derivedFrom: [], inputs: [{ name: "missing_asset", source: "data_description" }] });
    expect(parents).toEqual([expect.objectContaining({ name: "missing_asset", registered: false, linkedBy: "data_description" })]);
  });

  it("says which unregistered inputs lead to a parent reached past them", () => {
    const flatfield = `${raw.name}_flatfield-correction_2023-01-02_00-00-00`;
    const parents = parentsOf({ derivedFrom: [raw], inputs: [{ name: flatfield, source: "name" }] });
    expect(parents).toEqual([
      expect.objectContaining({ name: raw.name, registered: true, linkedBy: null, through: [flatfield] }),
      expect.objectContaining({ name: flatfield, registered: false, linkedBy: "name", through: [] }),
    ]);
  });

  it("claims no path through an unregistered input whose name does not extend the parent's", () => {
    const parents = parentsOf({ derivedFrom: [raw], inputs: [{ name: "behavior_2_2023-01-01_00-00-00", source: "processing" }] });
    expect(parents[0]).toMatchObject({ name: raw.name, through: [] });
  });

  it("is empty for raw data", () => {
    expect(parentsOf({ derivedFrom: [], inputs: [] })).toEqual([]);
  });
});

describe("childrenOf", () => {
  it("lists derivatives with their process and QC status", () => {
    expect(childrenOf({ derivatives: [sorted] })).toEqual([expect.objectContaining({ name: sorted.name, process: "sorted", qcStatus: "PASS", registered: true })]);
  });
});
