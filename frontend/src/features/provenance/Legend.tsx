/** What the colours, borders and arrows of the graph mean. */
const ITEMS = [
  { swatch: "prov-swatch prov-swatch-primary", text: "Primary (raw session)" },
  { swatch: "prov-swatch prov-swatch-derived", text: "Derived" },
  { swatch: "prov-swatch prov-swatch-focus", text: "The asset asked about" },
  { swatch: "prov-swatch prov-swatch-unregistered", text: "Not registered (hollow, dashed): known from names only" },
  { swatch: "prov-swatch prov-swatch-restricted", text: "Restricted (hatched, in its kind's colour): an asset you may not read; the graph stops there" },
  { swatch: "prov-swatch prov-qc-pass", text: "QC pass (solid)" },
  { swatch: "prov-swatch prov-qc-fail", text: "QC fail (double)" },
  { swatch: "prov-swatch prov-qc-pending", text: "QC pending (dashed)" },
  { swatch: "prov-swatch prov-qc-unknown", text: "No QC (dotted)" },
  { swatch: "prov-arrow", text: "Input → derived, labelled by process" },
] as const;

export function Legend() {
  return (
    <section className="prov-legend" aria-labelledby="prov-legend-title">
      <h2 id="prov-legend-title" className="prov-legend-title">
        Legend
      </h2>
      <ul>
        {ITEMS.map((item) => (
          <li key={item.text}>
            <span className={item.swatch} aria-hidden="true" />
            {item.text}
          </li>
        ))}
      </ul>
    </section>
  );
}
