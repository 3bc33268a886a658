"""fold_variants and one_char_different: what linkage compares."""

from __future__ import annotations

import pytest

from jiuzhu.engine.identity.names import fold_variants, one_char_different


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("陈荣", "陳榮"),
        ("李华", "李華"),
        ("张国强", "张囯强"),
        ("王峰", "王峯"),
        ("李坤", "李堃"),
        ("张清", "张淸"),
    ],
)
def test_variants_fold_to_one_form(a: str, b: str) -> None:
    assert fold_variants(a) == fold_variants(b)


def test_fold_keeps_other_characters() -> None:
    assert fold_variants(" 王 小明 ") == "王小明"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("王晓明", "王小明", True),
        ("王小明", "汪小明", True),
        ("王小明", "王小明", False),
        ("陳榮華", "陈荣华", False),  # equal once folded
        ("陳榮華", "陈荣花", True),
        ("王小明", "王明", False),
        ("王小明", "汪晓明", False),
        ("", "", False),
    ],
)
def test_one_char_different(a: str, b: str, expected: bool) -> None:
    assert one_char_different(a, b) is expected
