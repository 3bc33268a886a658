"""案号: compare after normalising brackets and spaces."""

from __future__ import annotations

import re

_BRACKETS = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "〔": "(",
        "〕": ")",
        "[": "(",
        "]": ")",
        "［": "(",
        "］": ")",
        "【": "(",
        "】": ")",
    }
)
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def normalise_case_number(value: object) -> str | None:
    """``（2024）闽0425刑初45号`` → ``(2024)闽0425刑初45号``; None for an empty cell."""
    if value is None:
        return None
    text = str(value).translate(_BRACKETS).translate(_FULLWIDTH_DIGITS)
    text = re.sub(r"[\s\u3000]", "", text)
    return text or None
