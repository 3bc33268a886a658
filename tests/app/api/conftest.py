"""The cooperation fixtures of tests/app/referrals, including its small world of two cases and three referrals."""

from tests.app.ops.conftest import make_home, tiny_county  # noqa: F401,E402 — homes served over loopback
from tests.app.referrals.conftest import case, grace, heidi, make_case, mz_leader, world  # noqa: F401
