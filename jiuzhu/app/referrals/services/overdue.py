"""Overdue detection: a referral past its receipt or answer limit is flagged once per limit, and its
sender and the receiving unit's leader are told once (in-app, and by e-mail when mail is set up)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiuzhu.app.accounts.notices import notify
from jiuzhu.app.config.duties import leaders_of
from jiuzhu.app.referrals.models import Referral, ReferralState
from jiuzhu.app.referrals.services.timeline import record_event


@dataclass(frozen=True)
class OverdueFlag:
    referral_id: int
    number: str
    to_unit: str
    stage: str  # "receipt" or "answer"
    due: date
    notified: int  # notices written now (0 when everyone had been told before)


def check_overdue(today: date | None = None, *, now: datetime | None = None) -> list[OverdueFlag]:
    """Flag what is newly overdue on `today` (default: today in Asia/Shanghai). Running it again the same
    day, or the next, flags and notifies nothing twice."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    flags = []
    overdue = Referral.objects.overdue(today).select_related("to_unit", "from_unit", "sender", "case")
    for referral in overdue:
        stage = "receipt" if referral.state == ReferralState.SENT else "answer"
        field = f"{stage}_overdue_at"
        with transaction.atomic():
            fresh = Referral.objects.select_for_update().get(pk=referral.pk)
            if getattr(fresh, field) is not None:
                continue
            setattr(fresh, field, now)
            fresh.save(update_fields=[field])
        due = referral.receipt_due if stage == "receipt" else referral.answer_due
        what = "签收" if stage == "receipt" else "反馈"
        text = f"移送{referral.number}（{referral.to_unit.name}）{what}已超期，期限为{due:%Y-%m-%d}"
        notes = notify([referral.sender, *leaders_of(referral.to_unit)], f"overdue-{stage}-{referral.pk}", text,
                       link=reverse("referrals:detail", args=[referral.pk]), referral=referral)
        record_event(referral, f"referral_overdue_{stage}", text, at=now)
        flags.append(OverdueFlag(referral.pk, referral.number, referral.to_unit.name, stage, due, len(notes)))
    return flags
