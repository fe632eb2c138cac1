import { describe, expect, it } from "vitest";
import { acquiredText, ageText, filesText, subjectText } from "./overview";

describe("acquiredText", () => {
  it("gives start, end and duration, the end's date only when it is another day", () => {
    expect(acquiredText("2023-07-05T21:42:01+00:00", "2023-07-06T01:00:18+00:00", 11897)).toBe("2023-07-05 21:42 – 2023-07-06 01:00 UTC (3 h 18 min)");
    expect(acquiredText("2023-04-07T21:11:25+00:00", "2023-04-07T22:11:58+00:00", 3633)).toBe("2023-04-07 21:11 – 22:11 UTC (1 h 33 s)");
  });

  it("gives the start alone without an end, and nothing without a start", () => {
    expect(acquiredText("2023-03-10T16:32:00+00:00", null, null)).toBe("2023-03-10 16:32 UTC");
    expect(acquiredText(null, "2023-03-10T16:32:00+00:00", 5)).toBeNull();
  });
});

describe("ageText", () => {
  it("reads an age in days and weeks, a young one in days", () => {
    expect(ageText(516)).toBe("516 days (73 weeks)");
    expect(ageText(1)).toBe("1 day");
    expect(ageText(null)).toBeNull();
    expect(ageText(-3)).toBeNull();
  });
});

describe("filesText and subjectText", () => {
  it("say how many files and how big, and who the subject is", () => {
    expect(filesText(27, 94_710)).toBe("27 files · 94.7 KB");
    expect(filesText(1, 10)).toBe("1 file · 10 B");
    expect(subjectText({ subjectId: "620642", species: "Mus musculus", sex: null })).toBe("620642 · Mus musculus");
    expect(subjectText({ subjectId: null, species: null, sex: null })).toBeNull();
  });
});
