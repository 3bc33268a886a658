"""The house rules of the code (docs/architecture.md "House rules"), checked on every module of jiuzhu.

- no module imports or uses another module's private (`_name`) names;
- imports at the top of the module; an import inside a function says why on the line above
  (`# here, not at the top: <reason>`);
- no `except ImportError` fallback for a module that is always installed;
- no function over 60 lines outside the synthetic generator.
Import cycles are tests/test_import_cycles.py's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "jiuzhu"
LAZY_MARK = "# here, not at the top:"
MAX_FUNCTION_LINES = 60
# Private by Python's convention but meant for callers: Django's model metadata and the
# namedtuple API, and os._exit (the only way for a forked worker to end without running the parent's
# clean-up).
PUBLIC_BY_CONVENTION = {"_meta", "_replace", "_asdict", "_fields", "_make", "_exit"}


def _modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "migrations" not in p.parts)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT.parent)}:{node.lineno}"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in PUBLIC_BY_CONVENTION


def _imported_modules(tree: ast.Module) -> set[str]:
    """Local names bound to modules or objects imported from elsewhere."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                names.add((a.asname or a.name).split(".")[0])
    return names


def private_uses(path: Path) -> list[str]:
    tree = _tree(path)
    found = []
    imported = _imported_modules(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [f"{_where(path, node)} imports {node.module or '.'}.{a.name}"
                      for a in node.names if _private(a.name)]
        elif (isinstance(node, ast.Attribute) and _private(node.attr)
              and isinstance(node.value, ast.Name) and node.value.id in imported):
            found.append(f"{_where(path, node)} uses {node.value.id}.{node.attr}")
    return found


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def unexplained_inner_imports(path: Path) -> list[str]:
    """Each import inside a function without a reason above it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for fn in _functions(_tree(path)):
        for node in ast.walk(fn):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            # The reason stands above the block of imports the statement belongs to.
            i = node.lineno - 1
            while i > 0 and (not lines[i - 1].strip() or lines[i - 1].lstrip().startswith(("import ", "from "))
                             or lines[i - 1].strip().endswith((",", "(")) or lines[i - 1].strip() == ")"):
                i -= 1
            above = lines[i - 1] if i > 0 else ""
            if LAZY_MARK not in above and LAZY_MARK not in lines[node.lineno - 1]:
                found.append(f"{_where(path, node)} imports inside {fn.name}() without a reason")
    return found


def test_imports_inside_functions_say_why() -> None:
    found = [line for path in _modules() for line in unexplained_inner_imports(path)]
    assert not found, "imports inside functions without a reason:\n" + "\n".join(found)


def import_error_fallbacks(path: Path) -> list[str]:
    return [f"{_where(path, n)} catches ImportError" for n in ast.walk(_tree(path))
            if isinstance(n, ast.ExceptHandler) and isinstance(n.type, ast.Name)
            and n.type.id in ("ImportError", "ModuleNotFoundError")]


def long_functions(path: Path) -> list[str]:
    if "synth" in path.parts:
        return []
    return [f"{_where(path, fn)} {fn.name}() has {fn.end_lineno - fn.lineno + 1} lines"
            for fn in _functions(_tree(path)) if fn.end_lineno - fn.lineno + 1 > MAX_FUNCTION_LINES]


@pytest.mark.parametrize("check", [private_uses, import_error_fallbacks, long_functions])
def test_house_rule(check) -> None:
    found = [line for path in _modules() for line in check(path)]
    assert not found, "\n".join(found)


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    (tmp_path / "jiuzhu").mkdir()
    sample = tmp_path / "jiuzhu" / "sample.py"
    sample.write_text(
        "import os\nfrom jiuzhu.engine import _hidden\n\n\n"
        "def f():\n    from json import loads\n    return os._environ, loads\n\n\n"
        "def g():\n    # here, not at the top: stated reason\n    from json import dumps\n"
        "    try:\n        import csv\n    except ImportError:\n        csv = None\n    return dumps, csv\n",
        encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path / "jiuzhu"
    try:
        assert private_uses(sample) == ["jiuzhu/sample.py:2 imports jiuzhu.engine._hidden",
                                        "jiuzhu/sample.py:7 uses os._environ"]
        assert unexplained_inner_imports(sample) == ["jiuzhu/sample.py:6 imports inside f() without a reason",
                                                     "jiuzhu/sample.py:14 imports inside g() without a reason"]
        assert import_error_fallbacks(sample) == ["jiuzhu/sample.py:15 catches ImportError"]
    finally:
        ROOT = saved
