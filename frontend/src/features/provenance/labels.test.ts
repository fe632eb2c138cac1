import { kindWords, middleEllipsis, restrictedLabel, shortLabel, shortLabels } from "./labels";

const RAW = "ecephys_652918_2023-03-10_16-32-00";
const SORTED = `${RAW}_sorted_2023-03-13_21-44-00`;
const CURATED = `${SORTED}_curated_2023-03-15_19-12-00`;

describe("shortLabel", () => {
  it("names a raw session by modality and subject, then its date", () => {
    expect(shortLabel(RAW)).toBe("ecephys 652918\n2023-03-10");
  });

  it("names a derived asset by its last processing step, then that step's date", () => {
    expect(shortLabel(SORTED)).toBe("sorted\n2023-03-13");
    expect(shortLabel(CURATED)).toBe("curated\n2023-03-15");
  });

  it("adds the time of day when asked", () => {
    expect(shortLabel(SORTED, true)).toBe("sorted\n2023-03-13 21:44");
  });

  it("shortens a name outside the convention from the middle", () => {
    const label = shortLabel("a-very-long-asset-name-that-follows-no-convention-at-all");
    expect(label).toHaveLength(26);
    expect(label.startsWith("a-very-long-")).toBe(true);
    expect(label.endsWith("ion-at-all")).toBe(true);
    expect(label).toContain("…");
  });

  it("keeps a short unconventional name whole", () => {
    expect(shortLabel("my_asset")).toBe("my_asset");
  });

  it("treats a name with text after its last date as unconventional", () => {
    expect(shortLabel(`${RAW}_extra`)).toBe(middleEllipsis(`${RAW}_extra`));
  });
});

describe("shortLabels", () => {
  it("gives distinct steps their short labels", () => {
    const labels = shortLabels([RAW, SORTED, CURATED]);
    expect([...labels.values()]).toEqual(["ecephys 652918\n2023-03-10", "sorted\n2023-03-13", "curated\n2023-03-15"]);
  });

  it("adds the time where two labels would read the same", () => {
    const morning = `${RAW}_sorted_2023-03-13_09-00-00`;
    const labels = shortLabels([SORTED, morning, RAW]);
    expect(labels.get(SORTED)).toBe("sorted\n2023-03-13 21:44");
    expect(labels.get(morning)).toBe("sorted\n2023-03-13 09:00");
    expect(labels.get(RAW)).toBe("ecephys 652918\n2023-03-10");
  });

  it("falls back to the shortened names where even the times collide", () => {
    const other = "behavior_1_2023-03-01_00-00-00_sorted_2023-03-13_21-44-00";
    const labels = shortLabels([SORTED, other]);
    expect(labels.get(SORTED)).toBe(middleEllipsis(SORTED));
    expect(labels.get(other)).toBe(middleEllipsis(other));
  });
});

describe("middleEllipsis", () => {
  it("keeps text within the limit as it is", () => {
    expect(middleEllipsis("short", 10)).toBe("short");
  });

  it("keeps both ends of longer text", () => {
    expect(middleEllipsis("abcdefghijkl", 7)).toBe("abc…jkl");
  });
});

describe("restrictedLabel", () => {
  it("says the asset is restricted, then its kind", () => {
    expect(restrictedLabel("PRIMARY")).toBe("Restricted asset\nPrimary");
    expect(restrictedLabel("DERIVED")).toBe("Restricted asset\nDerived");
  });

  it("says when its kind is not known", () => {
    expect(restrictedLabel(null)).toBe("Restricted asset\nKind unknown");
    expect(kindWords(null)).toBe("Kind unknown");
  });
});
