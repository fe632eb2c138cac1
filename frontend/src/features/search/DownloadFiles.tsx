import { useRef, useState } from "react";
import { useGraphQL } from "../../api/useGraphQL";
import { CopyButton } from "../../components/CopyButton";
import { ErrorState } from "../../components/States";
import type { AssetFilter } from "../../gql/graphql";
import { formatBytes, formatCount } from "../../lib/format";
import { useDebounced } from "../../lib/useDebounced";
import { downloadCommand, formatNote, type ManifestFormat, MANIFEST_FORMATS, manifestFits, manifestPath } from "./download";
import { SearchPageManifestSummary } from "./operations";
import { MAX_FILTER_PARTS, withinLimit } from "./searchState";

/** The files a manifest lists at most (the server's limit). */
const MAX_MANIFEST_FILES = 100_000;
const GLOB_DEBOUNCE_MS = 400;

/** "Download files": a manifest of every file of the matching assets, its size known first. */
export function DownloadFiles({ filter }: { filter: AssetFilter | null }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => {
          setOpen(true);
          dialog.current?.showModal();
        }}
      >
        <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" focusable="false">
          <path d="M10 3v9m0 0-4-4m4 4 4-4M4 15h12" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        Download files
      </button>
      <dialog ref={dialog} className="dialog download-dialog" aria-labelledby="download-title" onClose={() => setOpen(false)}>
        <header className="dialog-header">
          <h2 id="download-title">Download the files of this search</h2>
          <button type="button" className="button button-small" onClick={() => dialog.current?.close()} aria-label="Close">
            ✕
          </button>
        </header>
        {open && <DownloadForm filter={filter} />}
      </dialog>
    </>
  );
}

function DownloadForm({ filter }: { filter: AssetFilter | null }) {
  const [glob, setGlob] = useState("");
  const [format, setFormat] = useState<ManifestFormat>("aria2");
  const settledGlob = useDebounced(glob.trim(), GLOB_DEBOUNCE_MS);
  const askable = withinLimit(filter) && manifestFits(filter);
  const summary = useGraphQL(
    SearchPageManifestSummary,
    { filter: filter ?? {}, pathGlob: settledGlob || null },
    { enabled: askable, keepPrevious: true },
  );
  const path = manifestPath(filter, glob, format);
  const absolute = `${window.location.origin}${path}`;
  const command = downloadCommand(absolute, format);
  const counting = summary.isFetching || settledGlob !== glob.trim();
  const manifest = summary.data?.downloadManifest;

  if (!askable) {
    return (
      <p className="state state-error" role="alert">
        This search is too large to download as one manifest (more than {MAX_FILTER_PARTS} filter parts, or a filter over 16 KB). Untick
        some values first.
      </p>
    );
  }

  return (
    <div className="download-form">
      <label className="field">
        <span className="field-label">Only files whose path matches (optional)</span>
        <input type="text" value={glob} onChange={(event) => setGlob(event.target.value)} placeholder="e.g. *.nwb" spellCheck={false} />
        <span className="field-hint muted">
          <code>*</code> any name, <code>**</code> any folders, <code>?</code> one character, <code>[abc]</code> one of; a pattern without{" "}
          <code>/</code> matches in any folder.
        </span>
      </label>

      <fieldset className="format-choice">
        <legend>Manifest format</legend>
        {MANIFEST_FORMATS.map((option) => (
          <label key={option.format} className={`format-option${format === option.format ? " is-selected" : ""}`}>
            <input type="radio" name="manifest-format" value={option.format} checked={format === option.format} onChange={() => setFormat(option.format)} />
            {option.label}
          </label>
        ))}
      </fieldset>

      <div className={`download-summary${counting ? " is-stale" : ""}`} aria-live="polite" aria-busy={counting}>
        {summary.isError ? (
          <ErrorState error={summary.error} retry={() => void summary.refetch()} />
        ) : manifest === undefined ? (
          <span className="muted">Counting the matching files…</span>
        ) : (
          <>
            <strong data-testid="manifest-count">
              {formatCount(manifest.count)} {manifest.count === 1 ? "file" : "files"}
            </strong>
            <span> · {formatBytes(manifest.totalSize)}</span>
            {manifest.truncated && (
              <p className="download-warning" role="alert">
                More than {formatCount(MAX_MANIFEST_FILES)} files match: the manifest lists only the first {formatCount(MAX_MANIFEST_FILES)}. Narrow
                the search or the path pattern to get the rest.
              </p>
            )}
          </>
        )}
      </div>

      {manifest?.count === 0 ? (
        <p className="muted">No files match: change the path pattern or the search.</p>
      ) : (
        <>
          <a className="button button-primary download-link" href={path} download={`manifest.${format}`}>
            Download manifest.{format}
          </a>
          <h3 className="download-subtitle">Or from a shell</h3>
          <pre className="code-block download-command">
            <code>{command}</code>
          </pre>
          <div className="download-command-actions">
            <CopyButton text={command} label="Copy command" />
            <span className="muted">{formatNote(format)} The links in a manifest are signed and expire; fetch a new one later.</span>
          </div>
        </>
      )}
    </div>
  );
}
