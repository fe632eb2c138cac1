"""Where the bytes live: one small protocol, a local folder or an S3 bucket behind it."""

from catalog.storage.base import ObjectInfo, ObjectStore, StoredObject, open_store

__all__ = ["ObjectInfo", "ObjectStore", "StoredObject", "open_store"]
