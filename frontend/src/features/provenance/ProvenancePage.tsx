export function ProvenancePage() {
  return <h1>Provenance</h1>;
}
