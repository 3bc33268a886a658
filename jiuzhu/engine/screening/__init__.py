"""Screening: person profiles → rules (data, versioned) → clues with evidence (rules.md). Its public
module: the other parts import these names from here, never from the modules below."""

from jiuzhu.engine.screening.conditions import RuleError
from jiuzhu.engine.screening.findings import ClueFinding, ScreenResult
from jiuzhu.engine.screening.ruleset import RuleSetting, builtin_definitions, check_setting
from jiuzhu.engine.screening.screen import screen

__all__ = ["ClueFinding", "RuleError", "RuleSetting", "ScreenResult", "builtin_definitions", "check_setting",
           "screen"]
