/** How numbers, sizes, instants and durations read on every page. */

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"] as const;

/** Decimal units, as storage consoles show them: 1,500,000 bytes is "1.5 MB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return "—";
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${bytes < 0 ? "-" : ""}${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatCount(count: number | null | undefined): string {
  return count == null ? "—" : count.toLocaleString("en-US");
}

/** A count with its noun: "1 asset", "1,234 assets". */
export function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** A count the catalog may have estimated (a large one, on PostgreSQL), with its noun: "about 1,234,567 assets". */
export function pluralAbout(count: number, estimated: boolean, one: string, many: string): string {
  return `${estimated ? "about " : ""}${plural(count, one, many)}`;
}

/** An instant as the lab wrote it, in UTC, to the minute: "2023-04-05 14:03 UTC". */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return iso.slice(0, 10);
}

/** Seconds as the largest two units: "1 h 12 min", "45 s", "3 d 4 h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  const parts: [number, string][] = [
    [Math.floor(seconds / 86400), "d"],
    [Math.floor((seconds % 86400) / 3600), "h"],
    [Math.floor((seconds % 3600) / 60), "min"],
    [Math.round(seconds % 60), "s"],
  ];
  const shown = parts.filter(([value]) => value > 0).slice(0, 2);
  return shown.length ? shown.map(([value, unit]) => `${value} ${unit}`).join(" ") : "0 s";
}
