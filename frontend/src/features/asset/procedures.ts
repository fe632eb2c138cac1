/** The procedures document: injections (the table a scientist looks for first), surgeries and
 * the other procedures on the subject, and what was done to the specimen. Three layouts occur:
 * 0.5 lists `injections`/`craniotomies`/`headframes` at the top; 0.11 to 1.x nest procedures in
 * surgeries with AP/ML/DV fields; 2.x gives coordinates as transform lists in a named
 * coordinate system. */
import {
  child,
  dateRange,
  humanize,
  isRecord,
  type JsonRecord,
  label,
  labels,
  list,
  measure,
  num,
  records,
  structure,
  text,
  unique,
  unitSymbol,
} from "./json";

export interface InjectionRow {
  type: string;
  date: string | null;
  materials: string[];
  target: string | null;
  hemisphere: string | null;
  /** One line per site (several depths of one penetration share a line). */
  coordinates: string[];
  /** Where the coordinates start from, e.g. "Bregma". */
  reference: string | null;
  angle: string | null;
  /** Volume, else the current of an iontophoretic injection. */
  volume: string | null;
  protocol: string | null;
}

export interface ProcedureItem {
  type: string;
  date: string | null;
  details: string[];
}

export interface SurgeryView {
  date: string | null;
  experimenters: string[];
  protocol: string | null;
  ethics: string | null;
  weight: string | null;
  anaesthesia: string | null;
  /** Everything but the injections, which the injection table lists. */
  procedures: ProcedureItem[];
  injections: number;
  notes: string | null;
}

export interface SpecimenProcedureView {
  type: string;
  name: string | null;
  specimen: string | null;
  dates: string | null;
  experimenters: string[];
  reagents: string[];
  details: string[];
  notes: string | null;
}

export interface ProceduresView {
  injections: InjectionRow[];
  surgeries: SurgeryView[];
  /** Procedures outside a surgery: water restriction, and 0.5's craniotomies and headframes. */
  other: ProcedureItem[];
  specimen: SpecimenProcedureView[];
  notes: string | null;
}

interface CoordinateSystem {
  name: string | null;
  axes: string[];
  unit: string | null;
  origin: string | null;
}

const MAX_DETAILS = 8;

function procedureType(procedure: JsonRecord, fallback: string): string {
  // 0.5 injections say "Nanoject" + "virus injection"; elsewhere `type` is a detail (a headframe's shape).
  const legacy = text(procedure.injection_type) ? [text(procedure.injection_type), text(procedure.type)].filter(Boolean).join(" ") : "";
  return text(procedure.procedure_type) ?? text(procedure.object_type) ?? (legacy || fallback);
}

function isInjection(procedure: JsonRecord): boolean {
  const type = text(procedure.procedure_type) ?? text(procedure.object_type) ?? text(procedure.type) ?? "";
  return /injection/i.test(type) || "injection_materials" in procedure || "dynamics" in procedure;
}

/** AP/ML/DV as 0.x and 1.x write them, depths (one or several) on the same line. */
function stereotacticLine(procedure: JsonRecord, prefix: string): string | null {
  const ap = text(procedure[`${prefix}_ap`]);
  const ml = text(procedure[`${prefix}_ml`]);
  const depths = list(procedure[`${prefix}_depth`] ?? procedure[`${prefix}_dv`]).map(text).filter(Boolean);
  const parts = [ap && `AP ${ap}`, ml && `ML ${ml}`, depths.length > 0 && `DV ${depths.join(" / ")}`].filter(Boolean);
  if (parts.length === 0) return null;
  const unit = unitSymbol(procedure[`${prefix}_unit`]);
  return `${parts.join(" · ")}${unit ? ` ${unit}` : ""}`;
}

const AXIS_LETTERS: Record<string, string> = { A: "AP", P: "AP", L: "ML", R: "ML", S: "SI", I: "SI", D: "Depth", U: "Depth" };

