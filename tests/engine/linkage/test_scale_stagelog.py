"""The optional stage log of a linkage run (JIUZHU_LINK_STAGES): stages in order, sizes only, no PII."""

from __future__ import annotations

import csv
from datetime import date

from jiuzhu.engine import api
from jiuzhu.engine.identity.idcard import make_id

STAGES = ["stream lineage", "derive features", "score", "cluster", "build outputs", "write tables"]


def _ingest(tmp_path, monkeypatch) -> list[str]:
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path / "home"))
    lin = make_id("350425", date(1975, 6, 9), 41)
    rows = [
        ["大田县低保对象花名册"],
        ["户主姓名", "户主身份证号", "成员姓名", "成员身份证号", "乡镇", "村(社区)"],
        ["林建华", lin, "林建华", lin, "均溪镇", "城关村"],
    ]
    victims = [["被害人姓名", "被害人身份证号", "罪名", "判决案号", "出生日期", "性别", "乡镇"],
               ["林建华", "", "盗窃罪", "(2024)闽0425刑初46号", "1975-06-09", "男", "均溪镇"]]
    for name, lines in (("低保.csv", rows), ("被害人.csv", victims)):
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(lines)
    api.ingest([tmp_path / "低保.csv", tmp_path / "被害人.csv"])
    return ["林建华", lin, "均溪镇"]


def test_stage_log_lists_each_stage_with_sizes_and_no_record_content(tmp_path, monkeypatch):
    pii = _ingest(tmp_path, monkeypatch)
    log = tmp_path / "stages.log"
    monkeypatch.setenv("JIUZHU_LINK_STAGES", str(log))
    result = api.link()
    assert (result.records, result.records_with_id, result.records_linked) == (2, 1, 1)
    logged = log.read_text(encoding="utf-8").splitlines()
    # the command's parts around the linkage: the inputs digest before it, the person search after it, by table
    assert logged[0].startswith("part=inputs digest wall_s=")
    assert [line.split(" ")[0] for line in logged[-5:]] == [
        "step=person_records_next", "step=person_search", "step=person_search_py", "step=person_search_id",
        "part=person"]
    assert logged[-1].startswith("part=person search wall_s=")
    everything = logged[1:-5]  # the linkage's own lines
    lines = [line for line in everything if line.startswith("stage=")]
    fields = [dict(kv.split("=", 1) for kv in line.split(" ") if "=" in kv) for line in lines]
    assert [line.split(" wall_s=")[0].removeprefix("stage=") for line in lines] == STAGES
    # derive features split by SQL step, logged before the stage's own line; a table's rows given
    steps = [dict(kv.split("=", 1) for kv in line.split(" ")) for line in everything if line.startswith("step=")]
    kinds = [line.split("=", 1)[0] if line.startswith("step=") else line.split(" wall_s=")[0] for line in everything]
    assert kinds == ["stage=stream lineage", *["step"] * len(steps), "stage=derive features", *kinds[-4:]]
    names = [s["step"] for s in steps]
    assert names[:3] == ["names", "houses", "rec"] and names[-1] == "features"
    assert {"near_pairs", "cum_county", "by_eligible"} <= set(names)
    assert next(s for s in steps if s["step"] == "rec")["rows"] == "2"
    memory = {"wall_s", "cpu_s", "rss_mb", "peak_mb", "duckdb_mb", "spill_mb", "wh_mb", "wh_spill_mb", "arrow_mb",
              "anon_mb", "libc_mb", "libc_free_mb"}
    for s in steps:
        assert memory <= s.keys() and int(s["peak_mb"]) >= int(s["rss_mb"]) > 0
    for f in fields:
        assert memory <= f.keys()
    # each step's peak is its own (reset after it); the derive stage's is the largest of them and what came after
    derive = fields[1]
    assert int(derive["peak_mb"]) >= max(int(s["peak_mb"]) for s in steps)
    assert fields[1]["feature_rows"] == "2" and fields[2]["edges"] == "1" and fields[3]["touched"] == "2"
    text = log.read_text(encoding="utf-8")
    assert not any(value in text for value in pii)


def test_stage_log_splits_the_screening(tmp_path, monkeypatch):
    """A screening that keeps its state (as `jiuzhu screen` does) logs its state rows, the rules and the state's
    commit apart: where a province's screening spends what is not the rules (docs/performance.md)."""
    pii = _ingest(tmp_path, monkeypatch)
    api.link()
    log = tmp_path / "stages.log"
    monkeypatch.setenv("JIUZHU_LINK_STAGES", str(log))
    result = api.screen(date(2025, 10, 31), keep_state=True)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [line.split(" wall_s=")[0] for line in lines] == [
        "part=screening state: rows", "part=rules", "part=screening state: commit"]
    assert f" clues={len(result.clues)} " in lines[1]
    assert not any(value in "\n".join(lines) for value in pii)


def test_no_stage_log_unless_asked(tmp_path, monkeypatch, capsys):
    _ingest(tmp_path, monkeypatch)
    monkeypatch.delenv("JIUZHU_LINK_STAGES", raising=False)
    api.link()
    assert "stage=" not in (err := capsys.readouterr().err) and "part=" not in err
