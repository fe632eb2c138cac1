import { describe, expect, it } from "vitest";
import { fixture } from "./fixtures.testing";
import { documentSections, scalarFacts } from "./sections";

describe("documentSections", () => {
  it("orders a 1.x record's documents as a scientist reads them, the session under its own name", () => {
    const sections = documentSections({
      quality_control: { schema_version: "1.2.1" },
      rig: { schema_version: "1.0.3" },
      data_description: { schema_version: "1.0.3" },
      session: { schema_version: "1.1.2" },
      subject: { schema_version: "1.0.3" },
      procedures: { schema_version: "1.2.1" },
      processing: { schema_version: "1.1.3" },
    });
    expect(sections.map((section) => [section.title, section.schemaVersion])).toEqual([
      ["Subject", "1.0.3"],
      ["Procedures", "1.2.1"],
      ["Session", "1.1.2"],
      ["Instrument", "1.0.3"],
      ["Data description", "1.0.3"],
      ["Processing", "1.1.3"],
      ["Quality control", "1.2.1"],
    ]);
    expect(sections[2]).toMatchObject({ key: "session", kind: "acquisition", id: "doc-session" });
  });

  it("reads a 2.x record: acquisition and instrument, unknown documents last under their own name", () => {
    const record = fixture("examples-v2/composed/ecephys_sorted_metadata.nd.json") as Record<string, unknown>;
    const sections = documentSections({ ...record, model: { schema_version: "2.0.0" } });
    const titles = sections.map((section) => section.title);
    expect(titles.slice(0, 7)).toEqual(["Subject", "Procedures", "Acquisition", "Instrument", "Data description", "Processing", "Quality control"]);
    expect(sections.find((section) => section.key === "model")).toMatchObject({ title: "Model", kind: "other", schemaVersion: "2.0.0" });
  });

  it("titles a rig Rig when the record also has an instrument, and skips null documents", () => {
    const sections = documentSections({ instrument: {}, rig: {}, acquisition: null });
    expect(sections.map((section) => section.title)).toEqual(["Instrument", "Rig"]);
  });

  it("gives no sections for metadata that is not an object", () => {
    expect(documentSections(null)).toEqual([]);
    expect(documentSections("metadata")).toEqual([]);
  });
});

describe("scalarFacts", () => {
  it("shows a document's readable top-level values, not its schema bookkeeping", () => {
    expect(scalarFacts({ describedBy: "url", schema_version: "2.0.0", name: "Model A", architecture: { name: "CNN" }, weights: [1, 2] })).toEqual([
      { label: "Name", value: "Model A" },
      { label: "Architecture", value: "CNN" },
    ]);
  });
});
