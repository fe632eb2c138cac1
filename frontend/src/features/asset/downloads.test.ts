import { describe, expect, it } from "vitest";
import { aria2Command, downloadHref, downloadScript, manifestHref, preview, scriptFileName, sha256Line, shortHash } from "./downloads";

const HASH = "a".repeat(64);
const OTHER = "b".repeat(64);

function manifest(files: { path: string; sha256?: string | null; url?: string }[], truncated = false) {
  return {
    files: files.map((file) => ({ asset: "ecephys_1", size: 10, url: "https://x.test/f?sig=1&e=2", sha256: HASH, ...file })),
    expiresAt: "2026-12-03T14:00:00+00:00",
    count: files.length,
    totalSize: files.length * 10,
    truncated,
  };
}

describe("downloadHref", () => {
  it("escapes the asset and each path segment but keeps the slashes", () => {
    expect(downloadHref("ecephys_1", "a b/c#d?.nwb")).toBe("/download/ecephys_1/a%20b/c%23d%3F.nwb");
    expect(downloadHref("x/y", "f.json")).toBe("/download/x%2Fy/f.json");
  });
});

describe("manifestHref", () => {
  it("filters the manifest by the asset's name and the glob, in the asked format", () => {
    const url = new URLSearchParams(manifestHref("ecephys_1", "**/*.json", "aria2").split("?")[1]);
    expect(JSON.parse(url.get("filter") ?? "")).toEqual({ name: "ecephys_1" });
    expect(url.get("pathGlob")).toBe("**/*.json");
    expect(url.get("format")).toBe("aria2");
  });

  it("leaves the glob out when there is none", () => {
    expect(manifestHref("a", null, "tsv")).toBe("/manifest?filter=%7B%22name%22%3A%22a%22%7D&format=tsv");
  });
});

describe("aria2Command", () => {
  it("fetches the manifest then runs aria2c on it with integrity checks, in one line", () => {
    expect(aria2Command("http://h/manifest?filter=x&format=aria2", "ecephys_1")).toBe(
      "curl -fsSL 'http://h/manifest?filter=x&format=aria2' -o 'ecephys_1.aria2' && aria2c -i 'ecephys_1.aria2' -d data --check-integrity=true",
    );
  });
});

describe("downloadScript", () => {
  it("starts strict, says when the URLs expire, and fetches each file to <asset>/<path>", () => {
    const script = downloadScript(manifest([{ path: "a.nwb" }, { path: "dir/b.json", sha256: OTHER }]), "ecephys_1");
    const lines = script.split("\n");
    expect(lines[0]).toBe("#!/usr/bin/env bash");
    expect(lines).toContain("set -euo pipefail");
    expect(script).toContain("# The signed URLs expire at 2026-12-03 14:00 UTC");
    expect(lines).toContain("curl -fL --create-dirs -o 'ecephys_1/a.nwb' 'https://x.test/f?sig=1&e=2'");
    expect(lines).toContain("curl -fL --create-dirs -o 'ecephys_1/dir/b.json' 'https://x.test/f?sig=1&e=2'");
  });

  it("checks every file's sha256 with sha256sum -c from a quoted here-document", () => {
    const script = downloadScript(manifest([{ path: "a.nwb" }, { path: "dir/b.json", sha256: OTHER }]), "ecephys_1");
    expect(script).toContain(`sha256sum -c <<'SHA256SUMS'\n${HASH}  ecephys_1/a.nwb\n${OTHER}  ecephys_1/dir/b.json\nSHA256SUMS\n`);
  });

  it("quotes odd paths so that no part of a name runs as code", () => {
    const script = downloadScript(manifest([{ path: "it's $(rm -rf ~) `x` a b;.nwb" }]), "ecephys_1");
    expect(script).toContain("-o 'ecephys_1/it'\\''s $(rm -rf ~) `x` a b;.nwb' ");
  });

  it("escapes a path with a line break or backslash in its checksum line the GNU way", () => {
    expect(sha256Line(HASH, "a\nb\\c")).toBe(`\\${HASH}  a\\nb\\\\c`);
    expect(sha256Line(HASH, "plain name.txt")).toBe(`${HASH}  plain name.txt`);
    const script = downloadScript(manifest([{ path: "line\nbreak.txt" }]), "ecephys_1");
    expect(script).toContain("-o 'ecephys_1/line\nbreak.txt'");
    expect(script).toContain(`\\${HASH}  ecephys_1/line\\nbreak.txt`);
  });

  it("lists files without a usable sha256 as unchecked instead of checking them", () => {
    const script = downloadScript(manifest([{ path: "a.nwb", sha256: null }, { path: "b.nwb", sha256: "not-a-hash" }]), "ecephys_1");
    expect(script).not.toContain("sha256sum -c <<");
    expect(script).toContain('# No sha256 recorded, so not checked:\n#   ecephys_1/a.nwb\n#   ecephys_1/b.nwb\n');
  });

  it("says when the manifest was cut short", () => {
    expect(downloadScript(manifest([{ path: "a" }], true), "x")).toContain("# More files matched than one manifest lists: these are the first 1.");
  });
});

describe("small helpers", () => {
  it("names the script file after the asset, safely", () => {
    expect(scriptFileName("ecephys_1_2023-01-01_00-00-00")).toBe("download-ecephys_1_2023-01-01_00-00-00.sh");
    expect(scriptFileName("a b/c")).toBe("download-a_b_c.sh");
  });

  it("shortens a hash to its first characters", () => {
    expect(shortHash(HASH)).toBe(`${"a".repeat(12)}…`);
    expect(shortHash("abc")).toBe("abc");
  });

  it("previews the first lines of a long text and counts the rest", () => {
    expect(preview("1\n2\n3\n4\n", 2)).toEqual({ text: "1\n2", hidden: 2 });
    expect(preview("1\n2\n", 5)).toEqual({ text: "1\n2", hidden: 0 });
  });
});
