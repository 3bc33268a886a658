"""`jiuzhu batches [--rejections --out FILE]`: list batches (with their state), or export the problem rows of
current batches; `jiuzhu batches confirm BATCH_ID`, `jiuzhu batches withdraw BATCH_ID --reason TEXT`."""

from __future__ import annotations

import argparse
import getpass
import json
from pathlib import Path

from jiuzhu.cli.audited import record_export
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("batches", help="列出导入批次 / list import batches")
    p.add_argument("--rejections", action="store_true",
                   help="导出当前批次的问题行（CSV）/ export problem rows of the current batches as CSV")
    p.add_argument("--out", help="输出文件 / output file (with --rejections)")
    p.add_argument("--batch", help="只导出这个批次的问题行 / only this batch (with --rejections)")
    p.add_argument("--excel", action="store_true",
                   help="供人在中文Excel中打开：加UTF-8 BOM、公式字符转义（表头不变）/ for people in Chinese Excel: "
                        "UTF-8 BOM and formula-safe cells (same header)")
    p.set_defaults(func=run, action=None)
    actions = p.add_subparsers(dest="action", metavar="{confirm,withdraw}")
    c = actions.add_parser("confirm", help="确认待确认的批次，使其生效 / make a held batch current")
    c.add_argument("batch_id", metavar="BATCH_ID")
    w = actions.add_parser("withdraw", help="撤回一个批次（上一份名单恢复为当前）/ take a batch back")
    w.add_argument("batch_id", metavar="BATCH_ID")
    w.add_argument("--reason", required=True, help="撤回原因 / why")


def run(args: argparse.Namespace) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.engine.warehouse import BatchStateError, WarehouseBusy

    try:
        if args.action:
            return _change(args)
        return _run(args)
    except WarehouseBusy:
        raise CommandError("数据仓库正被另一个进程写入，请稍后再试", "the warehouse is busy; try again later") from None
    except BatchStateError as err:
        raise CommandError(err.zh, err.en) from None


def _change(args: argparse.Namespace) -> int:
    """Confirm or withdraw, audited under the operator's OS user, then queue a screening."""
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.cli.django_setup import setup
    from jiuzhu.engine.home import warehouse_path

    if not warehouse_path().exists():
        raise CommandError(f"没有这个批次：{args.batch_id}", f"no such batch: {args.batch_id}")
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.registries.services import confirm, withdraw

    operator = f"cli:{getpass.getuser()}"
    if args.action == "confirm":
        confirm(None, args.batch_id, by=operator)
        print(f"已确认批次 {args.batch_id}，已生效 / batch confirmed")
    else:
        withdraw(None, args.batch_id, reason=args.reason, by=operator)
        print(f"已撤回批次 {args.batch_id}，上一份名单恢复为当前 / batch withdrawn")
    print("已排队重新筛查（由 jiuzhu worker 执行，或运行 jiuzhu screen） / a screening is queued")
    return 0


def _run(args: argparse.Namespace) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.engine.intake import write_csv
    from jiuzhu.engine.sources import source_title
    from jiuzhu.engine.units import UNIT_NAMES
    from jiuzhu.engine.warehouse import STATE_NAMES, connect, list_batches, rejections

    if args.rejections:
        if not args.out:
            raise CommandError("--rejections 需要 --out FILE", "--rejections needs --out FILE")
        with connect(read_only=True) as con:
            rows = rejections(con, batch=args.batch)
        write_csv(Path(args.out), rows, for_people=args.excel)
        record_export("batches.rejections", {"file": Path(args.out).name, "rows": len(rows),
                                             "batch": args.batch or "", "excel": bool(args.excel)})
        print(f"已写出 {len(rows)} 条问题记录 / wrote {len(rows)} problem rows: {args.out}")
        return 0
    with connect(read_only=True) as con:
        items = list_batches(con)
    if not items:
        print("还没有导入批次 / no batches yet")
        return 0
    print("批次\t单位\t类型\t截止日期\t文件\t导入\t拒收\t标记\t重复\t状态\t导入时间\t跳过工作表")
    for b in items:
        state = "当前" if b["current"] else STATE_NAMES.get(b["state"], "") if b["state"] != "imported" else "历史"
        state += "·假名化" if b.get("pseudonymised") else ""
        skipped = "、".join(s["sheet"] for s in json.loads(b["skipped_sheets"] or "[]"))
        print(
            f"{b['batch_id']}\t{UNIT_NAMES.get(b['unit'], b['unit'])}\t{source_title(b['source_type'])}\t"
            f"{b['as_of']}\t{b['file_name']}\t"
            f"{b['rows_taken']}\t{b['rows_rejected']}\t{b['rows_flagged']}\t{b['rows_duplicate']}\t{state}\t"
            f"{b['imported_at']:%Y-%m-%d %H:%M:%S}\t{skipped}"
        )
    return 0
