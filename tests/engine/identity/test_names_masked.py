"""Masked names from judgments and public lists: recognise them, and test compatibility."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity.names import is_masked, masked_compatible


@pytest.mark.parametrize(
    "name",
    ["卢某某", "卢某", "郑**", "郑＊＊", "陈×", "王XX", "王xx", "李○○", "欧阳某某", "某某", "王X明", "张?"],
)
def test_masked(name: str) -> None:
    assert is_masked(name)


@pytest.mark.parametrize("name", ["卢小明", "郑明", "ALEX", "MAX", "欧阳娜娜", "阿不都·热合曼", "", None])
def test_not_masked(name: object) -> None:
    assert not is_masked(name)


@pytest.mark.parametrize(
    ("masked", "full", "compatible"),
    [
        ("卢某某", "卢小明", True),
        ("卢某某", "卢明", True),  # 某某 does not tell the length
        ("卢某", "卢小明", True),
        ("卢某某", "李小明", False),
        ("郑**", "郑小明", True),
        ("郑**", "郑明", False),  # each star hides one character
        ("郑*", "郑明", True),
        ("王X明", "王小明", True),
        ("王X明", "王小亮", False),
        ("陈×", "陈红", True),
        ("欧阳某某", "欧阳娜娜", True),
        ("欧阳某某", "欧娜娜", False),
        ("某某", "李小明", False),  # nothing visible: no evidence
        ("***", "李小明", False),
        ("盧某某", "卢小明", True),  # traditional forms fold
        ("卢小明", "卢小明", True),
        ("卢小明", "卢晓明", False),
        ("卢某某", "卢某某", False),  # both masked: not evidence
    ],
)
def test_masked_compatible(masked: str, full: str, compatible: bool) -> None:
    assert masked_compatible(masked, full) is compatible


han = st.text(alphabet=st.sampled_from("王李张刘陈杨黄赵吴周小明红华军伟芳娜"), min_size=2, max_size=4)


@given(han)
def test_a_mask_of_a_name_is_compatible_with_it(full: str) -> None:
    assert masked_compatible(full[0] + "某某", full)
    assert masked_compatible(full[0] + "*" * (len(full) - 1), full)
    assert not masked_compatible(full[0] + "*" * len(full), full)
