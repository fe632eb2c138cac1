/** The top of the page: what the asset is at a glance, and what one can do with it. */
import type { ReactNode } from "react";
import { Link } from "react-router";
import { DraftBadge, KindBadge, LevelBadge, QcBadge } from "../../components/Badges";
import { CopyButton } from "../../components/CopyButton";
import { formatDuration, formatInstant } from "../../lib/format";
import { levelNote } from "../../lib/kind";
import { FactItem } from "./FactList";
import { acquiredText, ageText, filesText, subjectText } from "./overview";
import type { AssetDetail } from "./queries";

const SHOWN_WARNINGS = 3;

function Warnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  const shown = warnings.slice(0, SHOWN_WARNINGS);
  const rest = warnings.slice(SHOWN_WARNINGS);
  return (
    <div className="asset-warnings" role="note" aria-label="Registration warnings">
      <p>
        <strong>
          {warnings.length === 1 ? "One thing" : `${warnings.length} things`} could not be read from its metadata when it was registered:
        </strong>
      </p>
      <ul>
        {shown.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
      {rest.length > 0 && (
        <details>
          <summary>Show {rest.length} more</summary>
          <ul>
            {rest.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function list(values: string[]): string | null {
  return values.length > 0 ? values.join(", ") : null;
}

export function AssetHeader({ asset, actions }: { asset: AssetDetail; actions: ReactNode }) {
  const process =
    asset.processLabel && asset.processingDuration != null && asset.processingDuration > 0
      ? `${asset.processLabel} (${formatDuration(asset.processingDuration)})`
      : asset.processLabel;
  const level = levelNote(asset.dataLevel, asset.kind);
  return (
    <header className="card asset-header">
      <nav aria-label="Breadcrumb" className="asset-breadcrumb">
        <Link to="/">Search</Link> <span aria-hidden="true">/</span> <span>Asset</span>
      </nav>
      <div className="asset-title-row">
        <h1 className="asset-title">{asset.name}</h1>
        <CopyButton text={asset.name} label="Copy name" />
      </div>
      <ul className="asset-badges" aria-label="Classification">
        <li>
          <KindBadge kind={asset.kind} />
        </li>
        {asset.draft && (
          <li>
            <DraftBadge step={asset.draftStep ?? null} />
          </li>
        )}
        {level && (
          <li>
            <LevelBadge level={level} />
          </li>
        )}
        {asset.qcStatus && (
          <li>
            <QcBadge status={asset.qcStatus} />
          </li>
        )}
        {asset.modalities.map((modality) => (
          <li key={modality.abbreviation}>
            <span className="badge" title={modality.name}>
              {modality.abbreviation}
            </span>
          </li>
        ))}
      </ul>
      <div className="asset-actions">{actions}</div>
      <dl className="asset-facts">
        <FactItem label="Subject">{subjectText(asset.subject)}</FactItem>
        <FactItem label="Acquired">{acquiredText(asset.acquiredAt, asset.acquiredEnd, asset.acquisitionDuration)}</FactItem>
        <FactItem label="Age at acquisition">{ageText(asset.subjectAgeAtAcquisition)}</FactItem>
        <FactItem label="Project">{asset.project}</FactItem>
        <FactItem label="Institution">{asset.institution}</FactItem>
        <FactItem label="Investigators">{list(asset.investigators)}</FactItem>
        <FactItem label="Experimenters">{list(asset.experimenters)}</FactItem>
        <FactItem label="Funding">{list(asset.funding)}</FactItem>
        <FactItem label="Session type">{asset.sessionType}</FactItem>
        <FactItem label="Instrument">{asset.instrumentId}</FactItem>
        <FactItem label="Process">{process}</FactItem>
        <FactItem label="Registered">{asset.registeredAt && formatInstant(asset.registeredAt)}</FactItem>
        <FactItem label="Files">{filesText(asset.fileCount, asset.totalSize)}</FactItem>
        <FactItem label="Location">
          {asset.location && (
            <span className="asset-location">
              <code>{asset.location}</code>
              <CopyButton text={asset.location} label="Copy location" />
            </span>
          )}
        </FactItem>
      </dl>
      <Warnings warnings={asset.warnings} />
    </header>
  );
}
