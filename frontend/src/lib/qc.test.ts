import { describe, expect, it } from "vitest";
import { qcLabel, qcState } from "./qc";

describe("qcState", () => {
  it("reads every spelling of pass, fail and pending, in any case", () => {
    expect(["PASS", "Passed", " pass ", "passing", "OK", "good"].map(qcState)).toEqual(["pass", "pass", "pass", "pass", "pass", "pass"]);
    expect(["FAIL", "failed", "Failing", "bad"].map(qcState)).toEqual(["fail", "fail", "fail", "fail"]);
    expect(["PENDING", "in_progress", "In Progress", "awaiting", "to-do"].map(qcState)).toEqual(["pending", "pending", "pending", "pending", "pending"]);
  });

  it("calls anything else, nothing or a value that is not text unknown", () => {
    expect([null, undefined, "", "maybe", 3, true, { status: "Pass" }].map(qcState)).toEqual(Array(7).fill("unknown"));
  });
});

describe("qcLabel", () => {
  it("reads a status as one lower-case phrase after its prefix", () => {
    expect(qcLabel("PASS")).toBe("QC pass");
    expect(qcLabel("In_Progress")).toBe("QC in progress");
    expect(qcLabel("Fail", "Processing: ")).toBe("Processing: fail");
    expect(qcLabel("Pending", "")).toBe("pending");
  });

  it("says there is no QC when there is no status", () => {
    expect([null, undefined, "", "  "].map((status) => qcLabel(status))).toEqual(["No QC", "No QC", "No QC", "No QC"]);
  });
});
