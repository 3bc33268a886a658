"""surname: one character, or a compound surname (复姓) when the name is long enough."""

from __future__ import annotations

import pytest

from jiuzhu.engine.identity.names import surname


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("曾国藩", "曾"),
        ("张三", "张"),
        ("欧阳娜娜", "欧阳"),
        ("欧阳锋", "欧阳"),
        ("欧阳", "欧"),  # a two-character name: 欧 + 阳
        ("司马光", "司马"),
        ("诸葛亮", "诸葛"),
        ("上官婉儿", "上官"),
        ("东方红", "东方"),
        ("尉迟恭", "尉迟"),
        ("万俟卨", "万俟"),
        ("長孫無忌", "长孙"),
        ("卢某某", "卢"),
        ("欧阳某某", "欧阳"),
        ("郑**", "郑"),
        ("某某", ""),
        ("阿不都·热合曼", ""),
        ("JOHN SMITH", ""),
        ("", ""),
    ],
)
def test_surname(name: str, expected: str) -> None:
    assert surname(name) == expected
