"""pinyin_key: toneless pinyin with the surname reading table."""

from __future__ import annotations

import pytest

from jiuzhu.engine.identity.names import pinyin_key, pinyin_syllables


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("曾国藩", "zeng guo fan"),
        ("曾", "zeng"),
        ("单雄信", "shan xiong xin"),
        ("单", "shan"),
        ("仇英", "qiu ying"),
        ("解缙", "xie jin"),
        ("区海", "ou hai"),
        ("查良镛", "zha liang yong"),
        ("朴槿惠", "piao jin hui"),
        ("盖聂", "ge nie"),
        ("乐毅", "yue yi"),
        ("缪斯", "miao si"),
        ("覃明", "qin ming"),
        ("翟明", "zhai ming"),
        ("召明", "shao ming"),
        ("尉迟恭", "yu chi gong"),
        ("万俟卨", "mo qi xie"),
        ("长孙无忌", "zhang sun wu ji"),
        ("吕布", "lv bu"),
        ("曾經", "zeng jing"),  # traditional forms first folded
        ("卢某某", "lu"),
        ("JOHN SMITH", "john smith"),
        ("", ""),
    ],
)
def test_pinyin_key(name: str, key: str) -> None:
    assert pinyin_key(name) == key


def test_homophones_share_a_key() -> None:
    assert pinyin_key("王晓明") == pinyin_key("王小明") == "wang xiao ming"


def test_syllables() -> None:
    assert pinyin_syllables("单雄信") == ["shan", "xiong", "xin"]
