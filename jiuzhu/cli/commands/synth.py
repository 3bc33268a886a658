"""`jiuzhu synth`: write a simulated region's departmental files and truth/."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("synth", help="生成模拟地区的部门数据与真值 / write a synthetic region with ground truth")
    p.add_argument("--scale", required=True, type=_scale, help="county（约31万人）、province（约4100万人）或居民人数 N")
    p.add_argument("--seed", type=int, required=True, help="随机种子 / random seed")
    p.add_argument("--out", required=True, type=Path, help="输出目录 / output folder")
    p.add_argument("--as-of", dest="as_of", default=None, type=_day, help="数据截止日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--id-poor", dest="id_poor", action="store_true",
                   help="身份证号稀缺：去掉四分之一被害人、五分之一申请执行人的身份证号，并在同乡镇安排同名者")
    p.add_argument("--quiet", action="store_true", help="不显示进度 / no progress lines")
    p.set_defaults(func=run, cleans_up=True)  # SIGTERM: cleans up, then exits (termination.py)


def _scale(text: str) -> tuple[str, int]:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.engine.synth import parse_scale

    try:
        return text, parse_scale(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(
            f"规模应为 county、province 或不少于2000的居民人数 / county, province or a resident count >= 2000: {text!r}"
        ) from err


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD: {text!r}") from err


def run(args: argparse.Namespace) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.engine.synth import IdPoor, SynthConfig, generate

    scale, residents = args.scale
    as_of = args.as_of or date.today()
    if args.out.exists() and any(args.out.iterdir()):
        raise CommandError(f"输出目录不为空：{args.out}", f"output folder is not empty: {args.out}")
    config = SynthConfig(id_poor=IdPoor() if args.id_poor else None)
    manifest = generate(args.out, residents, args.seed, as_of, config,
                        province=True if scale == "province" else None, progress=not args.quiet)
    files = manifest["files"]
    print(f"已生成 {len(files)} 个文件、居民 {residents:,} 人，用时 {manifest['seconds']} 秒 / "
          f"wrote {len(files)} files for {residents:,} residents in {manifest['seconds']} s: {args.out}")
    for name, info in files.items():
        print(f"  {name}: {info['rows']:,} 行 / rows")
    rules = ", ".join(f"{r} {n}" for r, n in manifest["rules"].items())
    print(f"应发现线索 / expected clues: {rules}")
    return 0
