"""Screening: person profiles → rules (data, versioned) → clues with evidence (rules.md)."""
