from jiuzhu.app.referrals.models.meeting import DecisionState, MeetingDecision, RegularMeeting
from jiuzhu.app.referrals.models.plan import OPEN_PLAN_STATES, PlanItem, PlanItemState
from jiuzhu.app.referrals.models.referral import (
    NEGATIVE_RESULTS,
    PENDING_STATES,
    Referral,
    ReferralState,
    ResultCode,
    due_date_q,
)
from jiuzhu.app.referrals.models.upload import RegistryUpload, UploadState

__all__ = [
    "due_date_q",
    "NEGATIVE_RESULTS",
    "OPEN_PLAN_STATES",
    "PENDING_STATES",
    "DecisionState",
    "MeetingDecision",
    "PlanItem",
    "PlanItemState",
    "Referral",
    "ReferralState",
    "RegistryUpload",
    "RegularMeeting",
    "ResultCode",
    "UploadState",
]
