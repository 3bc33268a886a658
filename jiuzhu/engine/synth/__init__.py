"""The synthetic county: messy registry files and their ground truth (docs/synth.md). Its public module:
the other parts import these names from here, never from the modules below."""

from jiuzhu.engine.synth.config import IdPoor, SynthConfig
from jiuzhu.engine.synth.generate import generate, parse_scale

__all__ = ["IdPoor", "SynthConfig", "generate", "parse_scale"]
