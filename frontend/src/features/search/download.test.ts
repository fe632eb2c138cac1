import { describe, expect, it } from "vitest";
import { downloadCommand, manifestFits, manifestPath } from "./download";

describe("manifestPath", () => {
  it("carries the filter as JSON, the glob and the format", () => {
    const path = manifestPath({ and: [{ modality: ["ecephys"] }] }, " *.nwb ", "aria2");
    const url = new URL(path, "http://catalog.example");
    expect(url.pathname).toBe("/manifest");
    expect(JSON.parse(url.searchParams.get("filter") ?? "")).toEqual({ and: [{ modality: ["ecephys"] }] });
    expect(url.searchParams.get("pathGlob")).toBe("*.nwb");
    expect(url.searchParams.get("format")).toBe("aria2");
  });

  it("leaves out an empty filter and glob", () => {
    expect(manifestPath(null, "", "tsv")).toBe("/manifest?format=tsv");
  });

  it("refuses a filter longer than the route reads", () => {
    expect(manifestFits({ and: [{ text: "x".repeat(17_000) }] })).toBe(false);
    expect(manifestFits(null)).toBe(true);
  });
});

describe("downloadCommand", () => {
  it("fetches the aria2 manifest and every file it lists, checking hashes", () => {
    expect(downloadCommand("http://h/manifest?format=aria2&pathGlob=it's", "aria2")).toBe(
      "curl -sS 'http://h/manifest?format=aria2&pathGlob=it'\\''s' -o manifest.aria2 && aria2c -i manifest.aria2 -d data --check-integrity=true",
    );
  });

  it("only fetches a TSV or JSON manifest", () => {
    expect(downloadCommand("http://h/manifest?format=tsv", "tsv")).toBe("curl -sS 'http://h/manifest?format=tsv' -o manifest.tsv");
  });
});
