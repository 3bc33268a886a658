"""The configuration models. Their tables keep the names of the apps that first had them (casework_timelimit,
casework_wagerate, referrals_responsibilitylist): the move changed Django's state, not the database."""

from jiuzhu.app.config.models.kinds import DEFAULT_KINDS, HelpKind
from jiuzhu.app.config.models.limits import PLACEHOLDER_SOURCE, TimeLimit, WageRate
from jiuzhu.app.config.models.responsibility import (
    ANSWER_LIMIT,
    ANSWER_LIMIT_RURAL,
    PLAN_ITEM_LIMIT,
    RECEIPT_LIMIT,
    ResponsibilityList,
)

__all__ = [
    "ANSWER_LIMIT", "ANSWER_LIMIT_RURAL", "DEFAULT_KINDS", "PLACEHOLDER_SOURCE", "PLAN_ITEM_LIMIT", "RECEIPT_LIMIT",
    "HelpKind", "ResponsibilityList", "TimeLimit", "WageRate",
]
