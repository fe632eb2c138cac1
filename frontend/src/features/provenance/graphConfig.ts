/** How cytoscape draws and lays out the graph, tuned by size: a lineage of a thousand assets
 * must still pan and zoom without stutter (GraphCanvas records the layout's duration). */
import type { GraphLabel } from "@dagrejs/dagre";
import type { CytoscapeOptions, StylesheetJson } from "cytoscape";
import type { QcState } from "../../lib/qc";

/** Above this many elements (nodes + edges) a graph is large: edges are hidden while the
 * viewport moves and the ranker is the linear-time one. */
export const LARGE_GRAPH = 300;

/** Viewport and interaction settings: a read-only viewer (no dragging, no selection). For a
 * large graph edges are not drawn while panning or zooming, and one canvas pixel is drawn per
 * CSS pixel. Measured in Chromium on synthetic lineages: with edges hidden, wheel-zoom frames
 * stay at 16.7 ms (p95) for 1,000 and 3,000 nodes, against 50 ms at 3,000 nodes with them
 * drawn; cytoscape's textureOnViewport made it worse (50–280 ms frames whenever a gesture
 * starts and the texture is redrawn), so it is left off. */
export function viewportOptions(elementCount: number): Partial<CytoscapeOptions> {
  const large = elementCount > LARGE_GRAPH;
  return {
    minZoom: 0.02,
    maxZoom: 3,
    boxSelectionEnabled: false,
    autoungrabify: true,
    autounselectify: true,
    hideEdgesOnViewport: large,
    textureOnViewport: false,
    motionBlur: false,
    // Drawing at the screen's full density quadruples the pixels on a retina screen.
    pixelRatio: large ? 1 : "auto",
  };
}

/** Above this many elements the layout runs in a Web Worker, leaving the page free: in-thread,
 * dagre held it for 40 ms at 153 elements and 100 ms at 297 (network-simplex, synthetic
 * lineages), and 1.9 s for the benchmark's lineage of 1,000 assets. */
export const OFF_THREAD = 150;

/** The dagre settings the layout runs with (they travel to the worker as they are). */
export type LayeredOptions = Required<Pick<GraphLabel, "rankdir" | "ranker" | "nodesep" | "ranksep" | "edgesep">>;

/** Layered, left to right. network-simplex gives the tidiest ranks but grows fast with size
 * (4.4 s against 0.6 s for longest-path on 1,000 synthetic nodes; 52 s against 2.0 s on the
 * benchmark's lineage of 1,000 assets 37 layers deep), so a large graph is ranked by longest
 * path. On that lineage no dagre setting gave the same picture faster: most of the time goes to
 * ordering (0.8 s) and placing (0.5 s) nodes and the dummy nodes of long edges. */
export function layeredOptions(elementCount: number): LayeredOptions {
  return {
    rankdir: "LR",
    ranker: elementCount > LARGE_GRAPH ? "longest-path" : "network-simplex",
    nodesep: 16,
    ranksep: 72,
    edgesep: 8,
  };
}

/** Room around the graph when it is fitted into the canvas, in pixels. */
export const FIT_PADDING = 24;

/** A node's box as drawn; the focus is larger, a failed QC has a thicker (double) border. */
const NODE_BOX = { width: 160, height: 42 };
const FOCUS_BOX = { width: 184, height: 54 };
const BORDER = 4;
const FAIL_BORDER = 6;

export interface Box {
  width: number;
  height: number;
}

/** The space a node takes in the layout: its box plus its border (cytoscape centres a border on
 * the outline, so half of it on each side), which is what the layout used to read from
 * cytoscape's outerWidth/outerHeight. */
export function nodeBox({ focus, qc }: { focus: boolean; qc: QcState }): Box {
  const box = focus ? FOCUS_BOX : NODE_BOX;
  const border = qc === "fail" ? FAIL_BORDER : BORDER;
  return { width: box.width + border, height: box.height + border };
}

/** Node labels are drawn from this zoom up (11 px × 0.8 ≈ 9 px, above min-zoomed-font-size 7). */
export const READABLE_ZOOM = 0.8;
/** A graph of two or three assets is not blown up past this. */
export const MAX_FIT_ZOOM = 1.25;

export interface View {
  zoom: number;
  /** Centre the asset asked about rather than the whole graph. */
  onFocus: boolean;
}

/** The first view after fitting the graph: if fitting made labels unreadable (a large graph,
 * or any graph on a phone), the asset asked about and its neighbours at a readable zoom; "Fit"
 * shows the whole graph. */
export function firstView(fittedZoom: number): View {
  if (fittedZoom < READABLE_ZOOM) return { zoom: READABLE_ZOOM, onFocus: true };
  return { zoom: Math.min(fittedZoom, MAX_FIT_ZOOM), onFocus: false };
}

export interface Palette {
  primary: string;
  derived: string;
  pass: string;
  fail: string;
  pending: string;
  unknown: string;
  focus: string;
  edge: string;
  text: string;
  surface: string;
  /** The light stripes of a restricted asset's hatching. */
  restricted: string;
}

