"""A unit's registry file through intake (`jiuzhu.engine.api.ingest`): saved, imported in the background,
progress and results kept on the RegistryUpload row the status page reads."""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import asdict
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from jiuzhu.app.accounts import audit
from jiuzhu.app.referrals.models import RegistryUpload, UploadState
from jiuzhu.engine import api
from jiuzhu.engine.home import jiuzhu_home

log = logging.getLogger(__name__)
SUFFIXES = (".xlsx", ".xls", ".csv")
_RESULT_FIELDS = ("file_name", "status", "batch_id", "unit", "source_type", "rows_taken", "rows_rejected",
                  "rows_flagged", "rows_duplicate", "values_dropped", "sheets", "skipped_sheets", "report_csv",
                  "report_xlsx", "message_zh")


def save_upload(user, unit, uploaded_file, *, source: str = "", as_of: date | None = None) -> RegistryUpload:
    name = Path(uploaded_file.name).name
    folder = jiuzhu_home() / "uploads" / "registry" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    with open(target, "wb") as out:
        for chunk in uploaded_file.chunks():
            out.write(chunk)
    upload = RegistryUpload.objects.create(unit=unit, uploaded_by=user, file_name=name, path=str(target),
                                           source=source, as_of=as_of)
    audit.record(user, "import", upload, detail={"unit": unit.code})
    return upload


def run_upload(upload_id: int) -> RegistryUpload:
    """Import the saved file; never raises (a failure is recorded on the row for the user to read)."""
    upload = RegistryUpload.objects.get(pk=upload_id)
    upload.state = UploadState.RUNNING
    upload.progress = "正在读取文件"
    upload.save(update_fields=["state", "progress"])

    def progress(message: str) -> None:
        RegistryUpload.objects.filter(pk=upload_id).update(progress=message[:300])

    # the procuratorate's data administrator imports on behalf of the registry's own unit
    unit = None if upload.unit.is_procuratorate else upload.unit.code
    try:
        # One process (jobs=1): the web server's cores serve its users; no worker processes are
        # started from a request thread. `jiuzhu ingest` uses every core for big files.
        results = api.ingest([upload.path], source=upload.source or None, unit=unit, as_of=upload.as_of,
                             imported_by=upload.uploaded_by.username if upload.uploaded_by else "web",
                             progress=progress, jobs=1)
    except Exception:  # the engine failed unexpectedly: tell the user, keep the trace in the log (no data)
        log.exception("registry upload %s failed", upload_id)
        upload.state = UploadState.FAILED
        upload.progress = "导入出错，请联系数据管理员"
    else:
        upload.results = [{k: _plain(asdict(r).get(k)) for k in _RESULT_FIELDS} for r in results]
        upload.state = UploadState.FAILED if all(r.status == "failed" for r in results) else UploadState.DONE
        upload.progress = "导入完成" if upload.state == UploadState.DONE else "导入失败"
    upload.finished_at = timezone.now()
    upload.save(update_fields=["state", "progress", "results", "finished_at"])
    return upload


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def start_upload(upload: RegistryUpload) -> None:
    """In the background, so the page can show progress; at once when settings ask (tests, the CLI)."""
    if getattr(settings, "JIUZHU_UPLOADS_INLINE", False):
        run_upload(upload.pk)
        return

    def work() -> None:
        try:
            run_upload(upload.pk)
        finally:
            connection.close()  # this thread's own connection; nobody else will close it

    threading.Thread(target=work, name=f"upload-{upload.pk}", daemon=True).start()
