"""The client's optional libraries (pandas for tables, networkx for graphs): imported only by the
method that needs one, so ``import catalog.client`` works without them, and missing, they say
how to install them."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

INSTALL = "pip install 'catalog[client]'"


@contextmanager
def needing(package: str) -> Iterator[None]:
    """Imports inside that fail for want of ``package`` raise an ImportError saying what to install."""
    try:
        yield
    except ImportError as error:
        if error.name != package:
            raise
        raise ImportError(f"this needs {package}, an optional part of the client: {INSTALL}") from error
