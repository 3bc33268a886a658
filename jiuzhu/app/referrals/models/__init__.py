from jiuzhu.app.referrals.models.kinds import DEFAULT_KINDS, HelpKind
from jiuzhu.app.referrals.models.meeting import DecisionState, MeetingDecision, RegularMeeting
from jiuzhu.app.referrals.models.notification import Notification
from jiuzhu.app.referrals.models.plan import OPEN_PLAN_STATES, PlanItem, PlanItemState
from jiuzhu.app.referrals.models.referral import (
    NEGATIVE_RESULTS,
    PENDING_STATES,
    Referral,
    ReferralState,
    ResultCode,
)
from jiuzhu.app.referrals.models.responsibility import (
    ANSWER_LIMIT,
    ANSWER_LIMIT_RURAL,
    RECEIPT_LIMIT,
    ResponsibilityList,
)
from jiuzhu.app.referrals.models.upload import RegistryUpload, UploadState

__all__ = [
    "ANSWER_LIMIT",
    "ANSWER_LIMIT_RURAL",
    "DEFAULT_KINDS",
    "NEGATIVE_RESULTS",
    "OPEN_PLAN_STATES",
    "PENDING_STATES",
    "RECEIPT_LIMIT",
    "DecisionState",
    "HelpKind",
    "MeetingDecision",
    "Notification",
    "PlanItem",
    "PlanItemState",
    "Referral",
    "ReferralState",
    "RegistryUpload",
    "RegularMeeting",
    "ResponsibilityList",
    "ResultCode",
    "UploadState",
]
