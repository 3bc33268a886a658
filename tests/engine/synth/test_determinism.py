"""Same seed, same bytes; another seed, other people."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from jiuzhu.engine.synth.generate import generate
from tests.engine.synth.rederive import read

AS_OF = date(2025, 6, 30)


def digests(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest = json.loads((root / "truth" / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("seconds")
    out["manifest"] = json.dumps(manifest, sort_keys=True)
    return out


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", 5_000, 11, AS_OF)
    generate(tmp_path / "b", 5_000, 11, AS_OF)
    a, b = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert len(a) >= 13 + 8
    assert a == b


def test_another_seed_gives_other_people(tmp_path: Path) -> None:
    generate(tmp_path / "a", 5_000, 11, AS_OF)
    generate(tmp_path / "b", 5_000, 12, AS_OF)
    people_a = {(p["name"], p["id_number"]) for p in read(tmp_path / "a" / "truth" / "persons.csv")}
    people_b = {(p["name"], p["id_number"]) for p in read(tmp_path / "b" / "truth" / "persons.csv")}
    assert len(people_a) == len(people_b) == 5_000
    assert len(people_a & people_b) < 50
    assert digests(tmp_path / "a") != digests(tmp_path / "b")


def test_ids_are_unique_and_valid(tmp_path: Path) -> None:
    from jiuzhu.engine.identity.idcard import birth_date, is_valid, make_id, sex

    generate(tmp_path / "a", 5_000, 13, AS_OF)
    persons = read(tmp_path / "a" / "truth" / "persons.csv")
    assert len({p["id_number"] for p in persons}) == len(persons)
    for p in persons:
        assert is_valid(p["id_number"])
        assert birth_date(p["id_number"]).isoformat() == p["birth_date"]
        assert sex(p["id_number"]) == p["sex"]
        # the vectorised numbers are exactly what identity.idcard.make_id builds
        assert make_id(p["id_number"][:6], birth_date(p["id_number"]), int(p["id_number"][14:17])) == p["id_number"]
