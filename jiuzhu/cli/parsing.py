"""The table of sub-commands that each command module's `register` adds its parser to.

argparse keeps the class of that table private; the commands depend on this one method.
"""

from __future__ import annotations

import argparse
from typing import Any, Protocol


class SubCommands(Protocol):
    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...
