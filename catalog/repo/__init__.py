"""All SQL of the catalog, one module per aggregate. Functions take a session; callers own
transactions. Every read of assets tests ``visibility.readable()`` (rows start from
``visibility.visible()``): what a reader may see is decided in one place."""
