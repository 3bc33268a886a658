"""No import cycles, of modules or of packages, and the app's parts import only the layers below them
(docs/architecture.md "Layers").

Every import statement counts wherever it stands — at the top, inside a function, under TYPE_CHECKING —
because each is a dependency a reader has to follow. A package is jiuzhu.engine.X, jiuzhu.app.X or
jiuzhu.cli.X (a module directly in jiuzhu/app, e.g. settings, counts as a package of its own)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The app's layers, bottom first (docs/architecture.md "Layers"): a part imports only parts of lower layers.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("accounts",),
    ("config",),
    ("jobs",),
    ("registries",),
    ("clues",),
    ("casework",),
    ("referrals",),
    ("persons", "reports"),
    ("api", "ops", "web"),
    ("settings", "urls", "wsgi"),
)


# Cycles and layer breaches that are known, each with why it is still there (docs/architecture.md
# "Still against the layers"). The tests fail on any other, and on a known one that is gone, so that
# this list only shrinks.
KNOWN_PACKAGE_CYCLES: dict[frozenset[str], str] = {}
KNOWN_LAYER_BREACHES: dict[tuple[str, str], str] = {}


# Each engine part has one public module, the only one the other parts (and the app and the CLI) import
# (docs/architecture.md "Parts of the engine"): a package's __init__, or the module of a one-file part.
# identity is a library of value types, each module one idea imported alone so that a light import stays
# light: each of its modules is public.
ENGINE_LIBRARIES = ("jiuzhu.engine.identity",)
# The app reads the warehouse only through the seam, engine.api; besides it, it imports only the value
# libraries that open no warehouse (docs/architecture.md "The app and the engine").
APP_MAY_IMPORT = ("jiuzhu.engine.api", "jiuzhu.engine.cells", "jiuzhu.engine.home", "jiuzhu.engine.identity",
                  "jiuzhu.engine.region", "jiuzhu.engine.sources", "jiuzhu.engine.units")
# Imports past the seams that are known, each with why it is still there; the list only shrinks.
KNOWN_SEAM_BREACHES: dict[tuple[str, str], str] = {}

def modules(root: Path) -> dict[str, Path]:
    """Dotted module name → file, for every module of the jiuzhu package under ``root`` (migrations aside)."""
    found = {}
    for path in (root / "jiuzhu").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _from_base(node: ast.ImportFrom, package: str) -> str:
    """The module a ``from … import`` statement names, relative ones resolved against ``package``."""
    base = node.module or ""
    if node.level:
        up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        base = ".".join(up + ([node.module] if node.module else []))
    return base


def _imported_names(tree: ast.AST, package: str, shadowed: frozenset[str] = frozenset()) -> list[str]:
    """What each import statement names: ``import a.b``, and for ``from a import b`` both a.b and a — only a
    when a's __init__ binds b to something else than its submodule b (``shadowed``), as Python resolves it."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, package)
            names += [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" not in shadowed]
            names.append(base)
    return names


def _shadowed(mods: dict[str, Path]) -> frozenset[str]:
    """pkg.b for each package whose __init__ imports a name b from elsewhere than its submodule b (the
    screening package's ``screen`` is the function of the module ``screening.screen``)."""
    found = set()
    for name, path in mods.items():
        if path.name != "__init__.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom):
                base = _from_base(node, name)
                found |= {f"{name}.{alias.asname or alias.name}" for alias in node.names
                          if f"{base}.{alias.name}" != f"{name}.{alias.asname or alias.name}"}
    return frozenset(found)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the jiuzhu modules it imports (a name resolves to the longest module it starts with)."""
    mods = modules(root)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    shadowed = _shadowed(mods)
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for target in _imported_names(ast.parse(path.read_text(encoding="utf-8")), package, shadowed):
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target.startswith("jiuzhu.") and target != name:
                graph[name].add(target)
    return graph


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:3])


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Package → the packages its modules import (a package and the jiuzhu.X above it are not an edge)."""
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        a = package_of(module)
        packages.setdefault(a, set())
        for b in map(package_of, targets):
            if a != b and not a.startswith(b + ".") and not b.startswith(a + "."):
                packages[a].add(b)
                packages.setdefault(b, set())
    return packages


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a path back to its start) per strongly connected set of more than one node."""
    return [_cycle_in(graph, members) for members in strongly_connected(graph)]


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """The sets of more than one node in which each node reaches every other one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    sets: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            members = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                members.add(w)
                if w == v:
                    break
            if len(members) > 1:
                sets.append(members)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sets


