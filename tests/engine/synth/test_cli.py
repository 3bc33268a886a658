"""`jiuzhu synth` on the command line: the contract of cli.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jiuzhu.cli.main import main


def test_synth_writes_files_and_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "region"
    assert main(["synth", "--scale", "3000", "--seed", "5", "--out", str(out), "--as-of", "2025-10-31", "--quiet"]) == 0
    manifest = json.loads((out / "truth" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 5 and manifest["as_of"] == "2025-10-31" and manifest["residents"] == 3000
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == sorted(manifest["files"])
    assert "大田县公安局_户籍人口信息_2025年10月.csv" in manifest["files"]
    assert "wrote 13 files" in capsys.readouterr().out


def test_bad_scale_is_bad_usage(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["synth", "--scale", "town", "--seed", "1", "--out", str(tmp_path / "x")])
    assert exc.value.code == 2


def test_existing_output_is_not_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("x")
    assert main(["synth", "--scale", "3000", "--seed", "1", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "输出目录不为空" in err and "not empty" in err
