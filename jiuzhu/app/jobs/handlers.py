"""The built-in job kinds: ``import`` (a stored upload → intake) and ``screen`` (link and screen, store clues)."""

from __future__ import annotations

from jiuzhu.app.jobs.models import Job, JobKind
from jiuzhu.app.jobs.queue import handles


def _import_interrupted(job: Job) -> None:
    from jiuzhu.app.referrals.services.upload import mark_interrupted

    mark_interrupted(job)


@handles(JobKind.IMPORT, on_interrupted=_import_interrupted)
def run_import(job: Job) -> tuple[bool, str, dict]:
    from jiuzhu.app.referrals.services.upload import run_upload

    upload = run_upload(job.payload["upload_id"])
    return upload.state != "failed", upload.progress, {"upload_id": upload.pk, "state": upload.state}


@handles(JobKind.SCREEN)
def run_screen(job: Job) -> tuple[bool, str, dict]:
    from jiuzhu.app.clues.store import screen_and_store
    from jiuzhu.engine import api
    from jiuzhu.engine.home import warehouse_path

    if not warehouse_path().exists():
        return True, "还没有导入任何数据，无需筛查 / nothing imported yet", {}
    api.link()
    result, run = screen_and_store(None, started_by=job.submitted_by or "worker")
    summary = {"run_id": run.pk, "clues": len(result.clues), "created": run.created, "updated": run.updated,
               "lapsed": run.lapsed}
    return True, (f"筛查完成：共 {summary['clues']} 条线索，新增 {run.created}，更新 {run.updated}，"
                  f"事实消失 {run.lapsed}"), summary
