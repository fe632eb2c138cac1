/** The drawn graph: laid out in layers by dagre (in a Web Worker when the graph is large, so the
 * page stays usable meanwhile), then built in cytoscape at those positions a slice per task.
 * It is created when the model changes and destroyed on unmount, and a layout or build still
 * under way then is called off, so leaving the page leaves no listeners, canvases or workers
 * behind.
 *
 * Automation hook for end-to-end tests: once laid out, `window.catalogGraph` is the cytoscape
 * Core and the container (`[data-testid="provenance-graph"]`) has `data-ready="true"`. A node's
 * id is its asset's name (an asset the viewer may not read: its placeholder, `redacted-1`…, and
 * the class `redacted`), so `catalogGraph.getElementById(name).renderedPosition()` plus the
 * container's page offset is where to click. The last layout's duration, from asking for it to
 * the graph placed and fitted, is the user-timing measure "provenance-layout". */
import cytoscape, { type Core, type EventObject } from "cytoscape";
import { type RefObject, useEffect, useMemo, useRef, useState } from "react";
import { qcLabel } from "../../lib/qc";
import { FIT_PADDING, firstView, graphStyle, layeredOptions, MAX_FIT_ZOOM, OFF_THREAD, readPalette, viewportOptions } from "./graphConfig";
import { describeGraph, type GraphModel, type GraphNode, opensAsset, toElements } from "./graphModel";
import { kindWords, RESTRICTED } from "./labels";
import { layoutRequest, placeElements } from "./layout";
import { runLayout, spawnLayoutWorker } from "./layoutJob";
import { runInTasks, slices } from "./tasks";

declare global {
  interface Window {
    /** The provenance page's cytoscape Core, set once laid out (for end-to-end tests). */
    catalogGraph?: Core;
  }
}

const ZOOM_STEP = 1.3;
/** Half the tip's max-width in provenance.css. */
const TIP_HALF_WIDTH = 160;

interface Tip {
  node: GraphNode;
  x: number;
  y: number;
}

interface Props {
  model: GraphModel;
  /** The node under the pointer; null when it leaves. */
  onHover: (node: GraphNode | null) => void;
  /** A node was clicked or tapped. */
  onOpen: (name: string) => void;
}

/** Elements added to the graph per task: built in one go, the 3,083 elements of the benchmark's
 * lineage held the page for 0.5 s; a slice of 200 takes 50-80 ms. */
const SLICE = 200;
/** A pan that no laid-out graph reaches (dagre places nodes from 0 on). */
const OUT_OF_VIEW = 1e9;

interface Mount {
  element: HTMLDivElement;
  elementCount: number;
  nodes: Map<string, GraphNode>;
  /** Read at event time, so new callbacks need no new graph. */
  handlers: RefObject<Pick<Props, "onHover" | "onOpen">>;
  setTip: (tip: Tip | null) => void;
}

/** The graph's cytoscape Core in the container, still empty, with its hover and tap handlers.
 * Only hovering and viewport changes touch React state, never a per-frame draw. */
function mountGraph({ element, elementCount, nodes, handlers, setTip }: Mount): Core {
  const styles = getComputedStyle(element);
  const cy = cytoscape({
    container: element,
    style: graphStyle(readPalette((token) => styles.getPropertyValue(token))),
    layout: { name: "null" },
    ...viewportOptions(elementCount),
    // Looking away while the graph is built, so a half-built graph is neither shown nor drawn;
    // showFirstView moves the view onto it.
    pan: { x: OUT_OF_VIEW, y: OUT_OF_VIEW },
  });
  let tipShown = false;
  cy.on("tap", "node", (event) => handlers.current.onOpen(String(event.target.id())));
  cy.on("mouseover", "node", (event: EventObject) => {
    const node = nodes.get(String(event.target.id()));
    if (!node) return;
    const position = event.target.renderedPosition();
    // Only an asset the viewer may open looks like a link.
    element.style.cursor = opensAsset(node) ? "pointer" : "default";
    tipShown = true;
    // Kept inside the canvas, whose edges would cut off a tip centred on a node near them.
    const half = Math.min(TIP_HALF_WIDTH, element.clientWidth / 2);
    const x = Math.min(Math.max(position.x, half), element.clientWidth - half);
    setTip({ node, x, y: position.y - event.target.renderedOuterHeight() / 2 });
    handlers.current.onHover(node);
  });
  cy.on("mouseout", "node", () => {
    element.style.cursor = "";
    tipShown = false;
    setTip(null);
    handlers.current.onHover(null);
  });
  cy.on("viewport", () => {
    if (!tipShown) return;
    tipShown = false;
    setTip(null);
  });
  return cy;
}

/** Fits the whole graph, as the layout used to; if that leaves labels unreadable, shows the
 * asset asked about at a readable zoom instead. */
