"""What a request asks for, as plain data: filters, orderings, facets, aggregates, lineage.

Each concept is declared once here. Enums are ``StrEnum``s; inputs are strawberry input
classes, which are plain dataclasses at run time. GraphQL exposes them as they are, the web
routes coerce JSON into them exactly as GraphQL does, and only ``catalog.repo`` turns them
into SQL."""
