"""Linkage: records → persons. Exact on valid ID numbers, Splink on the residue (docs/linkage.md)."""

from jiuzhu.engine.linkage.run import LinkResult, link, link_connection

__all__ = ["LinkResult", "link", "link_connection"]
