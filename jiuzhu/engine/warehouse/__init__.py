"""The warehouse: the DuckDB file, its schema, batches as snapshots, retention (docs/architecture.md
"Warehouse contract"). Its public module: the other parts import these names from here, never from the
modules below."""

from jiuzhu.engine.warehouse.batches import (
    REJECTION_COLUMNS,
    STATE_NAMES,
    BatchRow,
    BatchStateError,
    Withdrawn,
    append_rejections,
    batch_id,
    confirm,
    current_snapshot,
    drop_staging,
    existing_batches,
    file_sha256,
    hold_below,
    insert_batch,
    insert_table,
    leave_out,
    list_batches,
    record_batch,
    records_table,
    rejections,
    withdraw,
    withdrawn_counts,
)
from jiuzhu.engine.warehouse.retention import (
    BATCH_DIGESTS,
    LINKAGE_COPIES,
    RECORDS_STAGED,
    SCREENING_STATE,
    purge_batches,
    purge_person,
    superseded_before,
)
from jiuzhu.engine.warehouse.schema import SCHEMA_VERSION, ensure_schema, record_columns
from jiuzhu.engine.warehouse.store import (
    WarehouseBusy,
    announced,
    before_open,
    connect,
    file_version,
    memory_mb,
    open_file,
    settings,
    table_names,
    without_vacuum,
    writer_waiting,
)
from jiuzhu.engine.warehouse.version import WarehouseTooNew, migrate_warehouse

__all__ = ["BATCH_DIGESTS", "LINKAGE_COPIES", "RECORDS_STAGED",
           "REJECTION_COLUMNS", "SCHEMA_VERSION", "SCREENING_STATE", "STATE_NAMES",
           "BatchRow", "BatchStateError", "append_rejections",
           "WarehouseBusy", "WarehouseTooNew", "Withdrawn", "announced", "batch_id", "before_open", "confirm",
           "connect",
           "current_snapshot", "record_columns",
           "drop_staging", "ensure_schema", "existing_batches", "file_sha256", "file_version", "hold_below",
           "insert_batch", "insert_table", "leave_out", "list_batches", "memory_mb", "migrate_warehouse", "open_file",
           "purge_batches", "purge_person", "record_batch", "records_table", "rejections", "settings",
           "superseded_before",
           "table_names", "withdraw", "withdrawn_counts", "without_vacuum",
           "writer_waiting"]