def _cycle_in(graph: dict[str, set[str]], members: set[str]) -> list[str]:
    """The shortest way from the set's first member back to itself, inside the set (breadth first)."""
    start = min(members)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if w not in came_from:
                    came_from[w] = v
                    following.append(w)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a strongly connected set always has one


def layer_violations(graph: dict[str, set[str]], layers=LAYERS) -> list[str]:
    """Each import of an app part by a part of the same or a lower layer, and each app part with no layer."""
    rank = {part: i for i, layer in enumerate(layers) for part in layer}
    found = []
    for module, targets in sorted(graph.items()):
        if not module.startswith("jiuzhu.app."):
            continue
        a = module.split(".")[2]
        if a not in rank:
            found.append(f"jiuzhu.app.{a} has no layer in LAYERS (docs/architecture.md)")
            continue
        for target in sorted(targets):
            if not target.startswith("jiuzhu.app.") or target.split(".")[2] == a:
                continue
            b = target.split(".")[2]
            if b in rank and rank[b] >= rank[a]:
                found.append(f"{module} imports {target}: {a} (layer {rank[a]}) may import only lower layers, "
                             f"{b} is layer {rank[b]}")
    return sorted(set(found))


def engine_part(module: str) -> str | None:
    """jiuzhu.engine.X for a module of the engine's part X (jiuzhu.engine itself is no part)."""
    parts = module.split(".")
    return ".".join(parts[:3]) if parts[:2] == ["jiuzhu", "engine"] and len(parts) > 2 else None


def seam_breaches(graph: dict[str, set[str]]) -> list[str]:
    """Each import of an engine part's module other than its public module, from outside the part."""
    found = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            part = engine_part(target)
            if part is None or part == engine_part(module) or target == part or part in ENGINE_LIBRARIES:
                continue
            found.append(f"{module} imports {target}: outside {part}, import its public module {part}")
    return found


def app_engine_breaches(graph: dict[str, set[str]], allowed=APP_MAY_IMPORT) -> list[str]:
    """Each import of the engine by the app other than engine.api and the value libraries."""
    return [f"{module} imports {target}: the app imports from the engine only {', '.join(allowed)}"
            for module, targets in sorted(graph.items()) if module.startswith("jiuzhu.app.")
            for target in sorted(targets)
            if engine_part(target) is not None and engine_part(target) not in allowed]


def _shown(found: list[list[str]]) -> str:
    return "\n".join(" → ".join(cycle) for cycle in found)


def test_no_module_imports_itself_round_a_cycle():
    found = cycles(import_graph(ROOT))
    assert not found, f"import cycles of modules:\n{_shown(found)}"


def test_no_package_imports_itself_round_a_cycle():
    graph = package_graph(import_graph(ROOT))
    found = [frozenset(members) for members in strongly_connected(graph)]
    new = [_cycle_in(graph, set(members)) for members in found if members not in KNOWN_PACKAGE_CYCLES]
    assert not new, f"import cycles of packages:\n{_shown(new)}"
    gone = set(KNOWN_PACKAGE_CYCLES) - set(found)
    assert not gone, f"no longer a cycle, take it off KNOWN_PACKAGE_CYCLES: {[sorted(g) for g in gone]}"


def _breach(line: str) -> tuple[str, str]:
    """(importing part, imported part) of a layer_violations line."""
    module, _, target = line.split(":")[0].partition(" imports ")
    return module.split(".")[2], target.split(".")[2]


