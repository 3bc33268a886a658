"""`jiuzhu referrals check-overdue [--today YYYY-MM-DD]`: flag overdue referrals and overdue case and clue
tasks (核查, 审查, 审批, 通知, 发放, 回访 …) and tell the owner and the unit leader once, and partner units' clues
past their answer limit (run daily from cron or a systemd timer)."""

from __future__ import annotations

import argparse
from datetime import date

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("referrals", help="协作移送 / referrals between units")
    rs = p.add_subparsers(dest="referrals_command", metavar="SUBCOMMAND")
    check = rs.add_parser(
        "check-overdue", help="标记超期移送和超期办案事项并通知 / flag overdue referrals and case tasks and notify"
    )
    check.add_argument("--today", default=None, help="按此日期判断 YYYY-MM-DD（默认今天）")
    check.set_defaults(func=check_overdue)
    p.set_defaults(func=lambda args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def check_overdue(args: argparse.Namespace) -> int:
    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        raise CommandError(f"日期格式不对：{args.today}（应为 YYYY-MM-DD）",
                           f"bad date {args.today!r} (expected YYYY-MM-DD)") from None
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.casework.models import TaskKind
    from jiuzhu.app.referrals.services.daily import run_daily_checks

    done = run_daily_checks(today)
    for f in done.referrals:
        what = "签收" if f.stage == "receipt" else "反馈"
        print(f"{f.number}\t{f.to_unit}\t{what}超期（期限 {f.due:%Y-%m-%d}）\t通知 {f.notified} 人")
    print(f"新标记超期移送 {len(done.referrals)} 件 / {len(done.referrals)} referral(s) newly overdue")
    for t in done.tasks:
        print(f"{t.what}\t{TaskKind(t.kind).label}超期（期限 {t.due:%Y-%m-%d}）\t通知 {t.notified} 人")
    print(f"新标记超期办案事项 {len(done.tasks)} 项 / {len(done.tasks)} case task(s) newly overdue")
    print(f"超期会商议定事项提醒 {done.meeting_notices} 条 / {done.meeting_notices} overdue meeting decision notice(s)")
    for c in done.clues:
        print(f"线索{c.clue_id}\t{c.unit}\t答复超期（期限 {c.due:%Y-%m-%d}）\t通知 {c.notified} 人")
    print(f"新标记超期线索 {len(done.clues)} 条 / {len(done.clues)} clue(s) newly overdue")
    return 0
