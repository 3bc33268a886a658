"""What the casework part tells the parts above it, which it does not import."""

from __future__ import annotations

from django.dispatch import Signal

# 核查 concluded 移送 on the clue page (keyword arguments ``user``, ``clue``, ``unit`` and ``reason``), inside
# the conclusion's transaction: the part that sends referrals delivers the clue to the unit and answers
# with a note for the user; a CaseworkError it raises undoes the conclusion
clue_referred = Signal()

# the handler takes a need proposed at a visit into the 救助方案 (keyword arguments ``visit``, ``by``, ``kind``,
# ``due_date``, ``refer`` and ``unit``), inside the routing's transaction: the part that keeps the plan makes
# the plan item, by the 职责清单, and answers with it; a CaseworkError it raises undoes the routing
need_routed = Signal()