def test_app_parts_import_only_lower_layers():
    found = layer_violations(import_graph(ROOT))
    new = [line for line in found if "no layer" in line or _breach(line) not in KNOWN_LAYER_BREACHES]
    assert not new, "imports against the layers of docs/architecture.md:\n" + "\n".join(new)
    gone = set(KNOWN_LAYER_BREACHES) - {_breach(line) for line in found if "no layer" not in line}
    assert not gone, f"no longer against the layers, take it off KNOWN_LAYER_BREACHES: {sorted(gone)}"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"jiuzhu/__init__.py": "", "jiuzhu/app/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_checks_see_a_cycle_through_a_function_and_type_checking_import(tmp_path):
    root = _tree(tmp_path, {
        "jiuzhu/app/clues/__init__.py": "",
        "jiuzhu/app/clues/store.py": "def f():\n    from jiuzhu.app.casework import services\n",
        "jiuzhu/app/casework/__init__.py": "",
        "jiuzhu/app/casework/services.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                            "    from jiuzhu.app.clues.store import f\n"),
    })
    graph = import_graph(root)
    assert cycles(graph) == [["jiuzhu.app.casework.services", "jiuzhu.app.clues.store",
                              "jiuzhu.app.casework.services"]]
    assert cycles(package_graph(graph)) == [["jiuzhu.app.casework", "jiuzhu.app.clues", "jiuzhu.app.casework"]]


def test_a_package_importing_its_own_modules_from_its_init_is_a_cycle(tmp_path):
    root = _tree(tmp_path, {
        "jiuzhu/app/casework/__init__.py": "",
        "jiuzhu/app/casework/documents/__init__.py": "from jiuzhu.app.casework.documents import decision\n",
        "jiuzhu/app/casework/documents/decision.py": "from jiuzhu.app.casework.documents import layout\n",
        "jiuzhu/app/casework/documents/layout.py": "",
    })
    assert cycles(import_graph(root)) == [["jiuzhu.app.casework.documents", "jiuzhu.app.casework.documents.decision",
                                           "jiuzhu.app.casework.documents"]]


def test_a_part_importing_a_higher_layer_fails(tmp_path):
    root = _tree(tmp_path, {
        "jiuzhu/app/accounts/__init__.py": "",
        "jiuzhu/app/accounts/menu.py": "from jiuzhu.app.web import views\n",
        "jiuzhu/app/web/__init__.py": "",
        "jiuzhu/app/web/views.py": "from jiuzhu.app.accounts import menu\n",
        "jiuzhu/app/casework/__init__.py": "",
        "jiuzhu/app/casework/notices.py": "from jiuzhu.app.referrals import notify\n",
        "jiuzhu/app/referrals/__init__.py": "",
        "jiuzhu/app/referrals/notify.py": "",
        "jiuzhu/app/persons/__init__.py": "from jiuzhu.app.reports import figures\n",
        "jiuzhu/app/reports/__init__.py": "",
        "jiuzhu/app/reports/figures.py": "",
        "jiuzhu/app/newpart/__init__.py": "",
    })
    assert layer_violations(import_graph(root)) == [
        "jiuzhu.app.accounts.menu imports jiuzhu.app.web.views: accounts (layer 0) may import only lower layers, "
        "web is layer 8",
        "jiuzhu.app.accounts.menu imports jiuzhu.app.web: accounts (layer 0) may import only lower layers, "
        "web is layer 8",
        "jiuzhu.app.casework.notices imports jiuzhu.app.referrals.notify: casework (layer 5) may import only lower "
        "layers, referrals is layer 6",
        "jiuzhu.app.casework.notices imports jiuzhu.app.referrals: casework (layer 5) may import only lower layers, "
        "referrals is layer 6",
        "jiuzhu.app.newpart has no layer in LAYERS (docs/architecture.md)",
        "jiuzhu.app.persons imports jiuzhu.app.reports.figures: persons (layer 7) may import only lower layers, "
        "reports is layer 7",
        "jiuzhu.app.persons imports jiuzhu.app.reports: persons (layer 7) may import only lower layers, "
        "reports is layer 7",
    ]


def _seam_pair(line: str) -> tuple[str, str]:
    """(importing module, imported module) of a seam_breaches or app_engine_breaches line."""
    module, _, target = line.split(":")[0].partition(" imports ")
    return module, target


def test_the_engine_parts_meet_only_at_their_public_modules():
    found = seam_breaches(import_graph(ROOT))
    new = [line for line in found if _seam_pair(line) not in KNOWN_SEAM_BREACHES]
    assert not new, "imports past an engine part's public module:\n" + "\n".join(new)


