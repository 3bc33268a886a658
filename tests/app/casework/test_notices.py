"""Every step that falls to someone tells them, once, with a link to the object; overdue case tasks are
escalated once to the owner and the unit's leader; e-mail goes out after the step commits when mail is set."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from jiuzhu.app.accounts.models import Notification
from jiuzhu.app.casework.models import Task, TaskKind, TimelineEvent
from jiuzhu.app.casework.services import verification
from jiuzhu.app.casework.services.notices import check_overdue_tasks
from jiuzhu.app.referrals.services import flow
from tests.fixtures.cases import make_clue

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def texts(user) -> list[tuple[str, str]]:
    return [(n.text, n.link) for n in Notification.objects.filter(recipient=user).order_by("id")]


def test_clue_assigned_tells_the_handler_with_a_link(people):
    clue = make_clue()
    verification.assign(clue, people["alice"], by=people["bob"], on=date(2025, 9, 26))
    assert texts(people["alice"]) == [
        (f"线索{clue.pk}（被害人因案致贫）已分派给您核查，核查期限2025-10-10", reverse("clues:detail", args=[clue.pk]))]
    assert texts(people["bob"]) == []


def test_accepted_case_tells_its_handler(new_case, people):
    link = reverse("casework:case_detail", args=[new_case.pk])
    assert (f"案件{new_case.number}审查并提交审批，期限2025-10-16", link) in texts(people["alice"])


def test_approval_needed_and_finished(case_at, people):
    case = case_at("approving")
    link = reverse("casework:case_detail", args=[case.pk])
    assert texts(people["bob"]) == [(f"案件{case.number}待您审批（部门负责人审核），期限2025-10-16", link)]
    assert texts(people["carol"]) == []  # not yet her level
    from jiuzhu.app.casework.services import approval

    approval.decide_level(case, by=people["bob"], agreed=True, opinion="同意")
    approval.decide_level(case, by=people["carol"], agreed=True, opinion="同意")
    assert texts(people["carol"]) == [(f"案件{case.number}待您审批（分管副检察长审批），期限2025-10-16", link)]
    due = case.tasks.get(kind=TaskKind.DECIDE).due_on  # counted from the approval's real date
    assert (f"案件{case.number}审批完成，各级同意，请于{due:%Y-%m-%d}前制作并送达决定文书", link) in texts(
        people["alice"]
    )
    assert texts(people["dave"]) == []  # 三万元: the 检察长 level is not in the chain


def test_approval_refused_tells_the_handler(case_at, people):
    from jiuzhu.app.casework.services import approval

    case = case_at("approving")
    approval.decide_level(case, by=people["bob"], agreed=False, opinion="补充家庭收入证明")
    assert texts(people["alice"])[-1][0] == f"案件{case.number}按审批意见补充后重新提交，期限2025-10-16"


def test_funds_requested_and_arrived(case_at, people):
    from jiuzhu.app.casework.services import payment

    case = case_at("granted")
    assert texts(people["erin"])[-1][0] == f"案件{case.number}已决定救助，请于2025-10-10前申请救助资金"
    payment.request_funds(case, by=people["erin"], on=date(2025, 9, 29))
    payment.record_received(case, by=people["erin"], on=date(2025, 10, 9))
    assert (f"案件{case.number}救助资金已到账，请于2025-10-11前通知申请人领取",
            reverse("casework:case_detail", args=[case.pk])) in texts(people["alice"])
    assert case.tasks.get(kind=TaskKind.PAY).due_on == date(2025, 10, 15)
    assert (f"案件{case.number}救助资金已到账，请于2025-10-15前发放",
            reverse("casework:case_detail", args=[case.pk])) in texts(people["erin"])


def test_every_referral_step_tells_the_other_side(people, units):
    frank, alice = people["frank"], people["alice"]
    ref = flow.send(alice, to_unit=units["civil_affairs"], kind="dibao", person_name="卢某某", facts="困难")
    link = reverse("referrals:detail", args=[ref.pk])
    assert texts(frank) == [(f"新移送：{ref.number}（低保），请于{ref.receipt_due:%Y-%m-%d}前签收", link)]
    flow.sign(frank, ref)
    flow.start(frank, ref)
    ref.refresh_from_db()
    flow.answer(frank, ref, result="not_eligible", note="家庭收入超过标准")
    assert [t for t, _ in texts(alice)] == [
        f"民政局已签收移送{ref.number}，反馈期限{ref.answer_due:%Y-%m-%d}",
        f"民政局已开始办理移送{ref.number}",
        f"民政局已反馈移送{ref.number}：不符合条件",
    ]
    assert {lk for _, lk in texts(alice)} == {link}


def test_overdue_case_task_escalates_once_to_owner_and_leader(new_case, people):
    # review due Thu 16 Oct 2025; on the due day nothing, the day after: alice and her 部门负责人 bob
    assert check_overdue_tasks(date(2025, 10, 16)) == []
    now = datetime(2025, 10, 17, 8, tzinfo=SHANGHAI)
    flags = check_overdue_tasks(date(2025, 10, 17), now=now)
    assert [(f.kind, f.due, f.notified) for f in flags] == [(TaskKind.REVIEW, date(2025, 10, 16), 2)]
    task = Task.objects.get(pk=flags[0].task_id)
    assert task.overdue_at == now
    told = Notification.objects.filter(key=f"task-overdue-{task.pk}").order_by("recipient__username")
    assert [(n.recipient.username, n.text) for n in told] == [
        ("alice", f"案件{new_case.number}“审查并提交审批”已超期，期限为2025-10-16"),
        ("bob", f"案件{new_case.number}“审查并提交审批”已超期，期限为2025-10-16"),
    ]
    assert told[0].link == reverse("casework:case_detail", args=[new_case.pk])
    assert check_overdue_tasks(date(2025, 10, 17)) == []
    assert check_overdue_tasks(date(2025, 10, 20)) == []
    assert Notification.objects.filter(key__startswith="task-overdue").count() == 2
    assert TimelineEvent.objects.filter(case=new_case, kind="task_overdue").count() == 1


def test_overdue_clue_verification_and_role_task(people):
    clue = make_clue()
    verification.assign(clue, people["alice"], by=people["bob"], on=date(2025, 9, 26))  # due Fri 10 Oct
    flags = check_overdue_tasks(date(2025, 10, 11))
    assert [(f.what, f.notified) for f in flags] == [(f"线索{clue.pk}（被害人因案致贫）", 2)]
    assert sorted(Notification.objects.filter(key__startswith="task-overdue").values_list(
        "recipient__username", flat=True)) == ["alice", "bob"]


def test_done_tasks_are_never_overdue(case_at):
    case_at("closed")
    assert [f.kind for f in check_overdue_tasks(date(2026, 6, 1))] == []


def test_cli_check_overdue_reports_case_tasks(new_case, capsys):
    from jiuzhu.cli.main import main

    assert main(["referrals", "check-overdue", "--today", "2025-10-17"]) == 0
    out = capsys.readouterr().out
    assert f"案件{new_case.number}\t审查并提交审批超期（期限 2025-10-16）\t通知 2 人" in out
    assert "新标记超期办案事项 1 项" in out


def test_email_after_commit_when_mail_is_configured(people, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://jiuzhu.example"
    alice = people["alice"]
    alice.email = "alice@jcy.example"
    alice.save()
    clue = make_clue()
    with django_capture_on_commit_callbacks(execute=True):
        verification.assign(clue, alice, by=people["bob"], on=date(2025, 9, 26))
    assert [m.to for m in mail.outbox] == [["alice@jcy.example"]]
    assert mail.outbox[0].subject.startswith(f"救助平台提醒：线索{clue.pk}")
    assert f"https://jiuzhu.example/clues/{clue.pk}/" in mail.outbox[0].body
    assert "郑小梅" not in mail.outbox[0].body  # no names leave by mail
    assert Notification.objects.get(recipient=alice).emailed is True


def test_no_email_without_mail_settings(people, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = ""
    people["alice"].email = "alice@jcy.example"
    people["alice"].save()
    with django_capture_on_commit_callbacks(execute=True):
        verification.assign(make_clue(), people["alice"], by=people["bob"], on=date(2025, 9, 26))
    assert mail.outbox == []


def test_unread_count_in_the_menu(client, people):
    verification.assign(make_clue(), people["alice"], by=people["bob"], on=date(2025, 9, 26))
    client.force_login(people["alice"])
    page = client.get("/").content.decode()
    assert '<span class="badge" id="unread-count" title="未读通知">1</span>' in page
    client.get(reverse("referrals:notifications"))
    assert 'id="unread-count"' not in client.get("/").content.decode()


def test_batch_assignment_tells_the_handler_once(client, people):
    clues = [make_clue(tags=[]) for _ in range(3)]
    client.force_login(people["bob"])
    client.post("/clues/assign/", {"clue": [c.pk for c in clues], "handler": people["alice"].profile.pk})
    told = Notification.objects.filter(recipient=people["alice"])
    assert [(n.text, n.link) for n in told] == [
        (f"3条线索已分派给您核查，最早核查期限{told[0].text[-10:]}", reverse("clues:queue"))]
    # one clue alone is told as usual
    verification.assign(make_clue(tags=[]), people["carol"], by=people["bob"], on=date(2025, 9, 26))
    assert Notification.objects.filter(recipient=people["carol"]).get().text.endswith("核查期限2025-10-10")
