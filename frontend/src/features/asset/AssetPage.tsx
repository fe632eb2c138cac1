/** /assets/:name — one asset as a scientist reads it: what it is, its metadata in words, its
 * files, and its place in the lineage. */
import { memo, useEffect, useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { requestBody } from "../../api/client";
import { useGraphQL } from "../../api/useGraphQL";
import { ErrorState, Loading } from "../../components/States";
import { UsePython } from "../../components/UsePython";
import { assetPath } from "../../lib/paths";
import { useDebounced } from "../../lib/useDebounced";
import "./asset.css";
import { AssetHeader } from "./AssetHeader";
import { AssetNotFound } from "./AssetNotFound";
import { DownloadAllDialog } from "./DownloadAllDialog";
import { FilesSection } from "./FilesSection";
import { childrenOf, parentsOf } from "./lineage";
import { LineagePanel } from "./LineagePanel";
import { MetadataSection } from "./MetadataSection";
import { type AssetDetail, AssetPageAsset } from "./queries";
import { documentSections } from "./sections";

const GLOB_DELAY_MS = 300;

/** Sections do not change when the file filter does: keep them from redrawing. */
const Section = memo(MetadataSection);

function PageContents({ entries }: { entries: { id: string; title: string }[] }) {
  return (
    <nav className="card asset-toc" aria-label="On this page">
      <p className="asset-toc-title">On this page</p>
      <ul>
        {entries.map((entry) => (
          <li key={entry.id}>
            <a href={`#${entry.id}`}>{entry.title}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function AssetView({ asset }: { asset: AssetDetail }) {
  const [draftGlob, setDraftGlob] = useState("");
  const glob = useDebounced(draftGlob.trim(), GLOB_DELAY_MS);
  const sections = useMemo(() => documentSections(asset.metadata), [asset.metadata]);
  const parents = useMemo(() => parentsOf(asset), [asset]);
  const derivatives = useMemo(() => childrenOf(asset), [asset]);
  const actions = (
    <>
      <DownloadAllDialog asset={asset.name} glob={glob} fileCount={asset.fileCount} totalSize={asset.totalSize} />
      <Link className="button" to={`${assetPath(asset.name)}/provenance`}>
        Provenance graph
      </Link>
      <UsePython request={requestBody(AssetPageAsset, { name: asset.name })} />
    </>
  );
  return (
    <div className="asset-page">
      <AssetHeader asset={asset} actions={actions} />
      <div className="asset-layout">
        {/* First in reading order (and on a phone, right under the header); beside the main column on wide screens. */}
        <aside className="asset-aside" aria-label="Lineage and contents">
          <LineagePanel parents={parents} derivatives={derivatives} />
          <PageContents entries={[...sections.map(({ id, title }) => ({ id, title })), { id: "files", title: "Files" }]} />
        </aside>
        <div className="asset-main">
          {sections.map((section) => (
            <Section key={section.key} asset={asset.name} section={section} />
          ))}
          {sections.length === 0 && (
            <section className="card asset-section" aria-labelledby="no-metadata-title">
              <h2 id="no-metadata-title">Metadata</h2>
              <p className="muted">No metadata documents are registered for this asset.</p>
            </section>
          )}
          <FilesSection asset={asset.name} fileCount={asset.fileCount} draftGlob={draftGlob} glob={glob} onGlobChange={setDraftGlob} />
        </div>
      </div>
    </div>
  );
}

export function AssetPage() {
  const { name = "" } = useParams();
  const query = useGraphQL(AssetPageAsset, { name });
  useEffect(() => {
    document.title = `${name} · Catalog`;
  }, [name]);
  if (query.isPending) return <Loading label="Loading the asset…" />;
  if (query.isError) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  if (!query.data.asset) return <AssetNotFound name={name} />;
  return <AssetView key={query.data.asset.name} asset={query.data.asset} />;
}
