/** The data description: what the asset is, for which project, funded by whom. 0.x writes the
 * modality as a string or list and institution as an abbreviation; 2.x uses `modalities`. */
import { type Fact, facts, isRecord, label, labels, localTime, records, summarize, text } from "./json";

export interface DataDescriptionView {
  name: string | null;
  summary: string | null;
  facts: Fact[];
  modalities: string[];
  investigators: string[];
  /** "National Institute of Mental Health (NIMH), grant 1U19NS123714-01". */
  funding: string[];
  tags: string[];
}

function funding(source: unknown): string | null {
  if (!isRecord(source)) return label(source);
  const funder = isRecord(source.funder) ? source.funder : null;
  const name = funder ? label(funder) : text(source.funder);
  const abbreviation = funder ? text(funder.abbreviation) : null;
  const who = name && abbreviation && abbreviation !== name ? `${name} (${abbreviation})` : name;
  const grant = text(source.grant_number);
  return [who, grant && `grant ${grant}`].filter(Boolean).join(", ") || null;
}

/** The creation instant: 0.x splits it into creation_date and a bare creation_time. */
function created(document: Record<string, unknown>): string | null {
  const date = text(document.creation_date);
  const time = text(document.creation_time);
  if (date && time && !time.includes("-")) return `${date} ${time.slice(0, 5)}`;
  return localTime(time) ?? date;
}

export function dataDescriptionView(document: unknown): DataDescriptionView | null {
  if (!isRecord(document)) return null;
  return {
    name: text(document.name),
    summary: text(document.data_summary),
    facts: facts(
      ["Data level", text(document.data_level)],
      ["Created", created(document)],
      ["Subject", text(document.subject_id)],
      ["Platform", label(document.platform) ?? text(document.experiment_type)],
      ["Project", text(document.project_name)],
      ["Project id", text(document.project_id)],
      ["Institution", label(document.institution)],
      ["Group", text(document.group)],
      ["Process", text(document.process_name)],
      ["Source data", summarize(labels(document.source_data ?? document.input_data_name))],
      ["Related data", summarize(records(document.related_data).map((related) => text(related.related_data_path) ?? label(related)).filter((item): item is string => item != null))],
      ["License", text(document.license)],
      ["Restrictions", text(document.restrictions)],
    ),
    modalities: labels(document.modalities ?? document.modality),
    investigators: labels(document.investigators),
    funding: records(document.funding_source)
      .map(funding)
      .filter((item): item is string => item != null),
    tags: labels(document.tags),
  };
}
