"""Run every benchmark module in bench/ in turn (`python -m bench`), or the ones named.

Each module has a `main(argv) -> int`; figures go to stdout and to bench/out/.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name != "__main__")
    failed = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "main"):
            continue
        print(f"=== bench.{name} ===", flush=True)
        failed += int(bool(module.main([])))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
