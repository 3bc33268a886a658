"""Retention (PIPL: personal information kept no longer than needed) and `jiuzhu purge`.

How long each kind is kept is set in `JIUZHU_HOME/retention.toml` (docs/retention.md):

    [retention]            # days
    superseded_snapshots = 365   # after a newer snapshot of the same registry arrived
    uploaded_files = 90          # raw uploaded files, after their import finished
    lapsed_clues = 180           # clues whose facts lapsed and that nobody took up
    closed_cases = 10950         # 30 years after 结案 (司法救助案件 archive: 长期)

A purge plans first (what is past retention on `today`) and deletes only with `apply`; every
deletion is audited with counts per kind, never names or ID numbers.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q

from jiuzhu.app.accounts.audit import record
from jiuzhu.app.casework.models import Case, CaseState, Payment
from jiuzhu.app.clues.models import Clue, ClueState
from jiuzhu.app.referrals.models import Referral, RegistryUpload
from jiuzhu.cli.errors import CommandError
from jiuzhu.engine.api import person_keys_in_warehouse, purge_person_records, purge_superseded, superseded_batches
from jiuzhu.engine.home import jiuzhu_home
from jiuzhu.engine.identity.idcard import parse_id

DEFAULT_DAYS = {"superseded_snapshots": 365, "uploaded_files": 90, "lapsed_clues": 180, "closed_cases": 30 * 365}
KIND_NAMES = {"superseded_snapshots": "被新名单替换的旧名单", "uploaded_files": "上传的原始文件",
              "lapsed_clues": "事实消失且无人处理的线索", "closed_cases": "已结案案件"}
SHANGHAI = ZoneInfo("Asia/Shanghai")


def retention_days(home: Path | None = None) -> dict[str, int]:
    path = (home or jiuzhu_home()) / "retention.toml"
    days = dict(DEFAULT_DAYS)
    if not path.exists():
        return days
    try:
        given = tomllib.loads(path.read_text(encoding="utf-8")).get("retention", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise CommandError(f"retention.toml 格式不对：{err}", f"retention.toml is not valid TOML: {err}") from None
    for kind, value in given.items():
        if kind not in DEFAULT_DAYS:
            raise CommandError(f"retention.toml 里有未知的类别：{kind}（可用：{'、'.join(DEFAULT_DAYS)}）",
                               f"unknown kind in retention.toml: {kind}")
        if not isinstance(value, int) or value < 1:
            raise CommandError(
                f"retention.toml：{kind} 应为正整数天数", f"retention.toml: {kind} must be a positive number of days"
            )
        days[kind] = value
    return days


@dataclass
class PurgePlan:
    today: date
    days: dict[str, int]
    batches: list[str] = field(default_factory=list)
    uploads: list[int] = field(default_factory=list)  # RegistryUpload ids whose file goes
    clues: list[int] = field(default_factory=list)
    cases: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"superseded_snapshots": len(self.batches), "uploaded_files": len(self.uploads),
                "lapsed_clues": len(self.clues), "closed_cases": len(self.cases)}


def _cutoff(today: date, days: int) -> datetime:
    return datetime.combine(today - timedelta(days=days), time.min, SHANGHAI)


def plan(today: date) -> PurgePlan:
    """What is past its retention on `today` (needs Django)."""
    days = retention_days()
    out = PurgePlan(today, days)
    out.batches = superseded_batches(_cutoff(today, days["superseded_snapshots"]).replace(tzinfo=None))
    finished = RegistryUpload.objects.filter(finished_at__lt=_cutoff(today, days["uploaded_files"])).order_by("id")
    out.uploads = [u.pk for u in finished if Path(u.path).exists()]
    out.clues = list(Clue.objects.filter(
        state=ClueState.LAPSED, lapsed_at__lt=_cutoff(today, days["lapsed_clues"]), case__isnull=True,
    ).order_by("id").values_list("id", flat=True))
    out.cases = list(Case.objects.filter(
        state__in=(CaseState.CLOSED, CaseState.REFUSED),
        closed_on__lt=today - timedelta(days=days["closed_cases"])).order_by("id").values_list("id", flat=True))
    return out


def apply(p: PurgePlan) -> dict[str, dict]:
    """Delete what the plan names; audited with counts only. Each store in its own transaction."""
    done: dict[str, dict] = {}
    if p.batches:
        done["superseded_snapshots"] = purge_superseded(p.batches)
        reports = jiuzhu_home() / "reports"
        for batch_id in p.batches:
            for report in reports.glob(f"{batch_id}-rejections.*"):
                report.unlink()
    if p.uploads:
        files = 0
        for upload in RegistryUpload.objects.filter(pk__in=p.uploads):
            folder = Path(upload.path).parent
            Path(upload.path).unlink(missing_ok=True)
            files += 1
            if folder.parent == jiuzhu_home() / "uploads" / "registry" and not any(folder.iterdir()):
                shutil.rmtree(folder)
        done["uploaded_files"] = {"files": files}
    with transaction.atomic():
        if p.clues:
            done["lapsed_clues"] = {"clues": Clue.objects.filter(pk__in=p.clues, case__isnull=True).delete()[0]}
        if p.cases:
            cases = Case.objects.filter(pk__in=p.cases)
            # Payment and referrals PROTECT a case from a stray delete; past the archive period they go with it.
            Payment.objects.filter(case__in=cases).delete()
            Referral.objects.filter(case__in=cases).delete()
            clue_ids = list(cases.exclude(clue=None).values_list("clue_id", flat=True))
            done["closed_cases"] = {"cases": cases.delete()[1].get("casework.Case", 0)}
            Clue.objects.filter(pk__in=clue_ids).delete()
        record(None, "delete", object_type="jiuzhu.purge",
               detail={"today": p.today.isoformat(), "retention_days": p.days, "counts": p.counts(), "done": done})
    return done


def purge_person(id_number: str, reference: str, *, apply_now: bool) -> dict:
    """A person's data removed on a documented legal request (docs/retention.md): their records in the
    warehouse and their clues nobody took up. Cases (and the clues they came from) are kept: the case
    file is an archive record. Returns counts; audited with counts and the request's reference only."""
    parsed = parse_id(id_number)
    if parsed.status != "valid" or parsed.number is None:
        raise CommandError(f"身份证号无效：{parsed.reason or '为空'}", "not a valid ID number")
    id_number = parsed.number
    keys = person_keys_in_warehouse(id_number)
    mine = Q(person_id_number=id_number) | Q(person_key__in=keys)
    clues = Clue.objects.filter(mine, case__isnull=True)
    counts = {"clues": clues.count(), "cases_kept": Case.objects.filter(mine).count()}
    if not apply_now:
        return counts
    counts.update(purge_person_records(id_number))
    with transaction.atomic():
        clues.delete()
        record(None, "delete", object_type="jiuzhu.purge.person", detail={"reference": reference, "counts": counts})
    return counts
