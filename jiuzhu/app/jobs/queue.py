"""The job queue: submit, claim, run, recover. `jiuzhu worker` drives it (healthchecks' `sendalerts` style:
a process that polls the table; no broker).

- At most ``JIUZHU_IMPORTS_AT_ONCE`` imports run at once over all workers (claims are serialised: an
  advisory lock on PostgreSQL, SQLite's IMMEDIATE transactions).
- A screening job is coalesced: while one is queued, submitting another returns it.
- A job left ``running`` by a worker that is gone (killed, machine restarted) is failed with a Chinese
  message the next time a worker starts, never left running for ever.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from jiuzhu.app.jobs.models import Job, JobKind, JobState

log = logging.getLogger(__name__)

INTERRUPTED = (
    "任务中断：后台程序在执行中停止（被终止或重启），请重新提交 / interrupted: the worker stopped while running it"
)
CRASHED = "任务出错，请联系数据管理员 / the job failed unexpectedly"
_CLAIM_LOCK = 746_553_001  # pg_advisory_xact_lock key of the claim

# kind → handler(job) -> (ok, message, result); the apps that own the work register theirs when Django
# starts (their AppConfig.ready): the queue knows no kind's code
Handler = Callable[[Job], tuple[bool, str, dict]]
_HANDLERS: dict[str, Handler] = {}
# kind → called with a job found interrupted, so its owner can mark its own rows
_ON_INTERRUPTED: dict[str, Callable[[Job], None]] = {}


def handles(kind: str, *, on_interrupted: Callable[[Job], None] | None = None) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        if on_interrupted:
            _ON_INTERRUPTED[kind] = on_interrupted
        return fn
    return register


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def max_imports() -> int:
    return max(1, int(getattr(settings, "JIUZHU_IMPORTS_AT_ONCE", 1)))


def submit(kind: str, payload: dict | None = None, *, submitted_by: str = "") -> Job:
    return Job.objects.create(kind=kind, payload=payload or {}, submitted_by=submitted_by)


def submit_screen(*, submitted_by: str = "system", reason: str = "") -> Job:
    """One screening after whatever changed the registries; a queued one is reused (coalesced)."""
    with transaction.atomic():
        queued = Job.objects.filter(kind=JobKind.SCREEN, state=JobState.QUEUED).order_by("id").first()
        if queued is not None:
            return queued
        return submit(JobKind.SCREEN, {"reason": reason}, submitted_by=submitted_by)


def claim() -> Job | None:
    """The oldest queued job this worker may start (imports only while fewer than the limit run), now running."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CLAIM_LOCK])
        queued = Job.objects.filter(state=JobState.QUEUED).order_by("id")
        if Job.objects.filter(kind=JobKind.IMPORT, state=JobState.RUNNING).count() >= max_imports():
            queued = queued.exclude(kind=JobKind.IMPORT)
        job = queued.first()
        if job is None:
            return None
        job.state, job.worker, job.started_at = JobState.RUNNING, worker_id(), timezone.now()
        job.save(update_fields=["state", "worker", "started_at"])
        return job


def run(job: Job) -> Job:
    """Run a claimed job to its end; never raises (a failure is recorded on the job)."""
    handler = _HANDLERS.get(job.kind)
    started = time.monotonic()
    # one line when a job starts and one when it ends: the operator can follow the worker in the log (ids and
    # kinds only: a job's message may quote a file's cells)
    log.info("job started", extra={"job_id": job.pk, "kind": job.kind})
    try:
        if handler is None:
            ok, message, result = False, f"未知的任务类型：{job.kind} / unknown job kind", {}
        else:
            ok, message, result = handler(job)
    except Exception as err:  # keep the worker alive; the trace names no personal data (ids only)
        log.exception("job %s (%s) failed: %s", job.pk, job.kind, type(err).__name__)
        ok, message, result = False, CRASHED, {}
    job.state = JobState.DONE if ok else JobState.FAILED
    job.message, job.result, job.finished_at = message[:500], result, timezone.now()
    job.save(update_fields=["state", "message", "result", "finished_at"])
    log.info("job %s", job.state, extra={"job_id": job.pk, "kind": job.kind,
                                         "duration_ms": round((time.monotonic() - started) * 1000, 1)})
    return job


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, not ours to signal
    return True


def recover_interrupted() -> list[Job]:
    """Fail the jobs a dead worker on this machine left running (its process is gone)."""
    host = socket.gethostname()
    found = []
    for job in Job.objects.filter(state=JobState.RUNNING):
        who_host, _, pid = job.worker.rpartition(":")
        if who_host != host or (pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid()):
            continue
        job.state, job.message, job.finished_at = JobState.FAILED, INTERRUPTED, timezone.now()
        job.save(update_fields=["state", "message", "finished_at"])
        hook = _ON_INTERRUPTED.get(job.kind)
        if hook:
            hook(job)
        found.append(job)
    return found


def _fresh_connections() -> None:
    """Drop broken or old database connections between jobs (not inside a transaction: a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def work(*, once: bool = False, poll: float = 2.0, should_stop: Callable[[], bool] = lambda: False) -> int:
    """The worker loop: recover, then claim and run jobs; with ``once`` until the queue is empty.
    Returns the number of jobs run."""
    recover_interrupted()
    done = 0
    while not should_stop():
        job = claim()
        if job is None:
            if once:
                break
            _fresh_connections()
            time.sleep(poll)
            continue
        run(job)
        done += 1
        _fresh_connections()
    return done
