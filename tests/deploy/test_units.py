"""deploy/systemd: every unit reads the environment file, every timer has its service, and every
`jiuzhu …` a unit runs is a command (and options) this release has."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from jiuzhu.cli.main import build_parser

UNITS = Path(__file__).parents[2] / "deploy" / "systemd"


def _read(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return parser


@pytest.mark.parametrize("service", sorted(p.name for p in UNITS.glob("*.service")))
def test_service_runs_a_real_command(service: str):
    unit = _read(UNITS / service)["Service"]
    assert unit["EnvironmentFile"] == "/etc/jiuzhu/jiuzhu.env" and unit["User"] == "jiuzhu"
    argv = shlex.split(unit["ExecStart"])
    if argv[0].endswith("/jiuzhu"):
        build_parser().parse_args(argv[1:])  # exits (SystemExit) on an unknown command or option
    elif argv[0].endswith("/gunicorn"):
        assert argv[1:] == ["-c", "python:jiuzhu.app.ops.gunicorn_conf"]
    else:
        assert (Path(__file__).parents[2] / "deploy" / Path(argv[0]).name).exists()


def test_every_timer_has_its_service():
    for timer in UNITS.glob("*.timer"):
        assert (UNITS / f"{timer.stem}.service").exists()
        assert _read(timer)["Timer"]["OnCalendar"]
