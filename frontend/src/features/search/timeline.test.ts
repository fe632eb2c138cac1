import { describe, expect, it } from "vitest";
import {
  axisTicks,
  bucketAt,
  type Bucket,
  dragRange,
  inRange,
  MAX_MONTHS,
  monthAxis,
  monthIndex,
  monthName,
  monthStart,
  nextMonth,
  niceMax,
  yearTicks,
} from "./timeline";

const months = (axis: { buckets: Bucket[] }) => axis.buckets.map((bucket) => `${bucket.month}:${bucket.count}`);

describe("months", () => {
  it("reads YYYY-MM and nothing else", () => {
    expect(monthIndex("2023-01")).toBe(2023 * 12);
    expect(monthName(2023 * 12 + 11)).toBe("2023-12");
    for (const junk of ["2023-13", "2023-00", "2023-1", "23-01", "2023-01-05", ""]) expect(monthIndex(junk)).toBeNull();
  });

  it("gives a month's first instant in UTC and the month after it", () => {
    expect(monthStart("2023-07")).toBe("2023-07-01T00:00:00Z");
    expect(nextMonth("2023-12")).toBe("2024-01");
    expect(nextMonth("2023-02")).toBe("2023-03");
  });

  it("treats a missing end of a range as open", () => {
    expect(inRange("2023-05", "2023-05", "2023-07")).toBe(true);
    expect(inRange("2023-08", "2023-05", "2023-07")).toBe(false);
    expect(inRange("1999-01", null, "2023-07")).toBe(true);
    expect(inRange("2030-01", "2023-05", null)).toBe(true);
  });
});

describe("monthAxis", () => {
  it("fills every month between the first and the last with zeros", () => {
    const axis = monthAxis([
      { value: "2023-12", count: 5 },
      { value: "2023-10", count: 2 },
    ]);
    expect(months(axis)).toEqual(["2023-10:2", "2023-11:0", "2023-12:5"]);
    expect(axis.omitted).toBe(0);
  });

  it("skips values that are not months, null included", () => {
    expect(months(monthAxis([{ value: null, count: 9 }, { value: 2023, count: 1 }, { value: "2023-02", count: 1 }]))).toEqual(["2023-02:1"]);
    expect(monthAxis([{ value: null, count: 3 }]).buckets).toEqual([]);
  });

  it("widens to the selected range so the selection stays on the axis", () => {
    expect(months(monthAxis([{ value: "2023-02", count: 1 }], ["2023-01", "2023-03"]))).toEqual(["2023-01:0", "2023-02:1", "2023-03:0"]);
  });

  it("leaves out months older than the drawn span and says how many assets they hold", () => {
    const axis = monthAxis([
      { value: "1970-01", count: 4 },
      { value: "2024-06", count: 1 },
    ]);
    expect(axis.buckets).toHaveLength(MAX_MONTHS);
    expect(axis.buckets.at(-1)?.month).toBe("2024-06");
    expect(axis.omitted).toBe(4);
  });
});

describe("yearTicks", () => {
  const span = (first: string, last: string) => monthAxis([{ value: first, count: 1 }, { value: last, count: 1 }]).buckets;

  it("labels each January, and the first month's year when no January is near", () => {
    expect(yearTicks(span("2023-03", "2025-02"), 10)).toEqual([
      { position: 0, label: "2023", align: "start" },
      { position: 10, label: "2024", align: "start" },
      { position: 22, label: "2025", align: "start" },
    ]);
    expect(yearTicks(span("2023-01", "2023-06"), 10)).toEqual([{ position: 0, label: "2023", align: "start" }]);
  });

  it("thins the labels to every 2nd, 5th or 10th year when many years span the axis", () => {
    const labels = yearTicks(span("2000-01", "2024-12"), 6).map((tick) => tick.label);
    expect(labels).toEqual(["2000", "2005", "2010", "2015", "2020"]);
  });
});

describe("axisTicks", () => {
  const span = (first: string, last: string) => monthAxis([{ value: first, count: 1 }, { value: last, count: 1 }]).buckets;

  it("labels every month, centred under its bar, when the labels fit", () => {
    expect(axisTicks(span("2023-03", "2023-05"), 640)).toEqual([
      { position: 0.5, label: "2023-03", align: "middle" },
      { position: 1.5, label: "2023-04", align: "middle" },
      { position: 2.5, label: "2023-05", align: "middle" },
    ]);
  });

  it("labels the years when the months do not fit", () => {
    expect(axisTicks(span("2023-03", "2025-02"), 640).map((tick) => tick.label)).toEqual(["2023", "2024", "2025"]);
  });
});

describe("the count axis and dragging", () => {
  it("rounds the largest count up to 1, 2 or 5 times a power of ten", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(13)).toBe(20);
    expect(niceMax(41)).toBe(50);
    expect(niceMax(100)).toBe(100);
  });

  it("finds the bar under the pointer, clamped to the chart", () => {
    expect(bucketAt(0, 100, 10)).toBe(0);
    expect(bucketAt(55, 100, 10)).toBe(5);
    expect(bucketAt(140, 100, 10)).toBe(9);
    expect(bucketAt(-20, 100, 10)).toBe(0);
  });

  it("selects the months between where a drag started and ended, either way", () => {
    const buckets = monthAxis([{ value: "2023-01", count: 1 }, { value: "2023-06", count: 1 }]).buckets;
    expect(dragRange(buckets, 4, 1)).toEqual({ from: "2023-02", to: "2023-05" });
    expect(dragRange(buckets, 2, 2)).toEqual({ from: "2023-03", to: "2023-03" });
    expect(dragRange([], 0, 1)).toBeNull();
  });
});
