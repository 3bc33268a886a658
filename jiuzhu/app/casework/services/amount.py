"""The amount rules of workflow.md §2: base wage, the 36-month cap, the proposal."""

from __future__ import annotations

from dataclasses import dataclass

from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.config.models import WageRate
from jiuzhu.engine.region import current_region

CAP_MONTHS = 36
ROUND_TO_FEN = 10_000  # proposals are whole hundreds of yuan


@dataclass(frozen=True)
class Base:
    year: int
    region: str
    wage_fen: int

    @property
    def cap_fen(self) -> int:
        return CAP_MONTHS * self.wage_fen


def base_for(accepted_year: int, region: str | None = None) -> Base:
    """上一年度 wage of the 设区市; the newest earlier year when that year is not entered yet."""
    region = region or current_region().wage_region
    row = (WageRate.objects.filter(region=region, year__lte=accepted_year - 1).order_by("-year").first())
    if row is None:
        raise CaseworkError(f"职工月平均工资表中没有{region}{accepted_year - 1}年或更早的数据，请数据管理员录入")
    return Base(row.year, region, row.monthly_wage_fen)


def placeholder_note(year: int, region: str | None = None) -> str:
    """"（示例数据，待核实）" when the wage of that year is still the seeded placeholder, else ""."""
    region = region or current_region().wage_region
    row = WageRate.objects.filter(region=region, year=year).first()
    return "（初始示例数据，待按统计公报核实）" if row is not None and row.is_placeholder else ""


def need_fen(*, loss_fen: int, judged_compensation_fen: int | None, compensation_received_fen: int) -> int:
    """What the case left unpaid: the judged compensation not received, or without a judgment the
    loss not made good by compensation and other help."""
    basis = judged_compensation_fen if judged_compensation_fen is not None else loss_fen
    return max(0, basis - compensation_received_fen)


def propose(*, loss_fen: int, judged_compensation_fen: int | None, compensation_received_fen: int,
            base: Base) -> int:
    """The suggested amount: the unpaid need, at most the normal cap, rounded down to 100 yuan."""
    need = need_fen(loss_fen=loss_fen, judged_compensation_fen=judged_compensation_fen,
                    compensation_received_fen=compensation_received_fen)
    return min(need, base.cap_fen) // ROUND_TO_FEN * ROUND_TO_FEN


def check_amount(amount_fen: int, *, cap_fen: int, judged_compensation_fen: int | None, exceptional: bool) -> None:
    """Refuse an amount the rules do not allow (the higher approval of an exceptional case is
    checked by the approval chain)."""
    if amount_fen <= 0:
        raise CaseworkError("拟救助金额应大于0")
    if judged_compensation_fen is not None and amount_fen > judged_compensation_fen:
        raise CaseworkError("救助金额不得超过判决确定的赔偿金额")
    if amount_fen > cap_fen and not exceptional:
        raise CaseworkError(f"救助金额超过36个月职工月平均工资上限（{cap_fen // 100:,}元），"
                            "仅特别重大损失或特别困难的案件经检察长审批可以超过")
