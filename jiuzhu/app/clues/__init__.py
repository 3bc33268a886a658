"""Clues from screening, stored through the engine → app seam; clue export."""
