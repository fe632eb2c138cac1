import { describe, expect, it } from "vitest";
import { fixture, recordDocument } from "./fixtures.testing";
import { instrumentView } from "./instrument";

describe("instrumentView", () => {
  it("groups a 0.5 rig's devices by the list they are in, with a camera assembly named by itself", () => {
    const view = instrumentView(recordDocument("ecephys_743916_2024-09-12_16-52-55", "rig"));
    expect(view).toMatchObject({ id: "323_EPHYS1_OPTO_2024-07-03", calibrations: 3 });
    expect(view?.modalities).toEqual(["Behavior videos", "Extracellular electrophysiology"]);
    expect(view?.groups).toContainEqual({ kind: "DAQs", devices: ["Harp Behavior", "NPopto Basestation"] });
    expect(view?.groups).toContainEqual({ kind: "Mouse platform", devices: ["Running wheel"] });
    expect(view?.groups).toContainEqual({ kind: "Stick microscopes", devices: ["Stick_assembly_1", "Stick_assembly_2", "Stick_assembly_3"] });
  });

  it("reads a 1.x light-sheet instrument: type, maker, and light sources with their wavelength", () => {
    const view = instrumentView(fixture("examples-v1/aind_smartspim_instrument.json"));
    expect(view?.id).toBe("440_SmartSPIM1_20231004");
    expect(view?.facts).toEqual(
      expect.arrayContaining([
        { label: "Type", value: "SmartSPIM" },
        { label: "Manufacturer", value: "LifeCanvas" },
        { label: "Modified", value: "2023-10-04" },
      ]),
    );
    expect(view?.groups.find((group) => group.kind === "Light sources")?.devices).toEqual([
      "Ex_445 (445 nm)",
      "Ex_488 (488 nm)",
      "Ex_561 (561 nm)",
      "Ex_594 (594 nm)",
      "Ex_639 (639 nm)",
      "Ex_690 (690 nm)",
    ]);
  });

  it("groups a 2.x instrument's components by their object type", () => {
    const view = instrumentView(fixture("examples-v2/ephys_instrument.json"));
    expect(view).toMatchObject({ id: "EPHYS1", modalities: ["Extracellular electrophysiology"], calibrations: 2 });
    expect(view?.facts).toContainEqual({ label: "Location", value: "323" });
    expect(view?.groups).toContainEqual({ kind: "Ephys assembly", devices: ["Ephys_assemblyA", "Ephys_assemblyB"] });
    expect(view?.groups).toContainEqual({ kind: "Monitor", devices: ["Stimulus Screen (PA248Q)"] });
  });

  it("gives nothing for a document that is not an object, and no groups for lists without names", () => {
    expect(instrumentView([])).toBeNull();
    expect(instrumentView({ rig_id: "R1", cameras: [1, 2], daqs: [{}], calibrations: "none" })).toEqual({
      id: "R1",
      facts: [],
      modalities: [],
      groups: [],
      calibrations: 1,
      notes: null,
    });
  });
});