def test_the_app_reads_the_engine_only_through_its_api():
    found = app_engine_breaches(import_graph(ROOT))
    new = [line for line in found if _seam_pair(line) not in KNOWN_SEAM_BREACHES]
    assert not new, "the app imports the engine past engine.api:\n" + "\n".join(new)
    gone = set(KNOWN_SEAM_BREACHES) - {_seam_pair(line) for line in found + seam_breaches(import_graph(ROOT))}
    assert not gone, f"no longer past the seam, take it off KNOWN_SEAM_BREACHES: {sorted(gone)}"


def test_the_seam_checks_see_an_import_past_a_public_module(tmp_path):
    root = _tree(tmp_path, {
        "jiuzhu/engine/__init__.py": "",
        "jiuzhu/engine/api.py": "from jiuzhu.engine.warehouse import connect\n",
        "jiuzhu/engine/home.py": "",
        "jiuzhu/engine/identity/__init__.py": "",
        "jiuzhu/engine/identity/idcard.py": "",
        "jiuzhu/engine/warehouse/__init__.py": "from jiuzhu.engine.warehouse.store import connect\n",
        "jiuzhu/engine/warehouse/store.py": "from jiuzhu.engine.identity.idcard import parse_id\n",
        "jiuzhu/engine/linkage/__init__.py": "from jiuzhu.engine.linkage.link import link\n",
        "jiuzhu/engine/linkage/link.py": "from jiuzhu.engine.warehouse import connect\n",
        "jiuzhu/engine/linkage/run.py": "from jiuzhu.engine.warehouse.store import connect\n",
        "jiuzhu/engine/screening/__init__.py": "",
        "jiuzhu/engine/screening/screen.py": "from jiuzhu.engine.linkage import link\n",
        "jiuzhu/app/ops/__init__.py": "",
        "jiuzhu/app/ops/health.py": ("from jiuzhu.engine import api\nfrom jiuzhu.engine.home import x\n"
                                     "from jiuzhu.engine.identity import idcard\n"
                                     "from jiuzhu.engine.warehouse import connect\n"),
    })
    graph = import_graph(root)
    assert seam_breaches(graph) == [
        "jiuzhu.engine.linkage.run imports jiuzhu.engine.warehouse.store: outside jiuzhu.engine.warehouse, "
        "import its public module jiuzhu.engine.warehouse",
    ]
    assert app_engine_breaches(graph, ("jiuzhu.engine.api", "jiuzhu.engine.home", "jiuzhu.engine.identity")) == [
        "jiuzhu.app.ops.health imports jiuzhu.engine.warehouse: the app imports from the engine only "
        "jiuzhu.engine.api, jiuzhu.engine.home, jiuzhu.engine.identity",
    ]


# The value libraries load no heavy library, and the warehouse's public module no more than DuckDB; pyspark
# loads only for a Spark session (docs/architecture.md "Parts of the engine").
LIGHT_IMPORTS = {
    "jiuzhu.engine.identity.idcard": ("duckdb", "pyarrow", "splink", "pyspark"),
    "jiuzhu.engine.sources": ("duckdb", "pyarrow", "splink", "pyspark"),
    "jiuzhu.engine.units": ("duckdb", "pyarrow", "splink", "pyspark"),
    "jiuzhu.engine.region": ("duckdb", "pyarrow", "splink", "pyspark"),
    "jiuzhu.engine.cells": ("duckdb", "pyarrow", "splink", "pyspark"),
    "jiuzhu.engine.home": ("duckdb", "pyarrow", "splink", "pyspark"),
    "jiuzhu.engine.warehouse": ("pyarrow", "splink", "pyspark"),
    "jiuzhu.engine.api": ("pyspark",),
}


def test_public_modules_load_no_more_than_they_need():
    code = ("import importlib, sys\n"
            f"for module, heavy in {LIGHT_IMPORTS!r}.items():\n"
            "    before = set(sys.modules)\n"
            "    importlib.import_module(module)\n"
            "    print(module, sorted(h for h in heavy if h in sys.modules and h not in before))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = [line for line in out.stdout.splitlines() if not line.endswith("[]")]
    assert not loaded, "heavier than needed:\n" + "\n".join(loaded)
