"""The fast path for plain Han names (most names linkage reads) agrees with the general rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity import names
from jiuzhu.engine.linkage.features import name_table
from jiuzhu.engine.linkage.namekeys import NameKeys, general_name_keys, name_keys


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


# Characters every rule of the plain-Han path touches, each kind drawn as often as the others:
# traditional forms, 异体字 (some fold to a form trad → simp changes again), 某, 复姓 and surnames
# with their own reading, ordinary characters.
def _kind(chars) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(c for c in set(chars) if names.is_plain_han(c)))


_CHAR = st.one_of(
    _kind(list(names._trad_simp())[:300]),
    _kind(names._VARIANTS),
    _kind(names._VARIANTS.values()),
    st.just("某"),
    _kind("".join(names.COMPOUND_SURNAMES)),
    _kind(s for s in names.SURNAME_READINGS if len(s) == 1),
    _kind("陈林王伟秀英建华"),
)
_PLAIN = st.lists(_CHAR, min_size=1, max_size=5).map("".join)


@given(
    st.one_of(
        _PLAIN, st.builds(lambda s, rest: s + rest, st.sampled_from(sorted(names.COMPOUND_SURNAMES)), _PLAIN)
    )
)
def test_plain_han_keys_are_the_general_rules_keys(text):
    name_keys.cache_clear()
    assert name_keys(text) == general_name_keys(text)


def test_the_name_table_gives_each_names_keys_and_leaves_the_cache_alone():
    """name_table reads distinct names (a province's millions): through name_keys' cache it would fill it,
    ≈ 1 KB a name held for the rest of the process, for no hit (docs/performance.md, fourth session)."""
    name_keys.cache_clear()
    table = name_table(["張秀英", "卢某某", ""])
    assert table.to_pylist() == [
        {"name": "張秀英", "norm": "张秀英", "fold": "张秀英", "pinyin": "zhang xiu ying", "surname": "张",
         "masked": False, "length": 3},
        {"name": "卢某某", "norm": "卢某某", "fold": "卢某某", "pinyin": None, "surname": "卢", "masked": True,
         "length": None}]
    assert name_keys.cache_info().currsize == 0
