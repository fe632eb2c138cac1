"""Database access: engine and sessions, portable column types, ORM models."""
