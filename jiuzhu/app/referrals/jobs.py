"""The upload records' side of the background work, registered when Django starts (ReferralsConfig.ready):
the ``import`` job, an import found interrupted, and a batch the data administrator confirmed or withdrew."""

from __future__ import annotations

from django.utils import timezone

from jiuzhu.app.jobs.models import Job, JobKind
from jiuzhu.app.jobs.queue import handles
from jiuzhu.app.referrals.models import RegistryUpload, UploadState


def mark_interrupted(job: Job) -> None:
    """The worker died while importing: the upload fails with the job's message (the file left no trace)."""
    RegistryUpload.objects.filter(job=job, state__in=(UploadState.QUEUED, UploadState.RUNNING)).update(
        state=UploadState.FAILED, progress=job.message[:300], finished_at=timezone.now())


def batch_changed(sender, *, batch_id: str, op: str, **kwargs) -> None:
    """A batch was confirmed or withdrawn (registries' ``batch_state_changed``): the uploads that made it
    say so (recent uploads are looked at)."""
    status = "imported" if op == "confirm" else "withdrawn"
    for upload in RegistryUpload.objects.exclude(results=[]).order_by("-id")[:2000]:
        if not any(r.get("batch_id") == batch_id for r in upload.results):
            continue
        for r in upload.results:
            if r.get("batch_id") == batch_id:
                r["status"] = status
        if upload.state == UploadState.HELD and op == "confirm":
            upload.state, upload.progress = UploadState.DONE, "数据管理员已确认，名单已生效"
        elif op == "withdraw":
            upload.progress = "数据管理员已撤回该批次，上一份名单恢复为当前"
        upload.save(update_fields=["results", "state", "progress"])


@handles(JobKind.IMPORT, on_interrupted=mark_interrupted)
def run_import(job: Job) -> tuple[bool, str, dict]:
    """The stored upload through intake."""
    # here, not at the top: the engine (DuckDB, Splink) loads when an import runs, not with every Django start
    from jiuzhu.app.referrals.services.upload import run_upload

    upload = run_upload(job.payload["upload_id"])
    return upload.state != "failed", upload.progress, {"upload_id": upload.pk, "state": upload.state}
