"""`jiuzhu purge [--apply] [--today DATE]`, `jiuzhu purge --person ID --reference TEXT [--apply]`:
delete what is past its retention, or one person's data on a legal request (jiuzhu/app/ops/retention.py).
A dry run (the default) prints counts only and changes nothing."""

from __future__ import annotations

import argparse
from datetime import date

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser(
        "purge", help="删除超过保存期限的数据（默认只预览）/ delete what is past retention (dry run by default)"
    )
    p.add_argument("--apply", action="store_true", help="真正删除 / delete (default: only show counts)")
    p.add_argument("--today", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="按这一天计算期限（默认今天）/ count retention from this day")
    p.add_argument("--person", metavar="ID", help="按依法提出的删除请求，删除此人（身份证号）的数据")
    p.add_argument("--reference", metavar="TEXT", help="删除请求的文号或登记号（与 --person 一起用；不要写姓名）")
    p.set_defaults(func=run, cleans_up=True)  # SIGTERM: cleans up, then exits (termination.py)


def run(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.ops import retention

    mode = "已删除 / deleted" if args.apply else "预览（未删除，加 --apply 才删除）/ dry run"
    if args.person:
        if not args.reference:
            raise CommandError("--person 需要 --reference（删除请求的文号）", "--person needs --reference")
        counts = retention.purge_person(args.person, args.reference, apply_now=args.apply)
        print(f"{mode}：此人的线索 {counts['clues']} 条；保留案件 {counts['cases_kept']} 件（案卷按档案规定保存）")
        if args.apply:
            print(f"  数据仓库：记录 {counts.get('records', 0)} 条，他人记录中的此人信息 "
                  f"{counts.get('second_person_cells', 0)} 处，问题行 {counts.get('rejection_rows', 0)} 行")
        return 0
    today = args.today or date.today()
    p = retention.plan(today)
    print(f"{mode}（{today.isoformat()}）")
    for kind, n in p.counts().items():
        print(f"  {retention.KIND_NAMES[kind]}（{kind}，保存 {p.days[kind]} 天）：{n}")
    if args.apply:
        done = retention.apply(p)
        snap = done.get("superseded_snapshots")
        if snap:
            print(f"  旧名单：{snap['batches']} 批，记录 {snap['records']} 条，问题行 {snap['rejection_rows']} 行")
    return 0
