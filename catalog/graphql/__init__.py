"""The GraphQL API: thin resolvers over the repo layer, batched through per-request loaders."""