/** Axes spelled by a 2.x system name, e.g. BREGMA_ARID → AP, ML, SI, Depth. */
function systemFromName(name: string | null): CoordinateSystem {
  const [origin = "", letters = ""] = (name ?? "").split(/_(?=[A-Z]+$)/);
  const axes = [...letters].map((letter) => AXIS_LETTERS[letter]);
  const known = axes.length > 0 && axes.every((axis) => axis != null);
  return {
    name,
    axes: known ? axes.filter((axis): axis is string => axis != null) : [],
    unit: null,
    origin: origin ? origin.charAt(0) + origin.slice(1).toLowerCase() : null,
  };
}

function coordinateSystems(...sources: unknown[]): CoordinateSystem[] {
  return sources.filter(isRecord).map((system) => ({
    name: text(system.name),
    axes: records(system.axes).map((axis) => text(axis.name) ?? "?"),
    unit: unitSymbol(system.axis_unit),
    origin: text(system.origin),
  }));
}

/** 2.x coordinates: a list of sites, each a list of transforms (translation, rotation). */
function transformLines(procedure: JsonRecord, systems: CoordinateSystem[]): { lines: string[]; reference: string | null } {
  const name = text(procedure.coordinate_system_name);
  const system = systems.find((candidate) => candidate.name === name) ?? systemFromName(name);
  const lines: string[] = [];
  for (const site of list(procedure.coordinates)) {
    const transforms = records(site);
    const translation = transforms.find((transform) => Array.isArray(transform.translation))?.translation;
    if (!Array.isArray(translation)) continue;
    const parts = translation.map((value, index) => `${system.axes[index] ?? `axis ${index + 1}`} ${text(value) ?? "?"}`);
    let line = `${parts.join(" · ")}${system.unit ? ` ${system.unit}` : ""}`;
    const rotation = transforms.find((transform) => Array.isArray(transform.angles));
    if (rotation && list(rotation.angles).some((angle) => (num(angle) ?? 0) !== 0)) {
      line += `, angles ${measure(rotation.angles, rotation.angles_unit ?? "degrees")}`;
    }
    lines.push(line);
  }
  return { lines, reference: system.origin };
}

/** "AAV2-Flex-ChrimsonR (2.3e9 gc/mL)": a material by its name (else its TARS id) and titer. */
function material(item: JsonRecord): string | null {
  const tars = child(item, "tars_identifiers");
  const name = text(item.name) ?? text(tars.virus_tars_id) ?? text(item.full_genome_name) ?? label(item.addgene_id);
  if (!name) return null;
  const titer = measure(item.titer, item.titer_unit);
  // A titer without its unit still says what the number is.
  const amount = (titer && text(item.titer_unit) == null ? `titer ${titer}` : titer) ?? measure(item.concentration, item.concentration_unit);
  return amount ? `${name} (${amount})` : name;
}

/** Values of several {value, unit} pairs: one unit when they share it ("200, 200 nL"). */
function measures(items: JsonRecord[], valueKey: string, unitKey: string): string | null {
  const present = items.filter((item) => text(item[valueKey]) != null);
  if (present.length === 0) return null;
  const units = unique(present.map((item) => unitSymbol(item[unitKey])));
  if (units.length <= 1) return measure(present.map((item) => item[valueKey]), present[0]?.[unitKey]);
  return present.map((item) => measure(item[valueKey], item[unitKey])).join(", ");
}

function injectionVolume(injection: JsonRecord): string | null {
  const dynamics = records(injection.dynamics);
  return (
    measure(injection.injection_volume, injection.injection_volume_unit) ??
    measures(dynamics, "volume", "volume_unit") ??
    measure(injection.injection_current, injection.injection_current_unit) ??
    measures(dynamics, "injection_current", "injection_current_unit")
  );
}