function showFirstView(cy: Core, focus: string) {
  cy.fit(undefined, FIT_PADDING);
  const view = firstView(cy.zoom());
  if (view.zoom !== cy.zoom()) {
    cy.zoom(view.zoom);
    cy.center(view.onFocus ? cy.getElementById(focus) : undefined);
  }
}

export function GraphCanvas({ model, onHover, onOpen }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const core = useRef<Core | null>(null);
  const handlers = useRef({ onHover, onOpen });
  const [ready, setReady] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  const elements = useMemo(() => toElements(model), [model]);
  const nodes = useMemo(() => new Map(model.nodes.map((node) => [node.name, node])), [model]);
  const offThread = elements.length > OFF_THREAD;

  useEffect(() => {
    handlers.current = { onHover, onOpen };
  }, [onHover, onOpen]);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    setReady(false);
    setFailure(null);
    performance.clearMeasures("provenance-layout");
    performance.mark("provenance-layout-start");
    const request = layoutRequest(model, layeredOptions(elements.length));
    let stopAdding = () => {};
    const cancel = runLayout(
      request,
      {
        done: (positions) => {
          const cy = mountGraph({ element, elementCount: elements.length, nodes, handlers, setTip });
          core.current = cy;
          const placed = placeElements(elements, request.nodes, positions);
          // Cytoscape works out an element's style and bounds as it is added and measured: a slice
          // per task, nodes first (as toElements lists them), then the edges between them.
          const additions = slices(placed, SLICE).map((slice) => () => void cy.add(slice).boundingBox());
          stopAdding = runInTasks(additions, () => {
            showFirstView(cy, model.focus);
            performance.measure("provenance-layout", "provenance-layout-start");
            window.catalogGraph = cy;
            setReady(true);
          });
        },
        failed: setFailure,
      },
      offThread ? spawnLayoutWorker : undefined,
    );
    return () => {
      cancel();
      stopAdding();
      const cy = core.current;
      if (cy && window.catalogGraph === cy) delete window.catalogGraph;
      cy?.destroy();
      core.current = null;
      setTip(null);
    };
  }, [model, elements, nodes, offThread]);

  const zoomBy = (factor: number) => {
    const cy = core.current;
    if (!cy) return;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };
  const fit = () => {
    const cy = core.current;
    if (!cy) return;
    cy.fit(undefined, FIT_PADDING);
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center();
    }
  };
  const centreFocus = () => {
    const cy = core.current;
    if (!cy) return;
    cy.zoom(1);
    cy.center(cy.getElementById(model.focus));
  };

  return (
    <div className="prov-canvas-wrap">
      <div
        ref={container}
        className="prov-canvas"
        role="img"
        aria-label={describeGraph(model)}
        data-testid="provenance-graph"
        data-ready={ready ? "true" : "false"}
      />
      <div className="prov-canvas-tools" role="group" aria-label="Graph view">
        <button type="button" className="button button-small" onClick={fit} disabled={!ready}>
          Fit
        </button>
        <button type="button" className="button button-small" onClick={() => zoomBy(ZOOM_STEP)} disabled={!ready} aria-label="Zoom in">
          +
        </button>
        <button type="button" className="button button-small" onClick={() => zoomBy(1 / ZOOM_STEP)} disabled={!ready} aria-label="Zoom out">
          −
        </button>
        <button type="button" className="button button-small" onClick={centreFocus} disabled={!ready}>
          Centre on asset
        </button>
      </div>
      {failure !== null ? (
        <p className="prov-canvas-status prov-canvas-failed" role="alert">
          The graph could not be laid out ({failure}). The table below lists the same assets and links.
        </p>
      ) : (
        !ready &&
        offThread && (
          <p className="prov-canvas-status" role="status">
            <span className="spinner" aria-hidden="true" />
            Laying out {model.nodes.length.toLocaleString("en-US")} assets…
          </p>
        )
      )}
      {tip && <NodeTip tip={tip} />}
    </div>
  );
}

/** The hovered node's details beside it; the side panel and the table say the same to
 * assistive technology, so this stays out of the accessibility tree. */
function NodeTip({ tip }: { tip: Tip }) {
  const { node } = tip;
  const distance = node.focus ? "asked about" : `${node.hops} hop${node.hops === 1 ? "" : "s"}`;
  if (node.redacted) {
    return (
      <div className="prov-tip" style={{ left: tip.x, top: tip.y }} aria-hidden="true">
        <div className="prov-tip-name">{RESTRICTED}</div>
        <div className="prov-tip-meta">
          {kindWords(node.kind)} · you may not read it · {distance}
        </div>
      </div>
    );
  }
  return (
    <div className="prov-tip" style={{ left: tip.x, top: tip.y }} aria-hidden="true">
      <div className="prov-tip-name">{node.name}</div>
      <div className="prov-tip-meta">
        {node.registered ? kindWords(node.kind) : "Not registered"}
        {node.process ? ` · ${node.process}` : ""} · {qcLabel(node.qcStatus)} · {distance}
      </div>
    </div>
  );
}
