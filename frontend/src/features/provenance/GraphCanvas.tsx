/** The drawn graph: cytoscape with the dagre layout, created when the graph changes and
 * destroyed on unmount, so leaving the page leaves no listeners or canvases behind.
 *
 * Automation hook for end-to-end tests: once the layout has run, `window.catalogGraph` is the
 * cytoscape Core and the container (`[data-testid="provenance-graph"]`) has
 * `data-ready="true"`. A node's id is its asset's name, so
 * `catalogGraph.getElementById(name).renderedPosition()` plus the container's page offset is
 * where to click. The last layout's duration (cytoscape's set-up included) is the
 * user-timing measure "provenance-layout". */
import cytoscape, { type Core, type ElementDefinition, type EventObject } from "cytoscape";
import dagre from "cytoscape-dagre";
import { type RefObject, useEffect, useMemo, useRef, useState } from "react";
import { KIND_WORDS } from "../../lib/kind";
import { qcLabel } from "../../lib/qc";
import { firstView, graphStyle, LARGE_GRAPH, layoutOptions, MAX_FIT_ZOOM, readPalette, viewportOptions } from "./graphConfig";
import { describeGraph, type GraphModel, type GraphNode, toElements } from "./graphModel";

declare global {
  interface Window {
    /** The provenance page's cytoscape Core, set once laid out (for end-to-end tests). */
    catalogGraph?: Core;
  }
}

cytoscape.use(dagre);

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

interface Mount {
  element: HTMLDivElement;
  model: GraphModel;
  elements: ElementDefinition[];
  nodes: Map<string, GraphNode>;
  /** Read at event time, so new callbacks need no new graph. */
  handlers: RefObject<Pick<Props, "onHover" | "onOpen">>;
  setTip: (tip: Tip | null) => void;
  onReady: (cy: Core) => void;
}

/** Builds the graph in the container and lays it out. Only hovering and viewport changes touch
 * React state, never a per-frame draw. */
function mountGraph({ element, model, elements, nodes, handlers, setTip, onReady }: Mount): Core {
  performance.clearMeasures("provenance-layout");
  performance.mark("provenance-layout-start");
  const styles = getComputedStyle(element);
  const cy = cytoscape({
    container: element,
    elements,
    style: graphStyle(readPalette((token) => styles.getPropertyValue(token))),
    // Without this cytoscape runs a grid layout first, which cost as much as dagre itself.
    layout: { name: "null" },
    ...viewportOptions(elements.length),
  });
  let tipShown = false;
  cy.on("tap", "node", (event) => handlers.current.onOpen(String(event.target.id())));
  cy.on("mouseover", "node", (event: EventObject) => {
    const node = nodes.get(String(event.target.id()));
    if (!node) return;
    const position = event.target.renderedPosition();
    element.style.cursor = "pointer";
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
  const layout = cy.layout(layoutOptions(elements.length));
  layout.one("layoutstop", () => {
    const view = firstView(cy.zoom());
    if (view.zoom !== cy.zoom()) {
      cy.zoom(view.zoom);
      cy.center(view.onFocus ? cy.getElementById(model.focus) : undefined);
    }
    performance.measure("provenance-layout", "provenance-layout-start");
    onReady(cy);
  });
  layout.run();
  return cy;
}

export function GraphCanvas({ model, onHover, onOpen }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const core = useRef<Core | null>(null);
  const handlers = useRef({ onHover, onOpen });
  const [ready, setReady] = useState(false);
  const [tip, setTip] = useState<Tip | null>(null);
  const elements = useMemo(() => toElements(model), [model]);
  const nodes = useMemo(() => new Map(model.nodes.map((node) => [node.name, node])), [model]);
  const large = elements.length > LARGE_GRAPH;

  useEffect(() => {
    handlers.current = { onHover, onOpen };
  }, [onHover, onOpen]);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    setReady(false);
    const draw = () => {
      core.current = mountGraph({
        element,
        model,
        elements,
        nodes,
        handlers,
        setTip,
        onReady: (cy) => {
          window.catalogGraph = cy;
          setReady(true);
        },
      });
    };
    // A large graph holds the page while it is laid out: first let the browser paint the
    // "Laying out" notice (a frame, then a task after it).
    let frame = 0;
    let timer = 0;
    if (large) frame = requestAnimationFrame(() => (timer = window.setTimeout(draw)));
    else draw();
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(timer);
      const cy = core.current;
      if (cy && window.catalogGraph === cy) delete window.catalogGraph;
      cy?.destroy();
      core.current = null;
      setTip(null);
    };
  }, [model, elements, nodes, large]);

  const zoomBy = (factor: number) => {
    const cy = core.current;
    if (!cy) return;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };
  const fit = () => {
    const cy = core.current;
    if (!cy) return;
    cy.fit(undefined, 24);
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
      {!ready && large && (
        <p className="prov-canvas-status" role="status">
          Laying out {model.nodes.length.toLocaleString("en-US")} assets…
        </p>
      )}
      {tip && <NodeTip tip={tip} />}
    </div>
  );
}

/** The hovered node's details beside it; the side panel and the table say the same to
 * assistive technology, so this stays out of the accessibility tree. */
function NodeTip({ tip }: { tip: Tip }) {
  const { node } = tip;
  return (
    <div className="prov-tip" style={{ left: tip.x, top: tip.y }} aria-hidden="true">
      <div className="prov-tip-name">{node.name}</div>
      <div className="prov-tip-meta">
        {KIND_WORDS[node.kind]}
        {node.process ? ` · ${node.process}` : ""} · {qcLabel(node.qcStatus)} · {node.focus ? "asked about" : `${node.hops} hop${node.hops === 1 ? "" : "s"}`}
      </div>
    </div>
  );
}
