"""A referral (线索移送): a clue or a case need sent to a partner unit — or a unit's clue sent to the
procuratorate — and the structured result that comes back."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.utils import timezone

from jiuzhu.app.config import dates
from jiuzhu.app.config.models import HelpKind


class ReferralState(models.TextChoices):
    SENT = "sent", "已发送"
    RECEIVED = "received", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    ANSWERED = "answered", "已反馈"
    RETURNED = "returned", "退回"


# States where the receiving unit still owes something: its receipt while sent, its answer once received.
PENDING_STATES = (ReferralState.SENT, ReferralState.RECEIVED, ReferralState.IN_PROGRESS)
ANSWER_OWED_STATES = (ReferralState.RECEIVED, ReferralState.IN_PROGRESS)


def due_date_q(on_due: Callable[[str], models.Q]) -> models.Q:
    """``Referral.due_date`` in the database: `on_due(field)` applied to the limit the unit works against
    now — the receipt limit while sent, the answer limit once received."""
    return (models.Q(state=ReferralState.SENT) & on_due("receipt_due")) | (
        models.Q(state__in=ANSWER_OWED_STATES) & on_due("answer_due"))


class ResultCode(models.TextChoices):
    ENROLLED_DIBAO = "enrolled_dibao", "已纳入低保"
    ENROLLED_TEKUN = "enrolled_tekun", "已纳入特困供养"
    TEMP_RELIEF_GRANTED = "temp_relief_granted", "已给予临时救助"
    CHILD_RECOGNISED = "child_recognised", "已认定为事实无人抚养儿童"
    SUBSIDY_GRANTED = "subsidy_granted", "已发放补贴"
    SERVICE_PROVIDED = "service_provided", "已提供帮扶"
    JUDICIAL_AID_ACCEPTED = "judicial_aid_accepted", "已受理司法救助"
    NOT_ELIGIBLE = "not_eligible", "不符合条件"
    OTHER = "other", "其他"


# Results that deliver nothing; they need a reason.
NEGATIVE_RESULTS = (ResultCode.NOT_ELIGIBLE, ResultCode.OTHER)


class ReferralQuerySet(models.QuerySet):
    def pending(self) -> ReferralQuerySet:
        return self.filter(state__in=PENDING_STATES)

    def overdue(self, today) -> ReferralQuerySet:
        """Past a limit today: not signed after the receipt limit, or not answered after the answer limit."""
        return self.filter(due_date_q(lambda field: models.Q(**{f"{field}__lt": today})))


class Referral(models.Model):
    number = models.CharField("文号", max_length=40, unique=True)
    from_unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="referrals_sent",
                                  verbose_name="移送单位")
    to_unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="referrals_received",
                                verbose_name="接收单位")
    kind = models.CharField("事项", max_length=30, choices=HelpKind.choices)
    case = models.ForeignKey("casework.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="referrals", verbose_name="案件")
    clue = models.ForeignKey("clues.Clue", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="referrals", verbose_name="线索")
    person_name = models.CharField("救助对象", max_length=64)
    person_id_number = models.CharField("身份证号", max_length=18, blank=True)
    facts = models.TextField("基本情况")
    request = models.TextField("移送事项及建议", blank=True)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="referrals_sent", verbose_name="移送人")
    state = models.CharField("状态", max_length=16, choices=ReferralState.choices, default=ReferralState.SENT,
                             db_index=True)
    sent_at = models.DateTimeField("发送时间", default=timezone.now)
    receipt_due = models.DateField("签收期限")
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="签收人")
    answer_due = models.DateField("反馈期限", null=True, blank=True)
    started_at = models.DateTimeField("开始办理时间", null=True, blank=True)
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="反馈人")
    result = models.CharField("办理结果", max_length=30, choices=ResultCode.choices, blank=True)
    monthly_amount_fen = models.BigIntegerField("月保障金额（分）", null=True, blank=True)
    once_amount_fen = models.BigIntegerField("一次性金额（分）", null=True, blank=True)
    effective_date = models.DateField("起始日期", null=True, blank=True)
    result_note = models.TextField("结果说明", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    receipt_overdue_at = models.DateTimeField("签收超期标记时间", null=True, blank=True)
    answer_overdue_at = models.DateTimeField("反馈超期标记时间", null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "线索移送"
        verbose_name_plural = "线索移送"
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["to_unit", "state"]), models.Index(fields=["from_unit", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def letter_title(self) -> str:
        """Clues go out as 线索移送函; a need found in a case as 社会救助建议函."""
        return "社会救助建议函" if self.case_id else "线索移送函"

    def due_date(self):
        """The limit the unit is working against now (None when nothing is owed)."""
        if self.state == ReferralState.SENT:
            return self.receipt_due
        if self.state in ANSWER_OWED_STATES:
            return self.answer_due
        return None

    def is_overdue(self, today=None) -> bool:
        due = self.due_date()
        return due is not None and due < (today or dates.today())

    def was_overdue(self, as_of) -> bool:
        """Past a limit at any time up to `as_of` — signed, answered or returned late, or still owing after
        its due date — whether or not the daily check ran (for reports)."""
        if self.receipt_overdue_at or self.answer_overdue_at:
            return True

        def day(moment):
            return timezone.localdate(moment) if moment else None

        receipt_end = day(self.received_at) or day(self.returned_at) or as_of
        if min(receipt_end, as_of) > self.receipt_due:
            return True
        if self.answer_due is None:
            return False
        answer_end = day(self.answered_at) or day(self.returned_at) or as_of
        return min(answer_end, as_of) > self.answer_due
