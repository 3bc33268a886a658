"""`jiuzhu demo [--port P]`: synth a county, ingest, screen, create demo users and data, serve."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from collections.abc import Callable

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands
from jiuzhu.engine.home import jiuzhu_home

# Apps that put demo records (cases, referrals …) into a fresh home, in this order.
DEMO_POPULATORS = ("jiuzhu.app.casework.demo", "jiuzhu.app.referrals.demo")


def register(sub: SubCommands) -> None:
    p = sub.add_parser("demo", help="演示：生成模拟县、导入、筛查并启动网页 / the whole demo")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=0, metavar="N", help="网页服务进程数（默认每个处理器核一个）")
    p.add_argument("--scale", default="county", help="模拟规模 county 或居民人数 / synthetic scale")
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--as-of", default=None, help="筛查基准日 YYYY-MM-DD")
    p.add_argument("--no-serve", action="store_true", help="只准备数据，不启动网页")
    p.set_defaults(func=run)


def _step(main: Callable[[list[str]], int], argv: list[str]) -> None:
    """Run ``jiuzhu argv`` in this process by ``main``, the entry point (it is passed in, not imported:
    the entry point imports the commands)."""
    print(f"\n>>> jiuzhu {' '.join(argv)}", flush=True)
    if main(argv) != 0:
        raise CommandError(f"演示步骤失败：jiuzhu {argv[0]}", f"demo step failed: jiuzhu {argv[0]}")


def prepare(main: Callable[[list[str]], int], scale: str, seed: int, as_of: str | None) -> None:
    home = jiuzhu_home()
    done = home / "demo.done"
    _step(main, ["init"])
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.accounts.demo import real_data

    found = real_data(home)
    if found:
        raise CommandError(
            f"这个数据目录或数据库里已有真实数据（{found}），演示不会在这里写入演示账号和演示数据。"
            "请为演示另设一个新的 JIUZHU_HOME（使用 PostgreSQL 时也另建一个数据库）。",
            "this home or database holds real data; the demo will not write its accounts into it: "
            "use a fresh JIUZHU_HOME (and database)")
    (home / "demo.home").touch()  # from now on this home is the demo's
    if not done.exists():
        files = home / "demo-county"
        synth = ["synth", "--scale", scale, "--seed", str(seed), "--out", str(files)]
        _step(main, synth + (["--as-of", as_of] if as_of else []))
        _step(main, ["ingest", str(files)])
        _step(main, ["screen"] + (["--as-of", as_of] if as_of else []))
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.accounts.demo import DEMO_PASSWORD, create_demo_users

    rows = create_demo_users()
    if not done.exists():
        for name in DEMO_POPULATORS:
            if importlib.util.find_spec(name):
                importlib.import_module(name).populate()
        done.write_text("ok\n", encoding="utf-8")
    print(f"\n演示账号 / demo logins (密码 / password: {DEMO_PASSWORD})")
    for username, name, what in rows:
        print(f"  {username:<14} {name:<8} {what}")


def run(args: argparse.Namespace) -> int:
    prepare(args.main, args.scale, args.seed, args.as_of)
    if not args.no_serve:
        # here, not at the top: a command loads the engine and Django only when it runs
        from jiuzhu.cli.commands.serve import serve

        return serve(args.port, workers=args.workers)
    return 0
