"""normalise_name: the stored form of a name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity.names import normalise_name, to_simplified


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        ("  張 三 ", "张三"),
        ("张\u3000三", "张三"),
        ("\ufeff张\u200b三", "张三"),
        ("陳 榮 華", "陈荣华"),
        ("劉德華", "刘德华"),
        ("ＪＯＨＮ  smith", "JOHN SMITH"),
        ("阿不都 · 热合曼", "阿不都·热合曼"),
        ("阿不都•热合曼", "阿不都·热合曼"),
        ("阿不都・热合曼", "阿不都·热合曼"),
        ("阿不都.热合曼", "阿不都·热合曼"),
        ("J. Smith", "J. SMITH"),
        ("乾坤", "乾坤"),  # 乾 is also a simplified name character: never 干
        ("於梨华", "於梨华"),  # 於 is a surname in simplified script too
        ("王xx", "王XX"),
        (None, ""),
        ("   ", ""),
    ],
)
def test_normalise(raw: object, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_to_simplified_is_per_character() -> None:
    assert to_simplified("蕭鄧趙鍾") == "萧邓赵钟"
    assert to_simplified("abc") == "abc"


names = st.text(alphabet=st.sampled_from("张陳榮華 ·　ＡbＣ欧阳某*"), max_size=8)


@given(names)
def test_normalise_is_idempotent(raw: str) -> None:
    once = normalise_name(raw)
    assert normalise_name(once) == once
    assert "  " not in once and once == once.strip()
