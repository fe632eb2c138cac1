import { describe, expect, it } from "vitest";
import { fixture, recordDocument } from "./fixtures.testing";
import { proceduresView } from "./procedures";

function composed(name: string, document: string): unknown {
  const record = fixture(`examples-v2/composed/${name}`);
  return typeof record === "object" && record !== null ? (record as Record<string, unknown>)[document] : undefined;
}

describe("proceduresView: injections", () => {
  it("reads 0.5's top-level injection list, with materials whose titer has no unit", () => {
    const view = proceduresView(recordDocument("ecephys_655565_2023-03-31_14-47-36", "procedures"));
    expect(view?.injections).toHaveLength(5);
    expect(view?.injections[0]).toEqual({
      type: "Nanoject virus injection",
      date: "2023-02-28",
      materials: ["D2 enhancer (titer 3.32e13)", "DIO-ChRmine-mScarlet (titer 2.14e13)"],
      target: "STR",
      hemisphere: "Left",
      coordinates: ["AP 0.14 · ML -1.5 · DV -2.5 mm"],
      reference: "Bregma",
      angle: "0°",
      volume: "300 nL",
      protocol: null,
    });
  });

  it("reads 0.11 injections inside a surgery, the titer written as a MongoDB long", () => {
    const view = proceduresView(recordDocument("single-plane-ophys_621025_2022-07-05_17-48-34", "procedures"));
    expect(view?.injections).toHaveLength(9);
    expect(view?.injections[0]).toMatchObject({
      type: "Nanoject injection",
      date: "2022-06-02",
      materials: ["CamKIIa_ChrimsonR_FusionRed_Kv2.1 (1.8e12 gc/mL)"],
      target: "MOp",
      coordinates: ["AP 0.1 · ML 2.0 · DV 0.4 mm"],
      volume: "40.0 nL",
    });
    expect(view?.surgeries[0]?.injections).toBe(9);
  });

  it("reads a 1.x injection with a CCF target and an Addgene material", () => {
    const view = proceduresView(fixture("examples-v1/ophys_procedures.json"));
    expect(view?.injections).toEqual([
      expect.objectContaining({
        materials: ["AAV2/1-Syn-Flex-ChrimsonR-tdT (2e13 gc/mL)"],
        target: "VTA (Ventral tegmental area)",
        coordinates: ["AP -3.05 · ML -0.6 · DV -4.2 mm"],
        reference: "Bregma",
        volume: "400 nL",
        date: "2022-07-12",
      }),
    ]);
  });

  it("keeps several depths of one penetration on one line, with one volume each", () => {
    const view = proceduresView(recordDocument("SmartSPIM_701971_2024-02-15_13-45-28", "procedures"));
    expect(view?.injections).toContainEqual(
      expect.objectContaining({ coordinates: ["AP -1.42 · ML 2.8 · DV -3.55 / -3.45 mm"], volume: "100.0, 100.0 nL" }),
    );
  });

  it("shows the current of an iontophoretic injection where its volume would be", () => {
    const view = proceduresView(recordDocument("SmartSPIM_799074_2025-07-17_18-37-17", "procedures"));
    expect(view?.injections[0]).toMatchObject({
      type: "Iontophoresis injection",
      materials: ["240119-08 (2.3e12 gc/mL)", "AiV300074 (5.1e13 gc/mL)"],
      volume: "3 µA",
    });
  });

  it("reads 2.x coordinates with the axes of the surgery's coordinate system and its origin", () => {
    const view = proceduresView(composed("ecephys_raw_metadata.nd.json", "procedures"));
    expect(view?.injections).toEqual([
      expect.objectContaining({
        type: "Brain injection",
        materials: ["AAV2-Flex-ChrimsonR (2.3e9 gc/mL)"],
        target: "VISp (Primary visual area)",
        coordinates: ["ML -0.85 · AP -3.8 · SI 0 · Depth 3.3 mm, angles 0, 10, 0°"],
        reference: "Lambda",
        volume: "200 nL",
      }),
    ]);
  });

  it("reads a real 2.x record, naming a material by its TARS id and each site on its own line", () => {
    const view = proceduresView(recordDocument("804430_2025-11-26_23-41-33_processed_2025-12-20_09-52-41", "procedures"));
    expect(view?.injections.map((injection) => injection.target)).toEqual([
      "DR (Dorsal nucleus raphe)",
      "ORBl (Orbital area, lateral part)",
      "ORBm (Orbital area, medial part)",
    ]);
    expect(view?.injections[0]).toMatchObject({
      coordinates: ["AP -4.4 · ML -1.2 · SI 0 · Depth 2.6 mm, angles 20, 0, 0, 0°"],
      hemisphere: "Left",
      volume: "300 nL",
      date: "2025-07-21",
    });
    expect(view?.injections[1]?.materials).toEqual(["AiV300126 (6e12 gc/mL)"]);
    expect(view?.injections[2]?.coordinates).toHaveLength(2);
  });
});

