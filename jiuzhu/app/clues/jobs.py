"""The background worker's ``screen`` job (queued after an upload or a batch change), registered with
jobs.queue when Django starts (CluesConfig.ready)."""

from __future__ import annotations

from jiuzhu.app.jobs.models import Job, JobKind
from jiuzhu.app.jobs.queue import handles
from jiuzhu.engine.home import warehouse_path


@handles(JobKind.SCREEN)
def run_screen(job: Job) -> tuple[bool, str, dict]:
    """Link, screen and store the clues."""
    # here, not at the top: the engine (DuckDB, Splink) loads when a screening runs, not with every Django start
    from jiuzhu.app.clues.findings import screen_and_store
    from jiuzhu.engine import api

    if not warehouse_path().exists():
        return True, "还没有导入任何数据，无需筛查 / nothing imported yet", {}
    api.link(incremental=True)  # kept when no record changed (docs/scale.md "Incremental runs")
    result, run = screen_and_store(None, started_by=job.submitted_by or "worker", incremental=True)
    summary = {"run_id": run.pk, "clues": sum(run.counts.values()), "created": run.created, "updated": run.updated,
               "lapsed": run.lapsed}
    return True, (f"筛查完成：共 {summary['clues']} 条线索，新增 {run.created}，更新 {run.updated}，"
                  f"事实消失 {run.lapsed}"), summary
