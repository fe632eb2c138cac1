/** Reading metadata documents of any schema generation (0.2 to 2.x): every value may be missing,
 * null, a string where a number belongs, a list where one value belongs, or another shape. These
 * readers never throw; what they cannot read they give back as null or an empty list. */

export type JsonRecord = Record<string, unknown>;

/** A label and its value, for a `<dl>`. */
export interface Fact {
  label: string;
  value: string;
}

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Strings that real records use for "nothing recorded". */
const PLACEHOLDERS = new Set(["", "nan", "none", "null", "n/a", "na"]);

/** A number written the way MongoDB exports large ones: {"$numberLong": "1800000000000"}. */
function extendedNumber(value: unknown): number | null {
  if (!isRecord(value)) return null;
  const raw = value.$numberLong ?? value.$numberDouble ?? value.$numberInt ?? value.$numberDecimal;
  if (typeof raw !== "string") return null;
  const parsed = Number(raw);
  return Number.isFinite(parsed) ? parsed : null;
}

export function num(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value.trim());
    return Number.isFinite(parsed) ? parsed : null;
  }
  return extendedNumber(value);
}

/** Readable numbers: float noise trimmed (1.5900000000000003 → 1.59), huge ones as 1.8e12. */
export function formatNumber(value: number): string {
  if (value !== 0 && (Math.abs(value) >= 1e7 || Math.abs(value) < 1e-4)) {
    const [mantissa = "", exponent = ""] = value.toExponential(3).split("e");
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(6)));
}

/** A scalar as display text; numbers written as strings stay as the lab wrote them. */
export function text(value: unknown): string | null {
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (PLACEHOLDERS.has(trimmed.toLowerCase())) return null;
    // Float noise written out as text ("1.5900000000000003") reads like the number it is.
    return /^-?\d+\.\d{7,}$/.test(trimmed) ? formatNumber(Number(trimmed)) : trimmed;
  }
  if (typeof value === "number") return Number.isFinite(value) ? formatNumber(value) : null;
  if (typeof value === "boolean") return value ? "yes" : "no";
  const extended = extendedNumber(value);
  return extended == null ? null : formatNumber(extended);
}

/** A scalar, or the name (else abbreviation) of an object such as {name, abbreviation, registry}. */
export function label(value: unknown): string | null {
  if (isRecord(value)) return text(value.name) ?? text(value.abbreviation) ?? extendedNumber(value)?.toString() ?? null;
  return text(value);
}

/** A list where a list is expected; one value where a list belongs becomes a list of one. */
export function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value == null ? [] : [value];
}

export function records(value: unknown): JsonRecord[] {
  return list(value).filter(isRecord);
}

/** The labels of a list (or of one value), blanks dropped, each once. */
export function labels(value: unknown): string[] {
  return unique(list(value).map(label));
}

export function unique(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value != null && value !== ""))];
}

/** The first of these keys that holds something. */
export function pick(record: JsonRecord, ...keys: string[]): unknown {
  for (const key of keys) {
    const value = record[key];
    if (value != null && !(typeof value === "string" && text(value) == null)) return value;
  }
  return undefined;
}

/** Another document nested under a key, or an empty one. */
export function child(record: JsonRecord, key: string): JsonRecord {
  const value = record[key];
  return isRecord(value) ? value : {};
}

const UNITS: Record<string, string> = {
  nanoliter: "nL",
  microliter: "µL",
  milliliter: "mL",
  millimeter: "mm",
  micrometer: "µm",
  micron: "µm",
  nanometer: "nm",
  meter: "m",
  milliwatt: "mW",
  microwatt: "µW",
  watt: "W",
  percent: "%",
  degree: "°",
  degrees: "°",
  second: "s",
  millisecond: "ms",
  microsecond: "µs",
  minute: "min",
  hour: "h",
  day: "d",
  gram: "g",
  microamps: "µA",
  microampere: "µA",
  hertz: "Hz",
  decibels: "dB",
  pixel: "px",
};

export function unitSymbol(unit: unknown): string | null {
  const name = label(unit);
  if (name == null) return null;
  return UNITS[name.toLowerCase()] ?? name;
}

/** A value with its unit: "40 nL", "100, 100 nL", "20 °"→"20°"; null when there is no value. */
export function measure(value: unknown, unit?: unknown): string | null {
  const values = list(value).map(text).filter((item): item is string => item != null);
  if (values.length === 0) return null;
  const symbol = unitSymbol(unit);
  if (!symbol) return values.join(", ");
  const joiner = symbol === "°" || symbol === "%" ? "" : " ";
  return `${values.join(", ")}${joiner}${symbol}`;
}

/** "injection_coordinate_ap" → "Injection coordinate ap". */
export function humanize(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, "$1 $2").replaceAll("_", " ").trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A few items and how many more: "a, b, c and 48 more". */
export function summarize(items: string[], shown = 3): string | null {
  if (items.length === 0) return null;
  if (items.length <= shown + 1) return items.join(", ");
  return `${items.slice(0, shown).join(", ")} and ${items.length - shown} more`;
}

export function facts(...pairs: [string, string | null | undefined][]): Fact[] {
  return pairs.filter((pair): pair is [string, string] => pair[1] != null && pair[1] !== "").map(([label, value]) => ({ label, value }));
}

/** A brain structure: "VTA (Ventral tegmental area)", or the text given. */
export function structure(value: unknown): string | null {
  if (!isRecord(value)) return text(value);
  const acronym = text(value.acronym);
  const name = text(value.name);
  if (acronym && name && acronym !== name) return `${acronym} (${name})`;
  return acronym ?? name;
}

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

interface LocalTime {
  day: string;
  time: string | null;
  /** " UTC", " −07:00", or "" when the lab wrote no zone. */
  zone: string;
}

function parseLocalTime(raw: string): LocalTime | null {
  const match = LOCAL_TIME.exec(raw);
  if (!match?.[1]) return null;
  const [, day, time, zone] = match;
  if (!zone) return { day, time: time ?? null, zone: "" };
  if (zone === "Z" || /^[+-]00:?00$/.test(zone)) return { day, time: time ?? null, zone: " UTC" };
  const offset = zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return { day, time: time ?? null, zone: ` ${offset.replace("-", "−")}` };
}

/** An instant as the lab wrote it, to the minute, with its offset: "2023-04-07 14:11 −07:00". */
export function localTime(value: unknown): string | null {
  const raw = text(value);
  if (raw == null) return null;
  const parsed = parseLocalTime(raw);
  if (!parsed) return raw;
  return parsed.time ? `${parsed.day} ${parsed.time}${parsed.zone}` : parsed.day;
}

/** "2023-06-16 – 2023-06-19"; one day's times share its date: "2023-07-24 18:18 – 19:04 −07:00". */
export function dateRange(start: unknown, end: unknown): string | null {
  const from = localTime(start);
  const to = localTime(end);
  if (!from || !to || from === to) return from ?? to;
  const a = parseLocalTime(text(start) ?? "");
  const b = parseLocalTime(text(end) ?? "");
  if (a?.time && b?.time && a.day === b.day && a.zone === b.zone) return `${a.day} ${a.time} – ${b.time}${a.zone}`;
  return `${from} – ${to}`;
}
