/** The provenance graph of one asset: back to its raw sessions, on to everything derived from
 * it. Clicking a node opens that asset; the settings live in the URL. */
import { useCallback, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { requestBody } from "../../api/client";
import { useGraphQL } from "../../api/useGraphQL";
import { Empty, ErrorState, Loading } from "../../components/States";
import { UsePython } from "../../components/UsePython";
import { assetPath, searchPathFor } from "../../lib/paths";
import { GraphCanvas } from "./GraphCanvas";
import { GraphControls } from "./GraphControls";
import { buildGraphModel, type GraphModel, type GraphNode, opensAsset } from "./graphModel";
import { Legend } from "./Legend";
import { NodeDetails } from "./NodeDetails";
import { NodeTable } from "./NodeTable";
import {
  deeper,
  DEPTH_MAX,
  type GraphParams,
  graphSearchParams,
  NODES_MAX,
  parseGraphParams,
  toProvenanceDirection,
} from "./params";
import { type ProvenanceAsset, ProvenancePageGraph } from "./query";
import "./provenance.css";

export function ProvenancePage() {
  const { name = "" } = useParams();
  const [search, setSearch] = useSearchParams();
  const params = parseGraphParams(search);
  const variables = { name, direction: toProvenanceDirection(params.direction), depth: params.depth };
  const query = useGraphQL(ProvenancePageGraph, variables, { keepPrevious: true });
  const setParams = (next: GraphParams) => setSearch(graphSearchParams(next), { replace: true });
  const canonical = graphSearchParams(params).toString();

  useEffect(() => {
    document.title = `Provenance of ${name} · Catalog`;
  }, [name]);

  // The URL always says what is shown: missing or out-of-bounds settings are rewritten.
  useEffect(() => {
    if (search.toString() !== canonical) setSearch(new URLSearchParams(canonical), { replace: true });
  }, [search, canonical, setSearch]);

  // While another asset's graph loads, the last one must not pass for it.
  const asset = query.data?.asset;
  const current = !query.isPlaceholderData || asset?.name === name;
  const missing = current && query.data?.asset === null;
  let body;
  if (query.isError && !query.isFetching) body = <ErrorState error={query.error} retry={() => void query.refetch()} />;
  else if (!query.data || !current) body = <Loading label="Loading provenance…" />;
  else if (!asset) body = <AssetNotFound name={name} />;
  else body = <Lineage asset={asset} params={params} onParams={setParams} />;

  return (
    <article className="provenance" aria-labelledby="prov-title">
      <header className="prov-header">
        <div className="prov-heading">
          {!missing && (
            <Link to={assetPath(name)} className="prov-back">
              ← Asset page
            </Link>
          )}
          <h1 id="prov-title">Provenance</h1>
          <p className="prov-name mono">{name}</p>
        </div>
        {!missing && <UsePython request={requestBody(ProvenancePageGraph, variables)} />}
      </header>
      {!missing && <GraphControls params={params} onChange={setParams} updating={query.isPlaceholderData && current} />}
      {body}
    </article>
  );
}

function AssetNotFound({ name }: { name: string }) {
  return (
    <Empty title="No such asset">
      <p>
        The catalog has no asset named <code className="prov-missing">{name}</code>. It may have been renamed, or the link may be mistyped.
      </p>
      <Link className="button button-primary" to={searchPathFor(name)}>
        Search the catalog
      </Link>
    </Empty>
  );
}

function Lineage({ asset, params, onParams }: { asset: ProvenanceAsset; params: GraphParams; onParams: (next: GraphParams) => void }) {
  const model = useMemo(() => buildGraphModel(asset), [asset]);
  if (model.nodes.length === 1) return <NoLineage params={params} onParams={onParams} />;
  return (
    <>
      {model.truncated && <TruncatedNotice params={params} onParams={onParams} />}
      <GraphView model={model} params={params} />
      <NodeTable model={model} />
    </>
  );
}

const WHERE: Record<GraphParams["direction"], string> = {
  upstream: "inputs",
  downstream: "derived assets",
  both: "inputs or derived assets",
};

function NoLineage({ params, onParams }: { params: GraphParams; onParams: (next: GraphParams) => void }) {
  return (
    <Empty title="No recorded lineage">
      <p>This asset has no registered {WHERE[params.direction]}: its graph is the asset alone.</p>
      {params.direction !== "both" && (
        <button type="button" className="button" onClick={() => onParams({ ...params, direction: "both" })}>
          Look both ways
        </button>
      )}
    </Empty>
  );
}

function TruncatedNotice({ params, onParams }: { params: GraphParams; onParams: (next: GraphParams) => void }) {
  const more = deeper(params.depth);
  return (
    <div className="prov-notice" role="status">
      {params.depth < DEPTH_MAX ? (
        <>
          <span>
            Assets further than {params.depth} hops (or beyond the nearest {NODES_MAX.toLocaleString("en-US")} each
            way) were left out. Increase depth to see more.
          </span>
          <button type="button" className="button button-small" onClick={() => onParams({ ...params, depth: more })}>
            Show {more} hops
          </button>
        </>
      ) : (
        <span>
          Assets further than {DEPTH_MAX} hops, or beyond the nearest {NODES_MAX.toLocaleString("en-US")} each way (the
          most one request walks), were left out.
        </span>
      )}
    </div>
  );
}

/** The canvas with the side panel beside it (below it on a phone), and the legend. */
function GraphView({ model, params }: { model: GraphModel; params: GraphParams }) {
  const navigate = useNavigate();
  const focusNode = model.nodes.find((node) => node.focus);
  const [pointed, setPointed] = useState<GraphNode | null>(null);
  const shown = (pointed && model.nodes.includes(pointed) ? pointed : null) ?? focusNode;
  const onHover = useCallback((node: GraphNode | null) => {
    if (node) setPointed(node);
  }, []);
  // A name no asset has, or an asset the viewer may not read (whose node id is a placeholder,
  // no asset's name), has no page: tapping it only points at it.
  const onOpen = useCallback(
    (name: string) => {
      const found = model.nodes.find((node) => node.name === name);
      if (found && !opensAsset(found)) setPointed(found);
      else void navigate(assetPath(name));
    },
    [model, navigate],
  );
  return (
    <div className="prov-view">
      <div className="prov-main">
        <GraphCanvas model={model} onHover={onHover} onOpen={onOpen} />
        <Legend />
      </div>
      {shown && <NodeDetails node={shown} params={params} />}
    </div>
  );
}
