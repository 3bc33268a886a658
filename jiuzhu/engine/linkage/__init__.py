"""Linkage: records → persons. Exact on valid ID numbers, Splink on the residue (docs/linkage.md). Its
public module: the other parts import these names from here, never from the modules below. Spark stays
optional: ``spark_session`` imports pyspark only when it makes a session."""

from jiuzhu.engine.linkage.export import export_rows, has_linkage, write_export
from jiuzhu.engine.linkage.namekeys import name_keys
from jiuzhu.engine.linkage.reuse import inputs_digest, last_linkage, remember
from jiuzhu.engine.linkage.run import LinkResult, StageLog, link, link_connection, memory_limit_mb, trim_heap
from jiuzhu.engine.linkage.spark import lake_dir, spark_session
from jiuzhu.engine.linkage.store import AUX_TABLES, NAMES, person_key

__all__ = ["AUX_TABLES", "NAMES", "LinkResult", "StageLog", "export_rows", "has_linkage", "inputs_digest",
           "lake_dir", "last_linkage", "link", "link_connection", "memory_limit_mb", "name_keys", "person_key",
           "remember", "spark_session", "trim_heap", "write_export"]
