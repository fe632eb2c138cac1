import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatInstant } from "./format";

describe("formatBytes", () => {
  it("uses decimal units with at most three significant digits", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1_500_000)).toBe("1.50 MB");
    expect(formatBytes(12_340_000_000)).toBe("12.3 GB");
  });

  it("shows a dash for a missing size", () => {
    expect(formatBytes(null)).toBe("—");
  });
});

describe("formatInstant", () => {
  it("reads any offset as UTC to the minute", () => {
    expect(formatInstant("2023-04-05T16:03:00+02:00")).toBe("2023-04-05 14:03 UTC");
  });
});

describe("formatDuration", () => {
  it("keeps the two largest units", () => {
    expect(formatDuration(3 * 86400 + 4 * 3600 + 5)).toBe("3 d 4 h");
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(0)).toBe("0 s");
  });
});
