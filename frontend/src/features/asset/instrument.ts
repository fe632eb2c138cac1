/** The instrument (light-sheet 0.x/1.x, every 2.x asset) or rig (0.x/1.x sessions): what it is
 * and its devices by kind. 1.x lists devices under one key per kind (`lasers`, `daqs`, ...);
 * 2.x puts them all in `components`, each saying its kind in `object_type`. */
import { type Fact, facts, humanize, isRecord, type JsonRecord, label, labels, list, measure, records, text } from "./json";

export interface DeviceGroup {
  kind: string;
  devices: string[];
}

export interface InstrumentView {
  id: string | null;
  facts: Fact[];
  modalities: string[];
  groups: DeviceGroup[];
  calibrations: number;
  notes: string | null;
}

/** Lists of an instrument that are not devices. */
const NOT_DEVICES = new Set([
  "calibrations",
  "maintenance",
  "modalities",
  "connections",
  "components",
  "axes",
  "rig_axes",
  "com_ports",
  "origin",
  "ccf_coordinate_transform",
  "coordinate_system",
  "global_coordinate_system",
  "manufacturer",
  "source",
]);

/** Kinds whose usual plural or abbreviation reads better than the key. */
const KIND_NAMES: Record<string, string> = { daqs: "DAQs", dmds: "DMDs", digital_micromirror_devices: "Digital micromirror devices" };

/** A device's name, the nested device's name (a camera assembly's camera), else its type. */
function deviceName(device: JsonRecord): string | null {
  const name = label(device) ?? label(device.camera) ?? label(device.ophys_probe) ?? text(device.device_type);
  if (!name) return null;
  const wavelength = measure(device.wavelength, device.wavelength_unit ?? "nanometer");
  const model = text(device.model) ?? text(device.probe_model);
  const extra = [wavelength, model && model !== name ? model : null].filter(Boolean).join(", ");
  return extra ? `${name} (${extra})` : name;
}

function legacyGroups(document: JsonRecord): DeviceGroup[] {
  const groups: DeviceGroup[] = [];
  for (const [key, value] of Object.entries(document)) {
    if (NOT_DEVICES.has(key)) continue;
    const devices = (Array.isArray(value) ? records(value) : isRecord(value) ? [value] : []).map(deviceName);
    const named = devices.filter((device): device is string => device != null);
    if (named.length > 0) groups.push({ kind: KIND_NAMES[key] ?? humanize(key), devices: named });
  }
  return groups;
}

function componentGroups(components: JsonRecord[]): DeviceGroup[] {
  const byKind = new Map<string, string[]>();
  for (const component of components) {
    const kind = text(component.object_type) ?? "Device";
    const name = deviceName(component);
    if (!name) continue;
    byKind.set(kind, [...(byKind.get(kind) ?? []), name]);
  }
  return [...byKind].map(([kind, devices]) => ({ kind, devices }));
}

export function instrumentView(document: unknown): InstrumentView | null {
  if (!isRecord(document)) return null;
  const components = records(document.components);
  return {
    id: text(document.instrument_id) ?? text(document.rig_id),
    facts: facts(
      ["Type", label(document.instrument_type)],
      ["Manufacturer", label(document.manufacturer)],
      ["Location", text(document.location)],
      ["Modified", text(document.modification_date)],
      ["Calibrated", text(document.calibration_date)],
      ["Temperature control", label(document.temperature_control)],
    ),
    modalities: labels(document.modalities),
    groups: components.length > 0 ? componentGroups(components) : legacyGroups(document),
    calibrations: list(document.calibrations).length,
    notes: text(document.notes),
  };
}
