"""Overdue detection: flagged once per limit, the sender and the unit leader told once, by e-mail when set up."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from jiuzhu.app.accounts.models import Notification
from jiuzhu.app.casework.models import TimelineEvent
from jiuzhu.app.referrals.models import Referral
from jiuzhu.app.referrals.services import flow
from jiuzhu.app.referrals.services.overdue import check_overdue
from tests.app.referrals.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(alice, units, case):
    # sent Tue 30 Sep 2025; receipt due Sat 11 Oct (a 调休 working day)
    return flow.send(alice, to_unit=units["civil_affairs"], kind="dibao", person_name="卢某某", facts="困难",
                     case=case, now=at(2025, 9, 30))


def test_not_overdue_on_the_due_day(sent):
    assert check_overdue(date(2025, 10, 11)) == []
    assert not Referral.objects.overdue(date(2025, 10, 11)).exists()


def test_receipt_overdue_the_day_after_flags_and_tells_sender_and_leader_once(sent, alice, mz_leader, frank):
    flags = check_overdue(date(2025, 10, 12), now=at(2025, 10, 12, 8))
    assert [(f.number, f.stage, f.due, f.notified) for f in flags] == [
        ("检移〔2025〕1号", "receipt", date(2025, 10, 11), 2)
    ]
    sent.refresh_from_db()
    assert sent.receipt_overdue_at == at(2025, 10, 12, 8)
    told = Notification.objects.filter(key=f"overdue-receipt-{sent.pk}")
    assert sorted(n.recipient.username for n in told) == ["alice", "mzlead"]
    assert told[0].text == "移送检移〔2025〕1号（民政局）签收已超期，期限为2025-10-11"
    assert not Notification.objects.filter(recipient=frank, key__startswith="overdue").exists()
    # again the same day and the next: nothing new
    assert check_overdue(date(2025, 10, 12)) == []
    assert check_overdue(date(2025, 10, 13)) == []
    assert Notification.objects.filter(key__startswith="overdue").count() == 2
    assert TimelineEvent.objects.filter(kind="referral_overdue_receipt").count() == 1


def test_answer_overdue_is_a_second_flag(sent, frank, mz_leader):
    check_overdue(date(2025, 10, 12))
    flow.sign(frank, sent, now=at(2025, 10, 13))  # Mon 13 Oct; 15 working days → Mon 3 Nov
    sent.refresh_from_db()
    assert sent.answer_due == date(2025, 11, 3)
    assert check_overdue(date(2025, 11, 3)) == []
    flags = check_overdue(date(2025, 11, 4))
    assert [(f.stage, f.due) for f in flags] == [("answer", date(2025, 11, 3))]
    assert Notification.objects.filter(key=f"overdue-answer-{sent.pk}").count() == 2


def test_answered_or_returned_referrals_are_never_overdue(sent, frank):
    flow.return_referral(frank, sent, reason="不属本单位")
    assert check_overdue(date(2026, 1, 5)) == []


def test_leader_falls_back_to_unit_leader_role(sent, units):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile

    boss = get_user_model().objects.create_user("boss")
    Profile.objects.create(user=boss, unit=units["civil_affairs"], role="unit_leader", display_name="局长")
    check_overdue(date(2025, 10, 12))
    assert Notification.objects.filter(recipient=boss, key=f"overdue-receipt-{sent.pk}").count() == 1


def test_email_sent_when_mail_is_configured(sent, mz_leader, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        check_overdue(date(2025, 10, 12))
    assert [m.to for m in mail.outbox] == [["lead@mz.example"]]  # alice has no e-mail address
    assert "签收已超期" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=mz_leader).emailed is True


def test_no_email_without_mail_settings(sent, mz_leader, settings):
    settings.EMAIL_HOST = ""
    check_overdue(date(2025, 10, 12))
    assert mail.outbox == []


def test_command_line(sent, mz_leader, capsys):
    from jiuzhu.cli.main import main

    assert main(["referrals", "check-overdue", "--today", "2025-10-12"]) == 0
    out = capsys.readouterr().out
    assert "检移〔2025〕1号\t民政局\t签收超期（期限 2025-10-11）\t通知 2 人" in out
    assert "新标记超期移送 1 件" in out
    assert main(["referrals", "check-overdue", "--today", "2025-10-12"]) == 0
    assert "新标记超期移送 0 件" in capsys.readouterr().out


def test_command_line_bad_date(capsys):
    from jiuzhu.cli.main import main

    assert main(["referrals", "check-overdue", "--today", "12/10/2025"]) == 1
    assert "日期格式不对" in capsys.readouterr().err
