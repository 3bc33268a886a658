"""A unit's registry file through intake (`jiuzhu.engine.api.ingest`): stored, queued as an ``import`` job
that the background worker (`jiuzhu worker`) runs — never in the request thread — with progress and results
kept on the RegistryUpload row the status page reads. An accepted import queues one screening (coalesced).

The interface the page and the token API share: ``store_file``, ``submit_import``; ``run_upload`` is the
worker's."""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict
from datetime import date
from pathlib import Path

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.utils import timezone

from jiuzhu.app.accounts import audit
from jiuzhu.app.jobs.models import JobKind
from jiuzhu.app.jobs.queue import submit, submit_screen
from jiuzhu.app.referrals.models import RegistryUpload, UploadState
from jiuzhu.app.registries.services import max_upload_bytes
from jiuzhu.engine import api
from jiuzhu.engine.home import jiuzhu_home

log = logging.getLogger(__name__)
SUFFIXES = (".xlsx", ".xls", ".csv")
_RESULT_FIELDS = ("file_name", "status", "batch_id", "unit", "source_type", "rows_taken", "rows_rejected",
                  "rows_flagged", "rows_duplicate", "values_dropped", "sheets", "skipped_sheets", "report_csv",
                  "report_xlsx", "message_zh")


def store_file(uploaded_file) -> Path:
    """Write an uploaded file (Django's UploadedFile, or anything with ``name`` and ``chunks()``) under
    ``$JIUZHU_HOME/uploads/registry/<random>/``; returns its path."""
    name = Path(uploaded_file.name).name
    folder = jiuzhu_home() / "uploads" / "registry" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    with open(target, "wb") as out:
        for chunk in uploaded_file.chunks():
            out.write(chunk)
    return target


def submit_import(path: str | Path, source: str, as_of: date | None, unit, submitted_by, *,
                  who=None) -> RegistryUpload:
    """Queue the import of a stored file for ``unit`` (an accounts.Unit); ``submitted_by`` a User or a name
    (e.g. an API token's); ``who`` what the audit entry names (a request, a user, or None). Returns the
    upload row (state ``queued``; ``upload.job`` the job)."""
    path = Path(path)
    user = submitted_by if hasattr(submitted_by, "get_username") else None
    name = user.get_username() if user is not None else str(submitted_by or "")
    with transaction.atomic():
        upload = RegistryUpload.objects.create(unit=unit, uploaded_by=user, submitted_by=name, file_name=path.name,
                                               path=str(path), source=source or "", as_of=as_of,
                                               progress="排队等待导入")
        upload.job = submit(JobKind.IMPORT, {"upload_id": upload.pk}, submitted_by=name)
        upload.save(update_fields=["job"])
        audit.record(who if who is not None else user, "import", upload,
                     detail={"unit": unit.code, "source": source or "", "job": upload.job.pk})
    return upload


def save_upload(user, unit, uploaded_file, *, source: str = "", as_of: date | None = None,
                who=None) -> RegistryUpload:
    """The upload page's path: store the file and queue its import."""
    return submit_import(store_file(uploaded_file), source, as_of, unit, user, who=who)


def run_upload(upload_id: int) -> RegistryUpload:
    """Import the saved file (in the worker); never raises (a failure is recorded on the row for the user)."""
    upload = RegistryUpload.objects.get(pk=upload_id)
    upload.state = UploadState.RUNNING
    upload.progress = "正在读取文件"
    upload.save(update_fields=["state", "progress"])

    def progress(message: str) -> None:
        RegistryUpload.objects.filter(pk=upload_id).update(progress=message[:300])

    # the procuratorate's data administrator imports on behalf of the registry's own unit
    unit = None if upload.unit.is_procuratorate else upload.unit.code
    try:
        # One reading process: the machine's cores serve the web users too.
        results = api.ingest([upload.path], source=upload.source or None, unit=unit, as_of=upload.as_of,
                             imported_by=upload.submitted_by or "web", progress=progress, jobs=1,
                             bounded=True)
    except Exception as err:  # the engine failed unexpectedly: tell the user, keep the type in the log (no data)
        log.exception("registry upload %s failed: %s", upload_id, type(err).__name__)
        upload.state = UploadState.FAILED
        upload.progress = "导入出错，请联系数据管理员"
    else:
        upload.results = [{k: _plain(asdict(r).get(k)) for k in _RESULT_FIELDS} for r in results]
        upload.state, upload.progress = _outcome(results)
    upload.finished_at = timezone.now()
    if any(r.get("status") == "imported" for r in upload.results):
        upload.screen_job = submit_screen(submitted_by=upload.submitted_by or "worker",
                                          reason=f"upload {upload.pk}")
    upload.save(update_fields=["state", "progress", "results", "finished_at", "screen_job"])
    return upload


def _outcome(results: list) -> tuple[str, str]:
    statuses = {r.status for r in results}
    if statuses <= {"failed"}:
        failed = next((r for r in results if r.message_zh), None)
        return UploadState.FAILED, f"导入失败：{failed.message_zh}" if failed else "导入失败"
    if "held" in statuses:
        return UploadState.HELD, "已导入，但行数远少于当前名单，等待数据管理员确认后才生效"
    return UploadState.DONE, "导入完成"


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stops storing a file over ``JIUZHU_UPLOAD_MAX_MB`` (the rest of the body
    is read and dropped) and marks the request, so the page or the API answers with the limit instead."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int):
        self.seen = getattr(self, "seen", 0) + len(raw_data)
        if self.seen > max_upload_bytes():
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int):
        return None


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value
