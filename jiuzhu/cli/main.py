"""Entry point of `jiuzhu`: each module in jiuzhu/cli/commands registers its own sub-command."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from contextlib import nullcontext

from jiuzhu.cli import commands
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.termination import cleans_up_on_sigterm


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jiuzhu", description="救助：司法救助与社会救助衔接平台")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    args.main = main  # a command that runs others in this process (the demo) calls this, never imports it
    try:
        with cleans_up_on_sigterm() if getattr(args, "cleans_up", False) else nullcontext():
            return int(args.func(args) or 0)
    except CommandError as err:
        print(str(err), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
