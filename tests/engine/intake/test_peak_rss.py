"""The memory tests' own measure: the peak RSS of the `jiuzhu` process itself, not of whoever started it.

getrusage's ru_maxrss survives exec, so a command started by a process that once held 600 MB reports at
least 600 MB whatever it used (a full test run reported 1,171 MB for an import that peaked near 600 MB).
"""

from __future__ import annotations

import os
import subprocess
import sys

from .helpers import CLI_WITH_PEAK

_PARENT = f"""
import resource, subprocess, sys
held = bytearray(600 * 2**20)
for i in range(0, len(held), 4096):
    held[i] = 1
del held
done = subprocess.run([sys.executable, "-c", {CLI_WITH_PEAK!r}, "batches"], capture_output=True, text=True)
inherited = subprocess.run([sys.executable, "-c",
                            "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                           capture_output=True, text=True)
print(done.stdout.splitlines()[-1], inherited.stdout.strip())
"""


def test_the_peak_is_the_commands_own_not_its_parents(tmp_path):
    done = subprocess.run([sys.executable, "-c", _PARENT], capture_output=True, text=True, check=True,
                          env={**os.environ, "JIUZHU_HOME": str(tmp_path)})
    tag, own_kb, _children_kb, rc, inherited_kb = done.stdout.split()
    assert (tag, rc) == ("maxrss", "0")
    assert int(inherited_kb) >= 600 * 1024  # the trap: a bare child "peaks" at its parent's 600 MB
    assert int(own_kb) < 300 * 1024  # the command itself: Python, Django's settings, DuckDB — not 600 MB
