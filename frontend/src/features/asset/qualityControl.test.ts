import { describe, expect, it } from "vitest";
import { fixture, recordDocument } from "./fixtures.testing";
import { qualityControlView } from "./qualityControl";

describe("qualityControlView", () => {
  it("reads 1.x evaluations with their latest status and metric count", () => {
    const view = qualityControlView(fixture("examples-v1/quality_control.json"));
    expect(view?.checks[0]).toEqual({
      name: "Drift map",
      modality: "Extracellular electrophysiology",
      stage: "Raw data",
      status: "Pending",
      state: "pending",
      detail: "3 metrics",
    });
    expect(view?.counts).toEqual({ pass: 2, fail: 0, pending: 1, unknown: 0 });
  });

  it("reads a real 1.2 evaluation whose only metric is pending", () => {
    const view = qualityControlView(recordDocument("SmartSPIM_747806_2024-10-29_18-35-33_stitched_2025-07-12_07-10-12", "quality_control"));
    expect(view?.checks).toEqual([
      expect.objectContaining({ name: "Neuroglancer Link Evaluation", modality: "Selective plane illumination microscopy", state: "pending" }),
    ]);
  });

  it("reads 2.x metrics by their newest status, with the status of each group", () => {
    const view = qualityControlView(fixture("examples-v2/quality_control.json"));
    expect(view?.checks.find((check) => check.name === "Video 1 frame count")).toMatchObject({ status: "Pass", detail: "662" });
    expect(view?.groups).toContainEqual({ name: "ecephys", status: "Pending", state: "pending" });
  });

  it("counts a real 2.x record's passing and failing metrics", () => {
    const view = qualityControlView(recordDocument("804430_2025-11-26_23-41-33_processed_2025-12-20_09-52-41", "quality_control"));
    expect(view?.checks).toHaveLength(67);
    expect(view?.counts.fail).toBeGreaterThan(0);
    expect(view?.groups).toContainEqual({ name: "Processing", status: "Fail", state: "fail" });
  });

  it("fails an evaluation without its own status when any metric fails", () => {
    const view = qualityControlView({
      evaluations: [{ name: "E", metrics: [{ status_history: [{ status: "Pass" }] }, { status_history: [{ status: "Fail" }] }] }],
    });
    expect(view?.checks[0]).toMatchObject({ status: "Fail", state: "fail", detail: "2 metrics" });
  });

  it("counts a check whose status is no known spelling as without a status", () => {
    const view = qualityControlView({ metrics: [{ name: "M", status_history: [{ status: "Needs review" }] }] });
    expect(view?.checks[0]).toMatchObject({ status: "Needs review", state: "unknown" });
    expect(view?.counts.unknown).toBe(1);
  });

  it("reads nothing from a document that is not an object", () => {
    expect(qualityControlView(7)).toBeNull();
  });
});
