export function AssetPage() {
  return <h1>Asset</h1>;
}
