"""The client as a package: importable without its optional libraries, which the methods that
need them ask for by name; a public surface declared in ``__all__``; and keyword parameters that
no filter shares a name with."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import catalog.client
from catalog.client import Catalog, Provenance
from catalog.client.aio import AsyncCatalog
from catalog.client.assets import ASSET_KINDS
from catalog.client.tables import frame
from catalog.schemas.filters import AssetFilter

WITHOUT_EXTRAS = """
import sys
sys.modules["pandas"] = sys.modules["networkx"] = None  # as if not installed
import catalog.client
print("imported")
"""


def test_the_client_imports_without_pandas_or_networkx() -> None:
    done = subprocess.run([sys.executable, "-c", WITHOUT_EXTRAS], capture_output=True, text=True, check=False)

    assert (done.returncode, done.stdout.strip()) == (0, "imported"), done.stderr


def test_a_table_without_pandas_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)

    with pytest.raises(ImportError, match=r"pip install 'catalog\[client\]'"):
        frame([], ASSET_KINDS)


def test_a_graph_without_networkx_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "networkx", None)
    lineage = Provenance("a", [], [], truncated=False)

    with pytest.raises(ImportError, match=r"pip install 'catalog\[client\]'"):
        lineage.to_networkx()


def test_the_public_surface_is_all_it_declares() -> None:
    for name in catalog.client.__all__:
        assert getattr(catalog.client, name).__module__.startswith("catalog."), name
    assert {"Catalog", "AsyncCatalog", "CatalogError", "NotFound", "Invalid", "Unauthenticated"} <= set(
        catalog.client.__all__
    )


@pytest.mark.parametrize("method", ["assets", "facets", "aggregate"])
def test_no_parameter_of_a_filtered_method_is_also_a_filter(method: str) -> None:
    filters = {field.python_name for field in AssetFilter.__strawberry_definition__.fields}
    for client in (Catalog, AsyncCatalog):
        parameters = set(inspect.signature(getattr(client, method)).parameters) - {"self", "filters"}
        assert parameters
        assert not parameters & filters, (client, method)


def test_the_sync_client_offers_what_the_async_one_does_with_the_same_parameters() -> None:
    public = {name for name in vars(AsyncCatalog) if not name.startswith("_")} - {"aclose"}
    for name in public:
        mine, core = inspect.signature(getattr(Catalog, name)), inspect.signature(getattr(AsyncCatalog, name))
        assert list(mine.parameters) == list(core.parameters), name
        assert getattr(Catalog, name).__doc__, name
