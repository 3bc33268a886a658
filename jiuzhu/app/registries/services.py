"""Who may send which registry, and the data administrator's changes to batches — audited, then screened again."""

from __future__ import annotations

from django.conf import settings

from jiuzhu.app.accounts import audit
from jiuzhu.app.config.dates import today
from jiuzhu.app.jobs.queue import submit_screen
from jiuzhu.app.registries.models import SourceAgreement
from jiuzhu.app.registries.signals import batch_state_changed
from jiuzhu.engine import api
from jiuzhu.engine.sources import SPECS

MB = 1 << 20


def allowed_sources(unit) -> list[str]:
    """The source types ``unit`` (an accounts.Unit) may send, in the specs' order."""
    agreement = SourceAgreement.objects.filter(unit=unit).first()
    chosen = set(agreement.source_types) if agreement else set(api.sources_of_unit(unit.code))
    return [code for code in SPECS if code in chosen]


def set_sources(who, unit, source_types: list[str]) -> SourceAgreement:
    before = allowed_sources(unit)
    chosen = [code for code in SPECS if code in set(source_types)]
    agreement, _ = SourceAgreement.objects.get_or_create(unit=unit)
    agreement.source_types = chosen
    user = getattr(who, "user", who)
    agreement.updated_by = user.get_username() if user is not None else "cli"
    agreement.save()
    audit.record(who, "update", agreement, detail={"unit": unit.code}, before={"source_types": before},
                 after={"source_types": chosen})
    return agreement


class UploadRefused(Exception):  # noqa: N818 — a user-facing condition
    """``code`` (source_not_allowed | bad_source | bad_date | too_large), ``status`` the HTTP status the API answers."""

    def __init__(self, code: str, status: int, zh: str, en: str) -> None:
        super().__init__(zh)
        self.code, self.status, self.zh, self.en = code, status, zh, en


def max_upload_bytes() -> int:
    return int(getattr(settings, "JIUZHU_UPLOAD_MAX_MB", 100)) * MB


def check_upload(unit, source: str, as_of, *, size: int | None = None, on_behalf: bool = False) -> None:
    """Refuse before anything is stored: a type the unit may not send (``on_behalf``: the data administrator,
    who may import any type for its usual sender), an as-of date in the future, a file over the size limit."""
    if source not in SPECS:
        raise UploadRefused("bad_source", 400, f"没有这种名单类型：{source}", f"unknown source type: {source}")
    if not on_behalf and source not in allowed_sources(unit):
        raise UploadRefused("source_not_allowed", 403,
                            f"{unit.name}不能报送“{SPECS[source].title}”名单（不在本单位的数据共享协议范围内，"
                            f"如有变化请联系数据管理员）",
                            f"{unit.code} may not send {source} (not in its data-sharing agreement)")
    if as_of is not None and as_of > today():
        raise UploadRefused("bad_date", 400, f"数据截止日期{as_of.isoformat()}晚于今天，不能上传未来日期的名单",
                            f"the as-of date {as_of.isoformat()} is in the future")
    if size is not None and size > max_upload_bytes():
        raise UploadRefused("too_large", 413, f"文件超过大小上限（{max_upload_bytes() // MB} MB），请拆分后上传",
                            f"the file is over the size limit ({max_upload_bytes() // MB} MB)")


def _after_change(who, batch_id: str, op: str, before: dict, by: str) -> None:
    audit.record(who, "update", object_type="warehouse.batch", object_id=batch_id,
                 detail={"op": op, "unit": before["unit"], "source": before["source_type"]},
                 before={"state": before["state"]}, after={"state": "imported" if op == "confirm" else "withdrawn"})
    batch_state_changed.send(sender=None, batch_id=batch_id, op=op)
    submit_screen(submitted_by=by, reason=f"{op} {batch_id}")


def confirm(who, batch_id: str, *, by: str) -> dict:
    """A held batch becomes current (``BatchStateError`` when it is not held); audited; screening queued."""
    before = api.confirm_batch(batch_id, by=by)
    _after_change(who, batch_id, "confirm", before, by)
    return before


def withdraw(who, batch_id: str, *, reason: str, by: str) -> dict:
    """A batch is taken back; the snapshot it replaced is current again; audited; screening queued."""
    before = api.withdraw_batch(batch_id, reason=reason, by=by)
    _after_change(who, batch_id, "withdraw", before, by)
    return before
