/** "Download all": the manifests for download tools, and a shell script that fetches every file
 * (or every file matching the glob) and checks each sha256. */
import { useEffect, useMemo, useRef, useState } from "react";
import { useGraphQL } from "../../api/useGraphQL";
import { CopyButton } from "../../components/CopyButton";
import { ErrorState, Loading } from "../../components/States";
import { formatBytes, formatCount, formatInstant } from "../../lib/format";
import { aria2Command, downloadScript, type ManifestFormat, manifestHref, preview, scriptFileName, type ScriptManifest } from "./downloads";
import { AssetPageManifest } from "./queries";

const PREVIEW_LINES = 14;

const FORMATS: { format: ManifestFormat; label: string; file: string }[] = [
  { format: "aria2", label: "aria2c input file", file: "aria2" },
  { format: "tsv", label: "TSV", file: "tsv" },
  { format: "json", label: "JSON", file: "json" },
];

/** A Blob URL for the script, released when the script changes or the dialog goes. */
function useBlobUrl(content: string | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (content == null || typeof URL.createObjectURL !== "function") return undefined;
    const created = URL.createObjectURL(new Blob([content], { type: "text/x-shellscript" }));
    setUrl(created);
    return () => {
      URL.revokeObjectURL(created);
      setUrl(null);
    };
  }, [content]);
  return url;
}

function Script({ asset, manifest }: { asset: string; manifest: ScriptManifest }) {
  const script = useMemo(() => downloadScript(manifest, asset), [manifest, asset]);
  const shown = useMemo(() => preview(script, PREVIEW_LINES), [script]);
  const blobUrl = useBlobUrl(script);
  return (
    <>
      <p>
        A bash script that saves each file as <code>{asset}/&lt;path&gt;</code> with <code>curl</code> and then checks every file with{" "}
        <code>sha256sum -c</code>. Its signed URLs expire at <strong>{formatInstant(manifest.expiresAt)}</strong>.
      </p>
      {manifest.truncated && (
        <p className="asset-warnings">More files matched than one manifest lists: the script has the first {formatCount(manifest.files.length)}. Narrow it with a glob.</p>
      )}
      <pre className="code-block asset-script" aria-label="Download script">
        <code>{shown.text}</code>
        {shown.hidden > 0 && <span className="asset-script-more">{`\n# … ${formatCount(shown.hidden)} more lines in the full script`}</span>}
      </pre>
      <div className="asset-dialog-actions">
        <CopyButton text={script} label="Copy script" />
        {blobUrl && (
          <a className="button button-small" href={blobUrl} download={scriptFileName(asset)}>
            Download script (.sh)
          </a>
        )}
      </div>
    </>
  );
}

function DialogBody({ asset, glob, fileCount, totalSize }: { asset: string; glob: string; fileCount: number; totalSize: number }) {
  const manifest = useGraphQL(AssetPageManifest, { filter: { name: asset }, pathGlob: glob || null });
  const aria2Url = `${window.location.origin}${manifestHref(asset, glob || null, "aria2")}`;
  const count = manifest.data?.downloadManifest.count ?? (glob ? null : fileCount);
  const size = manifest.data?.downloadManifest.totalSize ?? (glob ? null : totalSize);
  const command = aria2Command(aria2Url, asset);
  return (
    <>
      <p className="asset-dialog-summary">
        {count == null ? "Counting files…" : `${formatCount(count)} file${count === 1 ? "" : "s"} · ${formatBytes(size)}`}
        {glob && (
          <>
            {" "}
            matching <code>{glob}</code>
          </>
        )}
      </p>
      <h3>Manifests</h3>
      <p className="muted">Every file with a signed URL, size and sha256, for download tools.</p>
      <ul className="asset-manifest-links">
        {FORMATS.map(({ format, label, file }) => (
          <li key={format}>
            <a className="button button-small" href={manifestHref(asset, glob || null, format)} download={`${asset}.${file}`}>
              {label}
            </a>
          </li>
        ))}
      </ul>
      <h3>aria2c</h3>
      <p className="muted">Fetches the manifest, then every file into data/, checking each sha256.</p>
      <pre className="code-block asset-command">
        <code>{command}</code>
      </pre>
      <CopyButton text={command} label="Copy aria2c command" />
      <h3>Shell script</h3>
      {manifest.isPending ? (
        <Loading label="Signing download URLs…" />
      ) : manifest.isError ? (
        <ErrorState error={manifest.error} retry={() => void manifest.refetch()} />
      ) : (
        <Script asset={asset} manifest={manifest.data.downloadManifest} />
      )}
    </>
  );
}

export function DownloadAllDialog({ asset, glob, fileCount, totalSize }: { asset: string; glob: string; fileCount: number; totalSize: number }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const show = () => {
    setOpen(true);
    dialog.current?.showModal();
  };
  return (
    <>
      <button type="button" className="button button-primary" onClick={show} disabled={fileCount === 0}>
        <span aria-hidden="true">↓</span> Download all
      </button>
      <dialog ref={dialog} className="dialog asset-dialog" aria-labelledby="download-all-title" onClose={() => setOpen(false)}>
        <header className="dialog-header">
          <h2 id="download-all-title">{glob ? "Download the matching files" : "Download all files"}</h2>
          <button type="button" className="button button-small" onClick={() => dialog.current?.close()} aria-label="Close">
            ✕
          </button>
        </header>
        {open && <DialogBody asset={asset} glob={glob} fileCount={fileCount} totalSize={totalSize} />}
      </dialog>
    </>
  );
}
