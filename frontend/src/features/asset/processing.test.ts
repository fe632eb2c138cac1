import { describe, expect, it } from "vitest";
import { fixture, recordDocument } from "./fixtures.testing";
import { processingView } from "./processing";

describe("processingView", () => {
  it("reads 0.1 steps at the top level, each with its code, version and duration", () => {
    const view = processingView(recordDocument("SmartSPIM_658208_2023-02-05_13-42-31_stitched_2023-02-07_19-40-25", "processing"));
    expect(view?.facts).toEqual([{ label: "Pipeline", value: "https://github.com/AllenNeuralDynamics/terastitcher-module @ 1.2.0" }]);
    expect(view?.steps[0]).toEqual({
      name: "Image destriping",
      start: "2023-02-07 19:40",
      end: "2023-02-07 22:47",
      duration: 11238.548,
      code: "https://github.com/camilolaiton/pystripe.git@feature/output_format @ 0.2.0",
      experimenters: [],
      notes: "Destriping channel Ex_445_Em_469",
    });
  });

  it("reads 1.x steps inside processing_pipeline, with its processor", () => {
    const view = processingView(recordDocument("HCR_813864_2025-09-04_13-30-00_processed_2025-09-12_23-06-45", "processing"));
    expect(view?.facts).toEqual([{ label: "Processor", value: "AIND Scientific Computing" }]);
    expect(view?.steps).toEqual([
      expect.objectContaining({
        name: "Other",
        start: "2025-09-12 22:56 UTC",
        duration: 257.127,
        code: "ghcr.io/allenneuraldynamics/aind-hcr-data-transformation @ dev-cf71aa2",
      }),
    ]);
  });

  it("reads 2.x data processes with their code and experimenters, and the pipeline", () => {
    const view = processingView(recordDocument("804430_2025-11-26_23-41-33_processed_2025-12-20_09-52-41", "processing"));
    expect(view?.facts).toEqual([{ label: "Pipeline", value: "Fiberphotometry Schema 2.0 Processing Pipeline @ 1.0" }]);
    expect(view?.steps).toEqual([
      expect.objectContaining({
        name: "dF/F estimation",
        code: "https://github.com/AllenNeuralDynamics/aind-fip-dff @ 14.0",
        experimenters: ["Ahad Bawany", "Johannes Friedrich"],
      }),
    ]);
  });

  it("reads the 2.x example's steps in order", () => {
    const view = processingView(fixture("examples-v2/processing.json"));
    expect(view?.steps.map((step) => step.name).slice(0, 3)).toEqual(["Image tile fusing", "File format conversion", "Image destriping"]);
  });

  it("gives nothing for a document that is not an object, and no duration for unreadable times", () => {
    expect(processingView(null)).toBeNull();
    const view = processingView({ data_processes: [{ name: "Step", start_date_time: "soon", end_date_time: "later" }] });
    expect(view?.steps[0]).toMatchObject({ name: "Step", start: "soon", duration: null });
  });
});
