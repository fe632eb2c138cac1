import { describe, expect, it } from "vitest";
import { fixture, recordDocument } from "./fixtures.testing";
import { subjectView } from "./subject";

describe("subjectView", () => {
  it("reads a 0.2 subject, whose species is a plain string and breeding fields sit on the subject", () => {
    const subject = subjectView(recordDocument("ecephys_652918_2023-03-10_16-32-00", "subject"));
    expect(subject).toMatchObject({ subjectId: "652918", species: "Mus musculus", sex: "Male", dateOfBirth: "2022-10-03", genotype: "wt/wt" });
    expect(subject?.breeding).toEqual([
      { label: "Breeding group", value: "C57BL6J(VB)" },
      { label: "Mother", value: "639248 (wt/wt)" },
      { label: "Father", value: "639246 (wt/wt)" },
    ]);
  });

  it("reads a 1.x subject with registry objects, breeding_info and housing", () => {
    const subject = subjectView(fixture("examples-v1/subject.json"));
    expect(subject).toMatchObject({
      subjectId: "12345",
      species: "Mus musculus",
      strain: "C57BL/6J",
      source: "Allen Institute",
      genotype: "Emx1-IRES-Cre/wt;Camk2a-tTA/wt;Ai93(TITL-GCaMP6f)/wt",
    });
    expect(subject?.breeding).toContainEqual({ label: "Mother", value: "546543 (Emx1-IRES-Cre/wt; Camk2a-tTa/Camk2a-tTA)" });
    expect(subject?.housing).toEqual([
      { label: "Cage id", value: "123" },
      { label: "Home cage enrichment", value: "Running wheel" },
    ]);
  });

  it("reads a 2.x subject from its nested subject_details", () => {
    const subject = subjectView(fixture("examples-v2/subject.json"));
    expect(subject).toMatchObject({ subjectId: "123456", species: "Mus musculus", sex: "Male", dateOfBirth: "2022-11-22", strain: "C57BL/6J" });
    expect(subject?.breeding).toEqual([
      { label: "Mother", value: "546543 (Emx1-IRES-Cre/wt; Camk2a-tTa/Camk2a-tTA)" },
      { label: "Father", value: "232323 (Ai93(TITL-GCaMP6f)/wt)" },
    ]);
    expect(subject?.housing).toEqual([
      { label: "Cage id", value: "123" },
      { label: "Home cage enrichment", value: "Running wheel" },
    ]);
  });

  it("keeps the notes of an upgraded real 2.x record", () => {
    const subject = subjectView(recordDocument("ecephys_660104_2023-07-24_18-18-13", "subject"));
    expect(subject?.notes).toBe("(SubjectUpgraderV1V2): Source not specified, defaulting to 'Other'.");
    expect(subject?.source).toBe("Other");
  });

  it("gives nothing for a document that is not an object, and blanks for odd fields", () => {
    expect(subjectView(null)).toBeNull();
    expect(subjectView(["subject"])).toBeNull();
    const odd = subjectView({ subject_id: 42, species: ["Mus musculus"], breeding_info: "n/a", housing: 7, subject_details: "?" });
    expect(odd).toMatchObject({ subjectId: "42", species: null, breeding: [], housing: [] });
  });
});