/** Cytoscape draws on a canvas, which cannot read CSS variables: the tokens are read once. */
export const PALETTE_TOKENS: Record<keyof Palette, [token: string, fallback: string]> = {
  primary: ["--primary-kind", "#2f6fbf"],
  derived: ["--derived-kind", "#7a4cc2"],
  pass: ["--ok", "#1f7a3d"],
  fail: ["--bad", "#b42318"],
  pending: ["--warn", "#9a5b00"],
  unknown: ["--muted", "#5b6577"],
  focus: ["--focus", "#f0a400"],
  edge: ["--muted", "#5b6577"],
  text: ["--text", "#1c2330"],
  surface: ["--surface", "#ffffff"],
  restricted: ["--restricted", "#d3d8e0"],
};

export function readPalette(read: (token: string) => string): Palette {
  const entries = Object.entries(PALETTE_TOKENS).map(([key, [token, fallback]]) => [key, read(token).trim() || fallback]);
  return Object.fromEntries(entries) as Record<keyof Palette, string>;
}

/** Stripes across a restricted asset's node, corner to corner. */
export const HATCH_STRIPES = 16;

/** A hatching as cytoscape draws it: a linear gradient whose stops change colour abruptly,
 * alternating `ink` and `ground` in equal stripes. */
export function hatch(ink: string, ground: string, stripes = HATCH_STRIPES): { "background-gradient-stop-colors": string[]; "background-gradient-stop-positions": string[] } {
  const colors: string[] = [];
  const positions: string[] = [];
  for (let stripe = 0; stripe < stripes; stripe += 1) {
    const color = stripe % 2 === 0 ? ink : ground;
    colors.push(color, color);
    positions.push(`${(stripe / stripes) * 100}%`, `${((stripe + 1) / stripes) * 100}%`);
  }
  return { "background-gradient-stop-colors": colors, "background-gradient-stop-positions": positions };
}

/** Fill by kind, border by QC (colour and line style, so it does not rest on colour alone),
 * a name no asset has hollow with a dashed grey border, an asset the viewer may not read hatched
 * in its kind's colour (grey when its kind is not known) with a solid grey border, the focus
 * larger with a halo. Labels vanish below a readable size, which also spares drawing a thousand
 * labels when the whole graph is in view. */
export function graphStyle(palette: Palette): StylesheetJson {
  return [
    {
      selector: "node",
      style: {
        shape: "round-rectangle",
        width: NODE_BOX.width,
        height: NODE_BOX.height,
        label: "data(label)",
        color: "#ffffff",
        "font-size": 11,
        "text-wrap": "wrap",
        "text-max-width": "148px",
        "text-valign": "center",
        "text-halign": "center",
        "min-zoomed-font-size": 7,
        "border-width": BORDER,
        "border-color": palette.unknown,
        "border-style": "dotted",
      },
    },
    { selector: "node.primary", style: { "background-color": palette.primary } },
    { selector: "node.derived", style: { "background-color": palette.derived } },
    { selector: "node.qc-pass", style: { "border-color": palette.pass, "border-style": "solid" } },
    { selector: "node.qc-fail", style: { "border-color": palette.fail, "border-style": "double", "border-width": FAIL_BORDER } },
    { selector: "node.qc-pending", style: { "border-color": palette.pending, "border-style": "dashed" } },
    // A name no asset has: hollow, so it never reads as an asset of either kind.
    {
      selector: "node.unregistered",
      style: { "background-color": palette.surface, color: palette.text, "border-color": palette.unknown, "border-style": "dashed" },
    },
    // An asset the viewer may not read: hatched, so it never reads as one they can open; its
    // kind keeps its colour in the stripes; its QC is not told, so its border says none; the
    // label sits on a plain ground to stay readable over the stripes. Same box, same border
    // width: it takes the room nodeBox gives it.
    {
      selector: "node.redacted",
      style: {
        "background-fill": "linear-gradient",
        "background-gradient-direction": "to-bottom-right",
        ...hatch(palette.unknown, palette.restricted),
        color: palette.text,
        "border-color": palette.unknown,
        "border-style": "solid",
        "border-width": BORDER,
        "text-background-color": palette.surface,
        "text-background-opacity": 0.92,
        "text-background-shape": "roundrectangle",
        "text-background-padding": "3px",
      },
    },
    { selector: "node.redacted.primary", style: hatch(palette.primary, palette.restricted) },
    { selector: "node.redacted.derived", style: hatch(palette.derived, palette.restricted) },
    {
      selector: "node.focus",
      style: {
        width: FOCUS_BOX.width,
        height: FOCUS_BOX.height,
        "font-size": 13,
        "font-weight": "bold",
        "text-max-width": "170px",
        "underlay-color": palette.focus,
        "underlay-padding": 7,
        "underlay-opacity": 0.55,
        "z-index": 10,
      },
    },
    {
      selector: "edge",
      style: {
        width: 1.5,
        "curve-style": "straight",
        "line-color": palette.edge,
        "target-arrow-color": palette.edge,
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.9,
        label: "data(label)",
        color: palette.text,
        "font-size": 10,
        "min-zoomed-font-size": 8,
        "text-background-color": palette.surface,
        "text-background-opacity": 0.85,
        "text-background-padding": "2px",
        "text-events": "no",
      },
    },
  ];
}
