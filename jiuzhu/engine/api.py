"""The engine → app seam (docs/architecture.md): plain records in and out, no Django."""

from __future__ import annotations

from jiuzhu.engine.screening.findings import ClueFinding, ScreenResult
from jiuzhu.engine.screening.ruleset import RuleSetting
from jiuzhu.engine.screening.screen import screen

__all__ = ["ClueFinding", "RuleSetting", "ScreenResult", "screen"]
