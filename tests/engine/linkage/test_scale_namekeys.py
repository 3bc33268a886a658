"""The fast path for plain Han names (most names linkage reads) agrees with the general rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity import names
from jiuzhu.engine.linkage.namekeys import NameKeys, name_keys


class _Text(str):
    """A str subclass: normalise_name takes its general path for it (the fast path is for exact str)."""


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=6))
def test_plain_han_names_normalise_as_the_general_rules_do(text):
    assert names.normalise_name(text) == names.normalise_name(_Text(text))


@given(st.text(alphabet=st.sampled_from(sorted(names._trad_simp())[:400] + list("陈林某王伟")), max_size=5))
def test_traditional_characters_are_simplified_one_by_one(text):
    assert names.to_simplified(text) == "".join(names._trad_simp().get(c, c) for c in text)


def test_name_keys_of_plain_and_other_names():
    assert name_keys("張秀英") == NameKeys("张秀英", "张秀英", "zhang xiu ying", "张", False, 3)
    assert name_keys("欧阳娜娜") == NameKeys("欧阳娜娜", "欧阳娜娜", "ou yang na na", "欧阳", False, 4)
    assert name_keys("曾国藩") == NameKeys("曾国藩", "曾国藩", "zeng guo fan", "曾", False, 3)
    assert name_keys("囯华") == NameKeys("囯华", "国华", "guo hua", "国", False, 2)
    assert name_keys("卢某某") == NameKeys("卢某某", "卢某某", "", "卢", True, None)
    assert name_keys(" 陈 秀英 ") == name_keys("陈秀英")
    assert name_keys("") is None