function injectionRow(injection: JsonRecord, date: string | null, systems: CoordinateSystem[]): InjectionRow {
  const legacy = stereotacticLine(injection, "injection_coordinate");
  const modern = transformLines(injection, systems);
  return {
    type: procedureType(injection, "Injection"),
    date: text(injection.start_date) ?? date,
    materials: unique(records(injection.injection_materials).map(material)),
    target: structure(injection.targeted_structure),
    hemisphere: text(injection.injection_hemisphere) ?? (labels(injection.relative_position).join(", ") || null),
    coordinates: legacy ? [legacy] : modern.lines,
    reference: legacy ? text(injection.injection_coordinate_reference) : modern.lines.length > 0 ? modern.reference : null,
    angle: measure(injection.injection_angle, injection.injection_angle_unit),
    volume: injectionVolume(injection),
    protocol: text(injection.protocol_id),
  };
}

/** Keys a procedure item does not repeat: they are shown elsewhere or say nothing to a reader. */
const QUIET_KEYS = new Set([
  "object_type",
  "procedure_type",
  "describedBy",
  "start_date",
  "end_date",
  "experimenter_full_name",
  "experimenters",
  "iacuc_protocol",
  "anaesthesia",
  "coordinate_system_name",
  "coordinates",
]);

/** "Probe A → VTA (Ventral tegmental area) at AP -3.05 · ML -0.6 · DV -4 mm": a fiber implant's probe. */
function implantedProbe(probe: JsonRecord): string {
  const name = label(probe.ophys_probe) ?? label(probe) ?? "probe";
  const target = structure(probe.targeted_structure);
  const where = stereotacticLine(probe, "stereotactic_coordinate");
  return [name, target && `→ ${target}`, where && `at ${where}`].filter(Boolean).join(" ");
}

/** Labels that read better than the humanized key. */
const DETAIL_LABELS: Record<string, string> = { protocol_id: "Protocol", output_specimen_ids: "Specimens" };

/** The unit of a value: its own `<key>_unit`, or the weight unit every weight of a procedure shares. */
function unitOf(key: string, procedure: JsonRecord): unknown {
  return procedure[`${key}_unit`] ?? (key.endsWith("weight") ? procedure.weight_unit : undefined);
}

function detailOf(key: string, value: unknown, procedure: JsonRecord): string | null {
  if (key.endsWith("targeted_structure")) {
    const target = structure(value);
    return target && `target ${target}`;
  }
  if (key === "implanted_device" && isRecord(value)) {
    const model = text(value.probe_model) ?? text(value.model);
    return `device ${[label(value), model && `(${model})`].filter(Boolean).join(" ")}`;
  }
  if (key === "device_config" && isRecord(value)) {
    const target = structure(value.primary_targeted_structure);
    return target && `target ${target}`;
  }
  if (key === "probes") return records(value).map(implantedProbe).join("; ") || null;
  if (isRecord(value)) {
    const name = label(value);
    return name && `${humanize(key)}: ${name}`;
  }
  if (Array.isArray(value) && value.some(isRecord)) return `${value.length} × ${humanize(key).toLowerCase()}`;
  const shown = measure(value, unitOf(key, procedure));
  return shown && `${DETAIL_LABELS[key] ?? humanize(key)}: ${shown}`;
}

/** A few readable details of any procedure, from the fields it has. */
function procedureDetails(procedure: JsonRecord, systems: CoordinateSystem[]): string[] {
  const details: string[] = [];
  const where = transformLines(procedure, systems).lines;
  if (where.length > 0) details.push(`at ${where.join("; ")}`);
  for (const [key, value] of Object.entries(procedure)) {
    if (QUIET_KEYS.has(key) || key.endsWith("_unit")) continue;
    const detail = detailOf(key, value, procedure);
    if (detail) details.push(detail);
  }
  return details.slice(0, MAX_DETAILS);
}

function procedureItem(procedure: JsonRecord, fallbackType: string, date: string | null, systems: CoordinateSystem[]): ProcedureItem {
  const own = dateRange(procedure.start_date, procedure.end_date);
  return { type: procedureType(procedure, fallbackType), date: own ?? date, details: procedureDetails(procedure, systems) };
}

/** "isoflurane, level 1.5, 120 min". */
function anaesthesia(value: unknown): string | null {
  if (!isRecord(value)) return text(value);
  const kind = text(value.type) ?? text(value.anaesthetic_type);
  const level = text(value.level);
  const duration = measure(value.duration, value.duration_unit ?? "minute");
  return [kind, level && `level ${level}`, duration].filter(Boolean).join(", ") || null;
}

