"""Use cases, each inside its transactions: ingest, import, index, demo. The CLI and the
API call these; nothing is implemented twice for two front doors."""
