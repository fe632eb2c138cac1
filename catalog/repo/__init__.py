"""All SQL of the catalog, one module per aggregate. Functions take a session; callers own
transactions. Every read of assets starts from ``assets.visible()``: what a reader may see is
decided in one place."""
