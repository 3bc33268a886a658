"""The jobs table and the worker: claim order, the import limit, coalesced screening, interrupted jobs."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from jiuzhu.app.jobs.models import Job, JobKind, JobState
from jiuzhu.app.jobs.queue import INTERRUPTED, claim, recover_interrupted, submit, submit_screen, work
from jiuzhu.app.referrals.models import RegistryUpload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_home(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_at_most_the_configured_imports_run_at_once(settings):
    settings.JIUZHU_IMPORTS_AT_ONCE = 1
    first, second = submit(JobKind.IMPORT, {}), submit(JobKind.IMPORT, {})
    screen = submit(JobKind.SCREEN, {})
    assert claim().pk == first.pk
    assert claim().pk == screen.pk  # the second import waits while the first runs
    assert claim() is None
    Job.objects.filter(pk=first.pk).update(state=JobState.DONE)
    assert claim().pk == second.pk


def test_screening_is_coalesced_while_queued():
    a = submit_screen(reason="upload 1")
    assert submit_screen(reason="upload 2").pk == a.pk
    Job.objects.filter(pk=a.pk).update(state=JobState.RUNNING)
    assert submit_screen(reason="upload 3").pk != a.pk
    assert Job.objects.filter(kind=JobKind.SCREEN).count() == 2


def test_a_job_left_running_by_a_killed_worker_fails_on_the_next_start(frank, units):
    job = submit(JobKind.IMPORT, {"upload_id": 0})
    upload = RegistryUpload.objects.create(unit=units["civil_affairs"], uploaded_by=frank, file_name="低保.xlsx",
                                           path="/nowhere", state="running", job=job)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, worker=f"{socket.gethostname()}:{_dead_pid()}")
    alive = submit(JobKind.SCREEN, {})  # another worker's job, still running: left alone
    Job.objects.filter(pk=alive.pk).update(state=JobState.RUNNING, worker=f"{socket.gethostname()}:1")
    [found] = recover_interrupted()
    job.refresh_from_db()
    upload.refresh_from_db()
    assert (found.pk, job.state, job.message) == (job.pk, "failed", INTERRUPTED)
    assert job.message.startswith("任务中断")
    assert (upload.state, upload.progress) == ("failed", INTERRUPTED)
    alive.refresh_from_db()
    assert alive.state == "running"


def test_worker_once_drains_the_queue_and_records_failures():
    submit("nonsense", {})
    ok = submit_screen()
    assert work(once=True) == 2
    kinds = dict(Job.objects.values_list("kind", "state"))
    assert kinds == {"nonsense": "failed", "screen": "done"}
    ok.refresh_from_db()
    assert ok.message.startswith("还没有导入任何数据")


def test_jiuzhu_worker_once_runs_the_queue(capsys):
    from jiuzhu.cli.main import main

    submit_screen()
    assert main(["worker", "--once"]) == 0
    assert "已完成 1 个后台任务" in capsys.readouterr().out
    assert Job.objects.get().state == JobState.DONE


def test_the_worker_logs_each_job_by_id_and_kind_only(caplog):
    import logging

    assert logging.getLogger("jiuzhu.app.jobs.queue").isEnabledFor(logging.INFO)  # settings.LOGGING keeps them
    job = submit(JobKind.IMPORT, {"upload_id": 0})  # no such upload: the job fails, the worker goes on
    with caplog.at_level("INFO", logger="jiuzhu.app.jobs.queue"):
        assert work(once=True) == 1
    lines = [(r.getMessage(), r.job_id, r.kind) for r in caplog.records if hasattr(r, "job_id")]
    assert lines == [("job started", job.pk, "import"), ("job failed", job.pk, "import")]
    assert hasattr(caplog.records[-1], "duration_ms")
