"""Intake: files → batches in the warehouse (docs/intake.md). Its public module: the other parts import
these names from here, never from the modules below."""

from jiuzhu.engine.intake.batch import FileFailed, plan_sheets
from jiuzhu.engine.intake.department import resolve_unit
from jiuzhu.engine.intake.headers import HeaderFit, cell_text
from jiuzhu.engine.intake.importer import BatchResult, Progress, expand_paths, import_paths
from jiuzhu.engine.intake.readers import UnreadableFile
from jiuzhu.engine.intake.report import CSV_HEADER, write_csv
from jiuzhu.engine.intake.rows import is_layout_row

__all__ = ["CSV_HEADER", "BatchResult", "FileFailed", "HeaderFit", "Progress", "UnreadableFile", "cell_text",
           "expand_paths", "import_paths", "is_layout_row", "plan_sheets", "resolve_unit", "write_csv"]
