"""Each generated .docx opens with python-docx and carries the right names, amounts and 大写."""

from __future__ import annotations

import io

import pytest
from docx import Document

from jiuzhu.app.casework import documents
from jiuzhu.app.casework.documents.layout import text_of
from tests.fixtures.cases import report_fields

pytestmark = pytest.mark.django_db


def _text(slug: str, case) -> str:
    data = documents.DOCUMENTS[slug][1].render(case)
    Document(io.BytesIO(data))  # opens
    return text_of(data)


def test_decision_document(case_at):
    case = case_at("granted")
    text = _text("decision", case)
    assert "大田县人民检察院" in text and "国家司法救助决定书" in text
    assert "大田检救决〔2025〕1号" in text
    assert "郑小梅" in text
    assert "30,000.00元" in text and "人民币叁万元整" in text
    assert "2025年9月26日" in text


def test_refusal_document_names_the_reason(case_at):
    case = case_at("granted", report=report_fields(proposal="refuse", refusal_reason="waived"))
    text = _text("refusal", case)
    assert "不予救助通知书" in text and "大田检救不〔2025〕1号" in text
    assert "郑小梅主动放弃民事赔偿请求或拒绝加害人赔偿" in text
    assert [s for s, _ in documents.available(case)] == ["review-report", "approval-form", "refusal"]


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
    assert [s for s, _ in documents.available(case)] == ["review-report", "approval-form", "decision",
                                                          "payment-form"]
