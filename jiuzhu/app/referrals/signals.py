"""A unit added later (in the admin or by seeding) gets its 职责清单 at once, from the defaults."""

from __future__ import annotations

from jiuzhu.app.referrals.seed import ensure_responsibility_list


def unit_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        ensure_responsibility_list(instance)
