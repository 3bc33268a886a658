"""Casework models, one module per concern."""

from jiuzhu.app.casework.models.approval import Approval, ApprovalLevel
from jiuzhu.app.casework.models.case import OPEN_CASE_STATES, Case, CaseState, CaseUnit, Category, Origin
from jiuzhu.app.casework.models.decision import Decision, RefusalReason
from jiuzhu.app.casework.models.followup import FollowUp, NeedState
from jiuzhu.app.casework.models.payment import Method, Payment, PaymentState
from jiuzhu.app.casework.models.review import JointMeeting, Proposal, ReviewReport
from jiuzhu.app.casework.models.task import Task, TaskKind
from jiuzhu.app.casework.models.timeline import TimelineEvent, add_event
from jiuzhu.app.casework.models.verification import Outcome, Verification

__all__ = [
    "OPEN_CASE_STATES", "Approval", "ApprovalLevel", "Case", "CaseState", "CaseUnit", "Category", "Decision",
    "FollowUp", "JointMeeting", "Method", "NeedState", "Origin", "Outcome", "Payment", "PaymentState", "Proposal",
    "RefusalReason", "ReviewReport", "Task", "TaskKind", "TimelineEvent", "Verification",
    "add_event",
]
