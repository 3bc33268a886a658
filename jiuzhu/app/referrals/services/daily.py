"""The daily overdue round, one list for `jiuzhu referrals check-overdue` and the checks `jiuzhu serve` runs:
referrals, case and clue tasks, partner units' clue answers, and 定期会商 decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jiuzhu.app.casework.services.notices import check_overdue_tasks
from jiuzhu.app.clues.services import check_clues_overdue
from jiuzhu.app.referrals.services.meetings import check_overdue as meetings_overdue
from jiuzhu.app.referrals.services.overdue import check_overdue


@dataclass(frozen=True)
class DailyChecks:
    referrals: list  # overdue.OverdueFlag
    tasks: list  # casework notices.TaskOverdue
    clues: list  # clues' overdue answers
    meeting_notices: int


def run_daily_checks(today: date | None = None) -> DailyChecks:
    """Each check flags and tells once: running it twice the same day tells nobody twice."""
    return DailyChecks(referrals=check_overdue(today), tasks=check_overdue_tasks(today),
                       clues=check_clues_overdue(today), meeting_notices=meetings_overdue(today))
