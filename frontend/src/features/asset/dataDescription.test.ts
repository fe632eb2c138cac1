import { describe, expect, it } from "vitest";
import { dataDescriptionView } from "./dataDescription";
import { fixture, recordDocument } from "./fixtures.testing";

describe("dataDescriptionView", () => {
  it("reads a 0.3 description: modality as a string, institution as an abbreviation, split creation time", () => {
    const view = dataDescriptionView(recordDocument("SmartSPIM_597305_2022-09-27_00-07-58", "data_description"));
    expect(view?.modalities).toEqual(["SmartSPIM"]);
    expect(view?.facts).toEqual(
      expect.arrayContaining([
        { label: "Data level", value: "raw data" },
        { label: "Created", value: "2022-09-27 00:07" },
        { label: "Project", value: "CTY Genetic Tools" },
        { label: "Institution", value: "AIBS" },
        { label: "Group", value: "MSMA" },
      ]),
    );
  });

  it("reads a 1.x derived description: platform, source data, funders with grants", () => {
    const view = dataDescriptionView(recordDocument("HCR_813864_2025-09-04_13-30-00_processed_2025-09-12_23-06-45", "data_description"));
    expect(view?.facts).toEqual(
      expect.arrayContaining([
        { label: "Platform", value: "Hybridization chain reaction platform" },
        { label: "Process", value: "processed" },
        { label: "Source data", value: "HCR_813864_2025-09-04_13-30-00" },
        { label: "Created", value: "2025-09-12 23:06 −07:00" },
      ]),
    );
    expect(view?.funding).toEqual([
      "Allen Institute (AI)",
      "National Institute of Neurological Disorders and Stroke (NINDS), grant 1U19NS123714-01",
      "National Institute of Neurological Disorders and Stroke (NINDS), grant 1RF1MH128841-01",
    ]);
    expect(view?.investigators).toEqual(["Jayaram Chandrashekar"]);
  });

  it("reads a 2.x description: modalities as objects, investigators as people, tags", () => {
    const view = dataDescriptionView(fixture("examples-v2/composed/ecephys_sorted_data_description.json"));
    expect(view).toMatchObject({
      name: "ecephys_664484_2023-04-25_03-16-00_sorted_2023-04-30_08-00-00",
      modalities: ["Extracellular electrophysiology", "Behavior videos"],
      investigators: ["Daniel Birman"],
      tags: ["Pilot data"],
    });
    expect(view?.facts).toContainEqual({ label: "Source data", value: "ecephys_664484_2023-04-25_03-16-00" });
  });

  it("gives nothing for a document that is not an object", () => {
    expect(dataDescriptionView("raw")).toBeNull();
  });
});