describe("proceduresView: surgeries and other procedures", () => {
  it("summarises a surgery: who, anaesthesia, weights, and its non-injection procedures", () => {
    const view = proceduresView(fixture("examples-v1/ophys_procedures.json"));
    expect(view?.surgeries[0]).toMatchObject({
      date: "2022-07-12",
      experimenters: ["John Apple"],
      ethics: "2109",
      anaesthesia: "Isoflurane, level 1.5, 180 min",
      weight: "22.6 g before, 22.3 g after",
      injections: 1,
    });
    expect(view?.surgeries[0]?.procedures.map((procedure) => procedure.type)).toEqual(["Headframe", "Fiber implant"]);
    expect(view?.surgeries[0]?.procedures[1]?.details).toContain("Probe A → VTA (Ventral tegmental area) at AP -3.05 · ML -0.6 · DV -4 mm");
  });

  it("lists water restriction outside surgeries with its dates, weights in the procedure's unit", () => {
    const view = proceduresView(fixture("examples-v1/ophys_procedures.json"));
    expect(view?.other).toEqual([
      {
        type: "Water restriction",
        date: "2023-05-15 – 2023-05-23",
        details: ["Target fraction weight: 25%", "Minimum water per day: 1.5 mL", "Baseline weight: 20.4 g"],
      },
    ]);
  });

  it("names 0.5's craniotomies and headframes by their list", () => {
    const view = proceduresView(recordDocument("ecephys_655565_2023-03-31_14-47-36", "procedures"));
    expect(view?.other.map((procedure) => procedure.type)).toEqual(["Craniotomy", "Headframe"]);
    expect(view?.other[1]?.details).toContain("Headframe material: Titanium");
  });

  it("describes a 2.x probe implant by its device and target", () => {
    const view = proceduresView(composed("ecephys_raw_metadata.nd.json", "procedures"));
    const implant = view?.surgeries[0]?.procedures.find((procedure) => procedure.type === "Probe implant");
    expect(implant?.details).toEqual(["device Probe A (Neuropixels UHD (Fixed))", "target VTA (Ventral tegmental area)"]);
  });

  it("lists specimen procedures with reagents, lots and who did them", () => {
    const view = proceduresView(recordDocument("SmartSPIM_620642_2023-07-05_21-42-19", "procedures"));
    expect(view?.specimen).toHaveLength(6);
    expect(view?.specimen[0]).toMatchObject({
      type: "Fixation",
      name: "SHIELD OFF",
      specimen: "677291",
      dates: "2023-06-16 – 2023-06-19",
      experimenters: ["Holly Myers"],
      reagents: ["SHIELD Epoxy (lot ex26, ex35)", "SHIELD Buffer (lot bu6)"],
    });
  });

  it("counts the sections of a 2.x sectioning procedure", () => {
    const view = proceduresView(recordDocument("barseq_780346_2025-06-13_12-00-00", "procedures"));
    const sectioning = view?.specimen.find((procedure) => procedure.type === "Sectioning");
    expect(sectioning?.details[0]).toMatch(/^Planar sectioning \(\d+ sections\)$/);
  });
});

describe("proceduresView: surprising shapes", () => {
  it("gives nothing for a document that is not an object", () => {
    expect(proceduresView("procedures")).toBeNull();
    expect(proceduresView(undefined)).toBeNull();
  });

  it("skips entries that are not objects and reads a lone procedure where a list belongs", () => {
    const view = proceduresView({
      subject_procedures: [null, "x", { procedure_type: "Surgery", procedures: { procedure_type: "Nanoject injection", injection_volume: "5" } }],
      specimen_procedures: "none",
    });
    expect(view?.surgeries).toHaveLength(1);
    expect(view?.injections).toEqual([expect.objectContaining({ type: "Nanoject injection", volume: "5", coordinates: [] })]);
    expect(view?.specimen).toEqual([]);
  });
});
