"""Naming and layout conventions of data assets: what the catalog accepts as a name."""
