/** One metadata document as a section: a readable summary, and the document itself and its
 * history folded away. */
import type { ReactNode } from "react";
import { acquisitionView } from "./acquisition";
import { AcquisitionSummary } from "./AcquisitionSummary";
import { dataDescriptionView } from "./dataDescription";
import { DataDescriptionSummary } from "./DataDescriptionSummary";
import { FactList } from "./FactList";
import { instrumentView } from "./instrument";
import { InstrumentSummary } from "./InstrumentSummary";
import { proceduresView } from "./procedures";
import { ProceduresSummary } from "./ProceduresSummary";
import { processingView } from "./processing";
import { ProcessingSummary } from "./ProcessingSummary";
import { qualityControlView } from "./qualityControl";
import { QualityControlSummary } from "./QualityControlSummary";
import { RawJson } from "./RawJson";
import { SafeView } from "./SafeView";
import { type DocumentSection, scalarFacts } from "./sections";
import { subjectView } from "./subject";
import { VersionHistory } from "./VersionHistory";
import { SubjectSummary } from "./SubjectSummary";

/** The summary for a document, or null when it is not an object at all. */
function summaryOf(section: DocumentSection): ReactNode {
  const { document } = section;
  switch (section.kind) {
    case "subject": {
      const view = subjectView(document);
      return view && <SubjectSummary subject={view} />;
    }
    case "procedures": {
      const view = proceduresView(document);
      return view && <ProceduresSummary procedures={view} />;
    }
    case "acquisition": {
      const view = acquisitionView(document);
      return view && <AcquisitionSummary acquisition={view} />;
    }
    case "instrument": {
      const view = instrumentView(document);
      return view && <InstrumentSummary instrument={view} />;
    }
    case "data_description": {
      const view = dataDescriptionView(document);
      return view && <DataDescriptionSummary description={view} />;
    }
    case "processing": {
      const view = processingView(document);
      return view && <ProcessingSummary processing={view} />;
    }
    case "quality_control": {
      const view = qualityControlView(document);
      return view && <QualityControlSummary qc={view} />;
    }
    case "other": {
      const found = scalarFacts(document);
      return found.length > 0 ? <FactList facts={found} /> : null;
    }
  }
}

function Summary({ section }: { section: DocumentSection }) {
  const summary = summaryOf(section);
  return summary ?? <p className="asset-note">This document cannot be summarised; its raw JSON is below.</p>;
}

export function MetadataSection({ asset, section }: { asset: string; section: DocumentSection }) {
  const headingId = `${section.id}-title`;
  return (
    <section id={section.id} className="card asset-section" aria-labelledby={headingId}>
      <header className="asset-section-header">
        <h2 id={headingId}>{section.title}</h2>
        {section.schemaVersion && <span className="asset-schema">schema {section.schemaVersion}</span>}
      </header>
      <SafeView>
        <Summary section={section} />
      </SafeView>
      <RawJson document={section.document} schemaVersion={section.schemaVersion} />
      <VersionHistory asset={asset} document={section.key} />
    </section>
  );
}
