import { describe, expect, it } from "vitest";
import { dateRange, formatNumber, humanize, label, labels, localTime, measure, num, structure, summarize, text } from "./json";

describe("text and num", () => {
  it("read numbers written as strings, MongoDB longs and float noise", () => {
    expect(num("2.5")).toBe(2.5);
    expect(num({ $numberLong: "1800000000000" })).toBe(1.8e12);
    expect(num("abc")).toBeNull();
    expect(text("1.5900000000000003")).toBe("1.59");
    expect(text(1.5900000000000003)).toBe("1.59");
    expect(text({ $numberLong: "1800000000000" })).toBe("1.8e12");
  });

  it("treat placeholders for nothing as nothing", () => {
    expect([text(""), text(" nan "), text("None"), text("N/A"), text(null), text({})]).toEqual([null, null, null, null, null, null]);
    expect(text(true)).toBe("yes");
  });

  it("write large and tiny numbers in exponent form", () => {
    expect(formatNumber(23_000_000_000_000)).toBe("2.3e13");
    expect(formatNumber(0.00002)).toBe("2e-5");
    expect(formatNumber(90.91)).toBe("90.91");
  });
});

describe("label, labels and structure", () => {
  it("name registry objects by name, else abbreviation", () => {
    expect(label({ name: "Allen Institute", abbreviation: "AI" })).toBe("Allen Institute");
    expect(label({ abbreviation: "AI" })).toBe("AI");
    expect(labels([{ name: "A" }, "B", null, "A"])).toEqual(["A", "B"]);
    expect(labels("solo")).toEqual(["solo"]);
  });

  it("writes a CCF structure as acronym and name", () => {
    expect(structure({ atlas: "CCFv3", name: "Ventral tegmental area", acronym: "VTA", id: "749" })).toBe("VTA (Ventral tegmental area)");
    expect(structure("STR")).toBe("STR");
  });
});

describe("measure", () => {
  it("abbreviates units, joins several values, and sticks degrees and percent to the number", () => {
    expect(measure("40.0", "nanoliter")).toBe("40.0 nL");
    expect(measure(["100", "100"], "nanoliter")).toBe("100, 100 nL");
    expect(measure(0, "degrees")).toBe("0°");
    expect(measure(90.91, "percent")).toBe("90.91%");
    expect(measure(3, "gc/mL")).toBe("3 gc/mL");
    expect(measure(null, "nanoliter")).toBeNull();
  });
});

describe("localTime and dateRange", () => {
  it("show an instant as the lab wrote it, with its offset", () => {
    expect(localTime("2023-04-07T14:11:25-07:00")).toBe("2023-04-07 14:11 −07:00");
    expect(localTime("2025-11-26T23:41:33.334711Z")).toBe("2025-11-26 23:41 UTC");
    expect(localTime("2019-03-15 15:31:03.507360-07:00")).toBe("2019-03-15 15:31 −07:00");
    expect(localTime("2023-07-05T21:42:01")).toBe("2023-07-05 21:42");
    expect(localTime("2023-06-16")).toBe("2023-06-16");
    expect(localTime("03:00:00")).toBe("03:00:00");
  });

  it("shares the date of a range within one day", () => {
    expect(dateRange("2023-07-24T18:18:13-07:00", "2023-07-24T19:04:58-07:00")).toBe("2023-07-24 18:18 – 19:04 −07:00");
    expect(dateRange("2023-06-16", "2023-06-19")).toBe("2023-06-16 – 2023-06-19");
    expect(dateRange("2023-06-16", null)).toBe("2023-06-16");
    expect(dateRange(null, null)).toBeNull();
  });
});

describe("humanize and summarize", () => {
  it("turn keys into labels and long lists into a few items", () => {
    expect(humanize("injection_coordinate_ap")).toBe("Injection coordinate ap");
    expect(summarize(["a", "b", "c", "d", "e", "f"])).toBe("a, b, c and 3 more");
    expect(summarize(["a", "b", "c", "d"])).toBe("a, b, c, d");
    expect(summarize([])).toBeNull();
  });
});
