/** The acquisition timeline's arithmetic: months as numbers, a continuous month axis from the
 * MONTH facet, year ticks, and the range a drag across the bars selects. */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The most months drawn: older months of a longer span (often a mistyped year) are left out. */
export const MAX_MONTHS = 600;

/** "2023-07" as a month count (year * 12 + month - 1); null for anything else. */
export function monthIndex(month: string): number | null {
  const match = MONTH.exec(month);
  if (!match) return null;
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

export function monthName(index: number): string {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

export function isMonth(text: string): boolean {
  return monthIndex(text) !== null;
}

/** The first instant of a month, in UTC, as the API's DateTime. */
export function monthStart(month: string): string {
  return `${month}-01T00:00:00Z`;
}

/** The month after, for an exclusive upper bound ("2023-12" -> "2024-01"). */
export function nextMonth(month: string): string {
  const index = monthIndex(month);
  return index === null ? month : monthName(index + 1);
}

export interface Bucket {
  month: string;
  index: number;
  count: number;
}

export interface MonthAxis {
  buckets: Bucket[];
  /** Assets in months before the drawn span. */
  omitted: number;
}

/** Every month from the first to the last that has acquisitions (or that the selected range
 * names), those without any at zero; facet values that are not months are skipped. */
export function monthAxis(
  values: ReadonlyArray<{ value: unknown; count: number }>,
  extent: ReadonlyArray<string | null> = [],
): MonthAxis {
  const counts = new Map<number, number>();
  for (const { value, count } of values) {
    const index = typeof value === "string" ? monthIndex(value) : null;
    if (index !== null && Number.isFinite(count)) counts.set(index, (counts.get(index) ?? 0) + count);
  }
  const ends = [...counts.keys(), ...extent.flatMap((month) => (month ? [monthIndex(month)] : []))].filter(
    (index): index is number => index !== null,
  );
  if (ends.length === 0) return { buckets: [], omitted: 0 };
  const last = Math.max(...ends);
  const first = Math.max(Math.min(...ends), last - MAX_MONTHS + 1);
  let omitted = 0;
  for (const [index, count] of counts) if (index < first) omitted += count;
  const buckets: Bucket[] = [];
  for (let index = first; index <= last; index += 1) {
    buckets.push({ month: monthName(index), index, count: counts.get(index) ?? 0 });
  }
  return { buckets, omitted };
}

export interface Tick {
  /** Where the label stands, in buckets from the axis' left edge. */
  position: number;
  label: string;
  align: "start" | "middle";
}

/** Pixels a month label (YYYY-MM) needs, and a year label. */
const MONTH_LABEL_WIDTH = 64;
const YEAR_LABEL_WIDTH = 52;

/** Every month labelled when they fit the width, else the years. */
export function axisTicks(buckets: readonly Bucket[], width: number): Tick[] {
  if (buckets.length <= Math.floor(width / MONTH_LABEL_WIDTH)) {
    return buckets.map((bucket, position) => ({ position: position + 0.5, label: bucket.month, align: "middle" }));
  }
  return yearTicks(buckets, Math.floor(width / YEAR_LABEL_WIDTH));
}

const TICK_STEPS = [1, 2, 5, 10, 20, 50, 100];

/** A year label at each January, thinned to every 2nd, 5th, 10th... year so that at most
 * `maxTicks` fit; the first month's year is labelled too when no label is near it. */
export function yearTicks(buckets: readonly Bucket[], maxTicks: number): Tick[] {
  const januaries = buckets.flatMap((bucket, position) =>
    bucket.month.endsWith("-01") ? [{ position, year: Number(bucket.month.slice(0, 4)) }] : [],
  );
  const step =
    TICK_STEPS.find((candidate) => januaries.filter(({ year }) => year % candidate === 0).length <= Math.max(1, maxTicks)) ??
    TICK_STEPS[TICK_STEPS.length - 1] ??
    1;
  const ticks = januaries
    .filter(({ year }) => year % step === 0)
    .map(({ position, year }): Tick => ({ position, label: String(year), align: "start" }));
  const first = buckets[0];
  const spacing = Math.ceil(buckets.length / Math.max(1, maxTicks));
  if (first && (ticks[0]?.position ?? Number.POSITIVE_INFINITY) >= spacing) {
    ticks.unshift({ position: 0, label: first.month.slice(0, 4), align: "start" });
  }
  return ticks;
}

/** A round top for the count axis: 1, 2 or 5 times a power of ten, at least the largest count. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const factor = [1, 2, 5, 10].find((candidate) => candidate * power >= max) ?? 10;
  return factor * power;
}

/** Which bucket an x offset (0 at the chart's left edge) falls in, clamped to the axis. */
export function bucketAt(x: number, width: number, count: number): number {
  if (count <= 0 || width <= 0) return 0;
  return Math.min(count - 1, Math.max(0, Math.floor((x / width) * count)));
}

export interface MonthRange {
  from: string;
  to: string;
}

/** The inclusive months between two buckets, in whichever direction the drag went. */
export function dragRange(buckets: readonly Bucket[], start: number, end: number): MonthRange | null {
  const low = buckets[Math.min(start, end)];
  const high = buckets[Math.max(start, end)];
  return low && high ? { from: low.month, to: high.month } : null;
}

/** Whether a month lies in a range whose missing end is open. */
export function inRange(month: string, from: string | null, to: string | null): boolean {
  return (from === null || month >= from) && (to === null || month <= to);
}
