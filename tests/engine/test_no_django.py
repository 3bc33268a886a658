"""The engine half never imports Django (design.md: the seam that lets a province run it on Spark)."""

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import jiuzhu.engine as engine
for m in pkgutil.walk_packages(engine.__path__, engine.__name__ + "."):
    importlib.import_module(m.name)
print("django" in sys.modules)
"""


def test_engine_imports_no_django():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
