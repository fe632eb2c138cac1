/** The processing document: the pipeline and its steps, each with its code and when it ran.
 * 0.x lists `data_processes` at the top; 1.x nests them in `processing_pipeline` (with
 * `analyses` beside it); 2.x lists `data_processes` with their code and the `pipelines`. */
import { child, type Fact, facts, isRecord, type JsonRecord, label, labels, localTime, records, text, unique } from "./json";

export interface ProcessStep {
  name: string;
  start: string | null;
  end: string | null;
  /** Seconds from start to end, when both are readable instants. */
  duration: number | null;
  /** "https://github.com/org/repo @ 1.2.0". */
  code: string | null;
  experimenters: string[];
  notes: string | null;
}

export interface ProcessingView {
  facts: Fact[];
  steps: ProcessStep[];
  analyses: ProcessStep[];
  notes: string | null;
}

function seconds(start: unknown, end: unknown): number | null {
  const from = Date.parse(String(text(start) ?? "").replace(" ", "T"));
  const to = Date.parse(String(text(end) ?? "").replace(" ", "T"));
  return Number.isFinite(from) && Number.isFinite(to) && to >= from ? (to - from) / 1000 : null;
}

function codeOf(process: JsonRecord): string | null {
  const code = child(process, "code");
  const where = text(code.url) ?? text(code.name) ?? text(process.code_url);
  const version = text(code.version) ?? text(process.software_version) ?? text(process.version);
  if (where && version) return `${where} @ ${version}`;
  return where ?? (version && `version ${version}`);
}

function stepOf(process: JsonRecord): ProcessStep {
  const name = text(process.name);
  const kind = text(process.process_type);
  const notes = text(process.notes);
  return {
    // "Other" says nothing; its notes say what was done.
    name: (name === "Other" ? notes : null) ?? name ?? kind ?? "Process",
    start: localTime(process.start_date_time),
    end: localTime(process.end_date_time),
    duration: seconds(process.start_date_time, process.end_date_time),
    code: codeOf(process),
    experimenters: labels(process.experimenters ?? process.analyst_full_name),
    notes: name === "Other" ? null : notes,
  };
}

export function processingView(document: unknown): ProcessingView | null {
  if (!isRecord(document)) return null;
  const pipeline = child(document, "processing_pipeline");
  const pipelines = records(document.pipelines).map((code) => {
    const where = text(code.name) ?? text(code.url);
    const version = text(code.version);
    return where && version ? `${where} @ ${version}` : where;
  });
  const pipelineUrl = text(pipeline.pipeline_url) ?? text(document.pipeline_url);
  const pipelineVersion = text(pipeline.pipeline_version) ?? text(document.pipeline_version);
  return {
    facts: facts(
      ["Pipeline", unique([...pipelines, pipelineUrl && pipelineVersion ? `${pipelineUrl} @ ${pipelineVersion}` : pipelineUrl]).join("; ") || null],
      ["Processor", label(pipeline.processor_full_name) ?? labels(document.processor_full_name).join(", ")],
    ),
    steps: records(pipeline.data_processes ?? document.data_processes).map(stepOf),
    analyses: records(document.analyses).map(stepOf),
    notes: text(document.notes) ?? text(pipeline.note),
  };
}
