"""Each generated .docx opens with python-docx and carries the right names, amounts and 大写."""

from __future__ import annotations

import io

import pytest
from docx import Document

from jiuzhu.app.casework.documents import catalogue
from jiuzhu.app.casework.documents.layout import text_of
from tests.fixtures.cases import report_fields

pytestmark = pytest.mark.django_db


def _text(slug: str, case) -> str:
    data = catalogue.DOCUMENTS[slug][1].render(case)
    Document(io.BytesIO(data))  # opens
    return text_of(data)


def test_decision_document(case_at):
    case = case_at("granted")
    text = _text("decision", case)
    assert "大田县人民检察院" in text and "国家司法救助决定书" in text
    assert "大田检救决〔2025〕1号" in text
    # found by screening: nobody "提出…申请"; one pair of brackets round the category's item; capitals once
    assert ("本院在履行职责中通过数据筛查发现郑小梅可能符合国家司法救助条件，于2025年9月26日依职权受理"
            "（大田检救〔2025〕1号），现已审查完毕。经审查，郑小梅属于《人民检察院开展国家司法救助工作细则》"
            "第七条第（一）项规定的救助对象，即被害人受犯罪侵害致重伤或严重残疾，不能获得赔偿，生活困难。") in text
    assert "本院决定给予郑小梅国家司法救助金30,000.00元（人民币叁万元整）。" in text
    assert "提出" not in text and "（（" not in text and "大写" not in text
    assert text.count("叁万元整") == 1


def test_decision_for_an_application_and_a_hand_clue(people):
    from datetime import date

    from jiuzhu.app.casework.documents.layout import how_received
    from jiuzhu.app.casework.services.acceptance import accept_case

    def opening(origin):
        case = accept_case(by=people["alice"], handler=people["alice"], person_name="林某", category="property_loss",
                           origin=origin, on=date(2025, 9, 26))
        return how_received(case)

    assert opening("application") == "你于2025年9月26日提出的国家司法救助申请（大田检救〔2025〕1号），本院已审查完毕。"
    assert opening("hand_clue") == ("本院根据移送、信访等途径反映的线索，于2025年9月26日受理林某国家司法救助一案"
                                    "（大田检救〔2025〕2号），现已审查完毕。")


def test_refusal_document_names_the_reason(case_at):
    case = case_at("granted", report=report_fields(proposal="refuse", refusal_reason="waived"))
    text = _text("refusal", case)
    assert "不予救助通知书" in text and "大田检救不〔2025〕1号" in text
    assert "郑小梅主动放弃民事赔偿请求或拒绝加害人赔偿" in text
    assert [s for s, _ in catalogue.available(case)] == ["review-report", "approval-form", "refusal"]


def test_review_report_shows_loss_cap_and_proposal(case_at, people, units):
    from datetime import date

    from jiuzhu.app.casework.services import review

    case = case_at("reviewing")
    review.add_meeting(case, by=people["alice"], held_on=date(2025, 9, 29), units=[units["civil_affairs"]],
                       minutes="民政局同意纳入低保")
    case = case_at("approving")
    text = _text("review-report", case)
    assert "国家司法救助审查报告" in text and "郑小梅" in text
    assert "300,000.00元（人民币叁拾万元整）" in text  # loss
    assert "220,000.00元（人民币贰拾贰万元整）" in text  # judged
    assert "7,800.00元" in text and "280,800.00元（人民币贰拾捌万零捌佰元整）" in text  # wage and cap
    assert "（初始示例数据，待按统计公报核实）" in text  # the seeded wage is marked until replaced
    assert "建议给予国家司法救助金30,000.00元（人民币叁万元整）" in text
    assert "参加单位：民政局" in text


def test_approval_form_lists_each_level_with_approver(case_at):
    case = case_at("granted")
    text = _text("approval-form", case)
    assert "国家司法救助审批表" in text
    assert "部门负责人审核" in text and "鲍主任" in text
    assert "分管副检察长审批" in text and "蔡副检察长" in text
    assert "建议救助30,000.00元（人民币叁万元整）" in text


def test_payment_form_in_figures_and_capitals(case_at):
    case = case_at("paid", report=report_fields(amount_fen=2_500_050))
    text = _text("payment-form", case)
    assert "国家司法救助金发放表" in text
    assert "25,000.50元" in text and "人民币贰万伍仟元伍角" in text
    assert "2025年10月10日" in text and "银行转账" in text and "NO.0001" in text
    assert [s for s, _ in catalogue.available(case)] == ["review-report", "approval-form", "decision",
                                                          "payment-form"]


def test_published_wage_is_not_marked(case_at):
    from jiuzhu.app.config.models import WageRate

    WageRate.objects.filter(year=2024).update(source="三明市统计局2024年统计公报")
    text = _text("review-report", case_at("approving"))
    assert "初始示例数据" not in text


def test_case_page_names_each_approval_level_and_marks_the_placeholder_wage(client, case_at, people):
    case = case_at("approved")
    client.force_login(people["alice"])
    page = client.get(f"/casework/{case.pk}/").content.decode()
    assert "<td>部门负责人审核</td>" in page and "<td>分管副检察长审批</td>" in page
    assert "<td>审批</td>" not in page
    assert "（初始示例数据，待按统计公报核实）" in page


def test_admin_lists_which_wages_are_placeholders(client, db):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile, Unit
    from jiuzhu.app.accounts.seed import seed_units

    seed_units()  # the admin lets in the data administrator only (accounts/admin_policy.py), not a superuser
    admin_user = get_user_model().objects.create_user("ivan", password="correct-horse-9", is_staff=True)
    Profile.objects.create(user=admin_user, unit=Unit.objects.get(code="procuratorate"), role="data_admin",
                           display_name="伊管理员")
    client.force_login(admin_user)
    page = client.get("/admin/config/wagerate/").content.decode()
    assert "示例数据（待核实）" in page and 'alt="True"' in page
