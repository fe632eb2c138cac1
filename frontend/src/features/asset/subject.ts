/** The subject document, read alike from 0.2 (flat, species a string) to 2.x (details nested in
 * `subject_details`, species and strain as registry objects). */
import { type Fact, facts, humanize, isRecord, type JsonRecord, label, labels, list, text } from "./json";

export interface SubjectView {
  subjectId: string | null;
  species: string | null;
  sex: string | null;
  dateOfBirth: string | null;
  genotype: string | null;
  strain: string | null;
  alleles: string[];
  source: string | null;
  rrid: string | null;
  /** Breeding group, mother and father, when recorded. */
  breeding: Fact[];
  /** Cage, room, light cycle and the like, when recorded. */
  housing: Fact[];
  restrictions: string | null;
  wellnessReports: number;
  notes: string | null;
}

/** "587210 (Calb2-CreERT2/wt)": a parent's id with its genotype. */
function parent(id: unknown, genotype: unknown): string | null {
  const who = text(id);
  const what = text(genotype);
  if (who && what) return `${who} (${what})`;
  return who ?? what;
}

function breeding(subject: JsonRecord): Fact[] {
  // 0.x keeps the breeding fields on the subject itself; later generations in breeding_info.
  const info = isRecord(subject.breeding_info) ? subject.breeding_info : subject;
  return facts(
    ["Breeding group", text(info.breeding_group)],
    ["Mother", parent(info.maternal_id, info.maternal_genotype)],
    ["Father", parent(info.paternal_id, info.paternal_genotype)],
  );
}

function housing(subject: JsonRecord): Fact[] {
  const found: Fact[] = [];
  const housingRecord = isRecord(subject.housing) ? subject.housing : {};
  // 0.2 kept two housing fields on the subject itself; the housing record, when there is one, wins.
  const flat = { light_cycle: subject.light_cycle, home_cage_enrichment: subject.home_cage_enrichment };
  for (const [key, value] of Object.entries({ ...housingRecord, ...flat, ...housingRecord })) {
    if (key === "object_type") continue;
    const shown = isRecord(value) ? lightCycle(value) : labels(value).join(", ");
    if (shown) found.push({ label: humanize(key), value: shown });
  }
  return found;
}

/** {lights_on_time: "06:00", lights_off_time: "18:00"} → "lights on 06:00, off 18:00". */
function lightCycle(value: JsonRecord): string | null {
  const on = text(value.lights_on_time);
  const off = text(value.lights_off_time);
  if (on && off) return `lights on ${on}, off ${off}`;
  return label(value);
}

export function subjectView(document: unknown): SubjectView | null {
  if (!isRecord(document)) return null;
  const subject = isRecord(document.subject_details) ? { ...document, ...document.subject_details } : document;
  return {
    subjectId: text(subject.subject_id),
    species: label(subject.species),
    sex: text(subject.sex),
    dateOfBirth: text(subject.date_of_birth),
    genotype: text(subject.genotype),
    strain: label(subject.strain) ?? label(subject.background_strain),
    alleles: labels(subject.alleles ?? subject.mgi_allele_ids),
    source: label(subject.source),
    rrid: label(subject.rrid),
    breeding: breeding(subject),
    housing: housing(subject),
    restrictions: text(subject.restrictions),
    wellnessReports: list(subject.wellness_reports).length,
    notes: text(document.notes),
  };
}
