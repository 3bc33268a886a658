"""`jiuzhu synth`: write a simulated region's departmental files and truth/."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from jiuzhu.cli.errors import CommandError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("synth", help="生成模拟地区的部门数据与真值 / write a synthetic region with ground truth")
    p.add_argument("--scale", required=True, help="county（约31万人）、province（约4100万人）或居民人数 N")
    p.add_argument("--seed", type=int, required=True, help="随机种子 / random seed")
    p.add_argument("--out", required=True, type=Path, help="输出目录 / output folder")
    p.add_argument("--as-of", dest="as_of", default=None, help="数据截止日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--id-poor", dest="id_poor", action="store_true",
                   help="身份证号稀缺：去掉四分之一被害人、五分之一申请执行人的身份证号，并在同乡镇安排同名者")
    p.add_argument("--quiet", action="store_true", help="不显示进度 / no progress lines")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from jiuzhu.engine.synth.config import IdPoor, SynthConfig
    from jiuzhu.engine.synth.generate import generate, parse_scale

    try:
        residents = parse_scale(args.scale)
    except ValueError as err:
        raise CommandError(str(err), f"--scale must be county, province or a resident count: {args.scale!r}") from err
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    except ValueError as err:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{args.as_of}", f"--as-of must be YYYY-MM-DD: {args.as_of}") from err
    if args.out.exists() and any(args.out.iterdir()):
        raise CommandError(f"输出目录不为空：{args.out}", f"output folder is not empty: {args.out}")
    config = SynthConfig(id_poor=IdPoor() if args.id_poor else None)
    manifest = generate(args.out, residents, args.seed, as_of, config,
                        province=True if args.scale == "province" else None, progress=not args.quiet)
    files = manifest["files"]
    print(f"已生成 {len(files)} 个文件、居民 {residents:,} 人，用时 {manifest['seconds']} 秒 / "
          f"wrote {len(files)} files for {residents:,} residents in {manifest['seconds']} s: {args.out}")
    for name, info in files.items():
        print(f"  {name}: {info['rows']:,} 行 / rows")
    rules = ", ".join(f"{r} {n}" for r, n in manifest["rules"].items())
    print(f"应发现线索 / expected clues: {rules}")
    return 0
