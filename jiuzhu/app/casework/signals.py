"""What the casework part tells the parts above it, which it does not import."""

from __future__ import annotations

from django.dispatch import Signal

# 核查 concluded 移送 on the clue page (keyword arguments ``user``, ``clue``, ``unit`` and ``reason``), inside
# the conclusion's transaction: the part that sends referrals delivers the clue to the unit and answers
# with a note for the user; a CaseworkError it raises undoes the conclusion
clue_referred = Signal()
