/** The asset's files, a page at a time, filtered by a glob; each downloads through /download,
 * which answers with a freshly signed URL. */
import { type InfiniteData, keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { type CatalogError, graphql } from "../../api/client";
import { CopyButton } from "../../components/CopyButton";
import { ErrorState, Loading } from "../../components/States";
import type { AssetPageFilesQuery } from "../../gql/graphql";
import { formatBytes, formatCount } from "../../lib/format";
import { downloadHref, shortHash } from "./downloads";
import { AssetPageFiles } from "./queries";

const PAGE_SIZE = 100;

type FilePage = AssetPageFilesQuery;
type FileRow = NonNullable<FilePage["asset"]>["files"]["edges"][number]["node"];

function useFiles(name: string, pathGlob: string) {
  return useInfiniteQuery<FilePage, CatalogError, InfiniteData<FilePage, string | null>, unknown[], string | null>({
    queryKey: [AssetPageFiles.toString(), { name, pathGlob }],
    queryFn: ({ pageParam, signal }) =>
      graphql(AssetPageFiles, { name, first: PAGE_SIZE, after: pageParam, pathGlob: pathGlob || null }, signal),
    initialPageParam: null,
    getNextPageParam: (page) => {
      const info = page.asset?.files.pageInfo;
      return info?.hasNextPage ? info.endCursor : undefined;
    },
    placeholderData: keepPreviousData,
  });
}

function FileTable({ asset, rows, busy }: { asset: string; rows: FileRow[]; busy: boolean }) {
  return (
    <div className="table-scroll" aria-busy={busy}>
      <table className="data asset-files" aria-label="Files">
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col" className="number">
              Size
            </th>
            <th scope="col">SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((file) => (
            <tr key={file.path}>
              <td className="asset-path">
                {/* The path is the link, so a phone's narrow table keeps it in view. */}
                <a href={downloadHref(asset, file.path)} download aria-label={`Download ${file.path}`}>
                  {file.path}
                  <span className="asset-download-icon" aria-hidden="true">
                    ↓
                  </span>
                </a>
              </td>
              <td className="number asset-nowrap" title={`${formatCount(file.size)} bytes`}>
                {formatBytes(file.size)}
              </td>
              <td className="asset-nowrap">
                {file.sha256 ? (
                  <span className="asset-hash">
                    <code title={file.sha256}>{shortHash(file.sha256)}</code>
                    <CopyButton text={file.sha256} label="Copy" />
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FilesSection({
  asset,
  fileCount,
  draftGlob,
  glob,
  onGlobChange,
}: {
  asset: string;
  fileCount: number;
  draftGlob: string;
  glob: string;
  onGlobChange: (glob: string) => void;
}) {
  const files = useFiles(asset, glob);
  const refused = files.error?.code === "BAD_USER_INPUT" ? files.error : null;
  const rows = files.data?.pages.flatMap((page) => page.asset?.files.edges.map((edge) => edge.node) ?? []) ?? [];
  const shown = glob
    ? `${formatCount(rows.length)} file${rows.length === 1 ? "" : "s"} matching ${glob}${files.hasNextPage ? " so far" : ""}`
    : `Showing ${formatCount(rows.length)} of ${formatCount(fileCount)} files`;
  return (
    <section id="files" className="card asset-section" aria-labelledby="files-title">
      <header className="asset-section-header">
        <h2 id="files-title">Files</h2>
        <span className="asset-schema">{formatCount(fileCount)} in all</span>
      </header>
      <div className="asset-files-toolbar">
        <label htmlFor="file-glob">Filter files by glob</label>
        <input
          id="file-glob"
          type="search"
          value={draftGlob}
          placeholder="*.nwb, **/*.json"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={refused != null}
          aria-describedby="file-glob-hint"
          onChange={(event) => onGlobChange(event.target.value)}
        />
        <p id="file-glob-hint" className={refused ? "asset-glob-error" : "muted asset-hint"} aria-live="polite">
          {refused
            ? refused.message
            : "* and ? within a folder, ** across folders, [abc] a set; without a / it matches file names in any folder."}
        </p>
      </div>
      {files.isPending ? (
        <Loading label="Loading files…" />
      ) : files.isError && !refused ? (
        <ErrorState error={files.error} retry={() => void files.refetch()} />
      ) : refused ? null : rows.length === 0 ? (
        <p className="muted">{glob ? `No file matches ${glob}.` : "No files are registered for this asset."}</p>
      ) : (
        <>
          <p className="muted asset-files-count" aria-live="polite">
            {shown}
          </p>
          <FileTable asset={asset} rows={rows} busy={files.isFetching} />
          {files.hasNextPage && (
            <button type="button" className="button asset-load-more" onClick={() => void files.fetchNextPage()} disabled={files.isFetchingNextPage}>
              {files.isFetchingNextPage ? "Loading…" : "Load more"}
            </button>
          )}
        </>
      )}
    </section>
  );
}