function weights(surgery: JsonRecord): string | null {
  const before = measure(surgery.animal_weight_prior, surgery.weight_unit);
  const after = measure(surgery.animal_weight_post, surgery.weight_unit);
  return [before && `${before} before`, after && `${after} after`].filter(Boolean).join(", ") || null;
}

function specimenProcedure(procedure: JsonRecord): SpecimenProcedureView {
  const reagents = records(procedure.reagents).map((reagent) => {
    const name = label(reagent);
    const lot = text(reagent.lot_number);
    return name && lot ? `${name} (lot ${lot})` : name;
  });
  const antibodies = records(procedure.antibodies).map((antibody) => {
    const name = label(antibody);
    const kind = text(antibody.immunolabel_class);
    return name ?? (kind ? `${kind} antibody` : null);
  });
  const details = records(procedure.procedure_details).map((detail) => {
    const kind = text(detail.object_type) ?? "Detail";
    const name = label(detail);
    const parts = Object.entries(detail)
      .filter(([, value]) => Array.isArray(value) && value.length > 0)
      .map(([key, value]) => `${list(value).length} ${humanize(key).toLowerCase()}`);
    return [name ? `${kind}: ${name}` : kind, parts.length > 0 ? `(${parts.join(", ")})` : null].filter(Boolean).join(" ");
  });
  return {
    type: text(procedure.procedure_type) ?? text(procedure.object_type) ?? "Specimen procedure",
    name: text(procedure.procedure_name),
    specimen: text(procedure.specimen_id),
    dates: dateRange(procedure.start_date, procedure.end_date),
    experimenters: labels(procedure.experimenters ?? procedure.experimenter_full_name),
    reagents: unique([...reagents, ...antibodies]),
    details,
    notes: text(procedure.notes),
  };
}

/** 0.5 kept each kind of procedure in its own top-level list. */
const LEGACY_LISTS: Record<string, string> = {
  injections: "Injection",
  craniotomies: "Craniotomy",
  headframes: "Headframe",
};

export function proceduresView(document: unknown): ProceduresView | null {
  if (!isRecord(document)) return null;
  const view: ProceduresView = { injections: [], surgeries: [], other: [], specimen: [], notes: text(document.notes) };
  const documentSystems = coordinateSystems(document.coordinate_system);

  for (const [key, fallbackType] of Object.entries(LEGACY_LISTS)) {
    for (const procedure of records(document[key])) {
      if (key === "injections") view.injections.push(injectionRow(procedure, null, documentSystems));
      else view.other.push(procedureItem(procedure, fallbackType, null, documentSystems));
    }
  }

  for (const entry of records(document.subject_procedures)) {
    const date = text(entry.start_date);
    const systems = [...coordinateSystems(entry.coordinate_system, entry.global_coordinate_system), ...documentSystems];
    if (entry.procedures == null) {
      // A procedure on its own, outside a surgery (water restriction, 0.11 injections).
      if (isInjection(entry)) view.injections.push(injectionRow(entry, date, systems));
      else view.other.push(procedureItem(entry, "Procedure", date, systems));
      continue;
    }
    const inside = records(entry.procedures);
    const injections = inside.filter(isInjection);
    view.injections.push(...injections.map((injection) => injectionRow(injection, date, systems)));
    view.surgeries.push({
      date,
      experimenters: labels(entry.experimenters ?? entry.experimenter_full_name),
      protocol: text(entry.protocol_id),
      ethics: text(entry.iacuc_protocol) ?? (labels(entry.ethics_review_id).join(", ") || null),
      weight: weights(entry),
      anaesthesia: anaesthesia(entry.anaesthesia),
      procedures: inside.filter((procedure) => !isInjection(procedure)).map((procedure) => procedureItem(procedure, "Procedure", null, systems)),
      injections: injections.length,
      notes: text(entry.notes),
    });
  }

  view.specimen = records(document.specimen_procedures).map(specimenProcedure);
  return view;
}
