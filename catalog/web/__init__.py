"""The HTTP edge: each route in a module named for what it serves, errors mapped once.

``graphql`` serves the API; ``manifests`` lists signed URLs of many files; ``downloads``
redirects a stable link to a fresh signed URL; ``files`` serves a local store's signed URLs;
``health`` answers probes; ``errors`` turns every refusal into one JSON shape."""
