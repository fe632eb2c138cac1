import { Fragment, type KeyboardEvent } from "react";
import { Link } from "react-router";
import { KindBadge, QcBadge } from "../../components/Badges";
import type { SearchPageAssetsQuery } from "../../gql/graphql";
import { formatBytes, formatCount, formatInstant } from "../../lib/format";
import { assetPath } from "../../lib/paths";
import { ariaSort, nextSort, type Sort, type SortKey } from "./sorting";

export type ResultRow = SearchPageAssetsQuery["assets"]["edges"][number]["node"];

interface Column {
  label: string;
  sort?: SortKey;
  number?: boolean;
}

const COLUMNS: readonly Column[] = [
  { label: "Name", sort: "name" },
  { label: "Kind", sort: "kind" },
  { label: "Subject", sort: "subject" },
  { label: "Modalities" },
  { label: "Acquired", sort: "acquired" },
  { label: "Project", sort: "project" },
  { label: "QC", sort: "qc" },
  { label: "Files", sort: "files", number: true },
  { label: "Size", sort: "size", number: true },
];

/** Long names break after their underscores only, not inside a date. */
function breakable(name: string) {
  return name.split("_").map((part, index) => (
    <Fragment key={index}>
      {index > 0 && (
        <>
          _<wbr />
        </>
      )}
      <span className="nowrap">{part}</span>
    </Fragment>
  ));
}

/** ArrowUp/ArrowDown move between the rows' links; Enter follows the focused one. */
function moveBetweenRows(event: KeyboardEvent<HTMLTableSectionElement>) {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>("a[data-row-link]")];
  const index = links.findIndex((link) => link === document.activeElement);
  if (index === -1) return;
  const next = links[event.key === "ArrowDown" ? Math.min(links.length - 1, index + 1) : Math.max(0, index - 1)];
  event.preventDefault();
  next?.focus();
}

function SortHeader({ column, sort, onSort }: { column: Column; sort: Sort; onSort: (sort: Sort) => void }) {
  const key = column.sort;
  const className = column.number ? "number" : undefined;
  if (!key) {
    return (
      <th scope="col" className={className}>
        {column.label}
      </th>
    );
  }
  const state = ariaSort(sort, key);
  return (
    <th scope="col" className={className} aria-sort={state === "none" ? undefined : state}>
      <button type="button" className={`sort-button${state === "none" ? "" : " is-sorted"}`} onClick={() => onSort(nextSort(sort, key))}>
        {column.label}
        <span className="sort-icon" aria-hidden="true">
          {state === "ascending" ? "▲" : state === "descending" ? "▼" : "↕"}
        </span>
      </button>
    </th>
  );
}

export function ResultsTable({ rows, sort, onSort, stale }: { rows: readonly ResultRow[]; sort: Sort; onSort: (sort: Sort) => void; stale: boolean }) {
  return (
    <div className={`table-scroll results-scroll${stale ? " is-stale" : ""}`} aria-busy={stale}>
      <table className="data results-table" aria-label="Search results">
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <SortHeader key={column.label} column={column} sort={sort} onSort={onSort} />
            ))}
          </tr>
        </thead>
        <tbody onKeyDown={moveBetweenRows}>
          {rows.map((asset) => (
            <tr key={asset.name}>
              <td className="result-name">
                <Link to={assetPath(asset.name)} data-row-link="">
                  {breakable(asset.name)}
                </Link>
              </td>
              <td>
                <KindBadge kind={asset.kind} />
              </td>
              <td className="mono">{asset.subject.subjectId ?? <span className="muted">—</span>}</td>
              <td>
                <span className="modality-list">
                  {asset.modalities.length === 0 && <span className="muted">—</span>}
                  {asset.modalities.map((modality) => (
                    <span key={modality.abbreviation} className="modality-chip" title={modality.name}>
                      {modality.abbreviation}
                    </span>
                  ))}
                </span>
              </td>
              <td className="nowrap">{asset.acquiredAt ? <time dateTime={asset.acquiredAt}>{formatInstant(asset.acquiredAt)}</time> : <span className="muted">—</span>}</td>
              <td>{asset.project ?? <span className="muted">—</span>}</td>
              <td>
                <QcBadge status={asset.qcStatus} />
              </td>
              <td className="number">{formatCount(asset.fileCount)}</td>
              <td className="number nowrap">{formatBytes(asset.totalSize)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
