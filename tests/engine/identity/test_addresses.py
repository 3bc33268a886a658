"""Township and village read from a free-text address (identity/addresses.py).

Places are real ones (大田县, 三元区, 尤溪县 townships); addresses are written the ways household,
court and 退役军人 registries write them, not the way our generator does.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.engine.identity.addresses import AddressIndex, Place, clean, locate

TOWNSHIPS = ("均溪镇", "石牌镇", "上京镇", "广平镇", "华兴镇", "太华镇", "济阳乡", "武陵乡", "屏山乡",
             "城关街道", "白沙街道")
VILLAGES = {
    "均溪镇": ("城东社区", "湖美村", "许思坑村", "玉田村"),
    "石牌镇": ("石牌村", "大坑村", "玉田村"),
    "广平镇": ("桥石村", "广平村", "万筹村"),
    "华兴镇": ("京口村", "仙亭村"),
    "太华镇": ("汤泉村", "小华村", "广平村"),
    "济阳乡": ("济阳村", "上地村"),
    "武陵乡": ("武陵村", "珠坂村"),
    "屏山乡": ("屏山村", "内洋村"),
    "城关街道": ("新市社区", "建新社区"),
    "白沙街道": ("长安社区", "白沙社区"),
}
REGION = ("福建省", "三明市", "大田县")
INDEX = AddressIndex(TOWNSHIPS, VILLAGES, REGION)


@pytest.mark.parametrize(("address", "expected"), [
    # full 户籍 form, with 组 and 号
    ("福建省三明市大田县广平镇桥石村10组18号", ("广平镇", "桥石村")),
    # without province / city / county
    ("广平镇桥石村", ("广平镇", "桥石村")),
    ("大田县均溪镇玉田村", ("均溪镇", "玉田村")),
    ("三明市大田县石牌镇玉田村委会", ("石牌镇", "玉田村")),
    # 村委会 / 村民委员会 / 居委会 forms
    ("福建省大田县华兴镇京口村委会", ("华兴镇", "京口村")),
    ("大田县济阳乡上地村民委员会", ("济阳乡", "上地村")),
    ("大田县均溪镇城东社区居委会", ("均溪镇", "城东社区")),
    ("大田县均溪镇城东居委会", ("均溪镇", "城东社区")),
    # XX乡XX村XX组
    ("武陵乡珠坂村3组", ("武陵乡", "珠坂村")),
    ("福建省大田县屏山乡内洋村下洋组25号", ("屏山乡", "内洋村")),
    # 街道 + 社区
    ("福建省三明市城关街道新市社区", ("城关街道", "新市社区")),
    ("白沙街道长安社区长安路12幢302室", ("白沙街道", "长安社区")),
    ("城关街道办事处建新社区", ("城关街道", "建新社区")),
    # full-width characters, spaces, line breaks, traditional characters
    ("福建省　大田县　廣平鎮　橋石村１０組", ("广平镇", "桥石村")),
    ("大田县太华镇\n汤泉村 5组", ("太华镇", "汤泉村")),
    # short forms: 福建大田, a stem confirmed by one of its villages or by another suffix (乡改镇)
    ("福建大田广平桥石村", ("广平镇", "桥石村")),
    ("大田县济阳镇济阳村", ("济阳乡", "济阳村")),
    # a township and a street, no village
    ("大田县均溪镇解放路8号", ("均溪镇", None)),
    ("三明市大田县上京镇", ("上京镇", None)),
    # the village of another township is not this township's village
    ("华兴镇桥石村", ("华兴镇", None)),
    # a village name only one township has
    ("大田县桥石村7组", ("广平镇", "桥石村")),
    ("京口村", ("华兴镇", "京口村")),
])
def test_known_forms(address, expected):
    assert INDEX.locate(address) == Place(*expected)


@pytest.mark.parametrize("address", [
    "",
    "   ",
    "福建省三明市大田县",  # no township at all
    "广平镇太华镇",  # two townships named equally
    "原石牌镇现均溪镇玉田村",
    "大田县玉田村",  # 玉田村 is in two townships
    "大田县广平村",  # so is 广平村 (and 广平 here is followed by 村, not by a village of 广平镇)
    "福建省三明市尤溪县城关镇",  # another county's township
    "福建省尤溪县广平镇桥石村",  # another county with our township names
    "厦门市思明区白沙街道长安社区",  # another city district
    "北京市朝阳区",
    "不详",
])
def test_nothing_or_several_is_none(address):
    assert INDEX.locate(address) is None


def test_none_and_non_text():
    assert INDEX.locate(None) is None
    assert locate(12345, TOWNSHIPS, VILLAGES) is None


def test_longest_township_wins_over_a_name_inside_it():
    idx = AddressIndex(("华兴镇", "兴镇"), {})
    assert idx.locate("华兴镇12号") == Place("华兴镇", None)
    assert idx.locate("兴镇5号") == Place("兴镇", None)


def test_values_come_back_as_the_data_spells_them():
    idx = AddressIndex(["广平镇"], {"广平镇": ["桥石村委会"]})
    assert idx.locate("广平镇桥石村3组") == Place("广平镇", "桥石村委会")


def test_without_region_names_any_county_prefix_is_foreign():
    idx = AddressIndex(TOWNSHIPS, VILLAGES)
    assert idx.locate("广平镇桥石村") == Place("广平镇", "桥石村")
    assert idx.locate("大田县广平镇桥石村") is None


def test_clean():
    assert clean("　广平鎮 橋石村民委员会１组") == "广平镇桥石村1组"
    assert clean("城东社区居民委员会") == "城东社区"


# ---------------------------------------------------------------- properties
pairs = st.sampled_from([(t, v) for t, vs in VILLAGES.items() for v in vs])
prefixes = st.sampled_from(["", "福建省", "福建省三明市", "福建省三明市大田县", "三明市大田县", "大田县", "福建大田",
                            "福建省大田县", "户籍地:"])
tails = st.one_of(
    st.just(""),
    st.integers(1, 20).map(lambda n: f"{n}组"),
    st.tuples(st.integers(1, 20), st.integers(1, 300)).map(lambda p: f"{p[0]}组{p[1]}号"),
    st.sampled_from(["委会", "民委员会", "下厝12号", "解放路3号"]),
)


def _fullwidth(text: str, mask: list[bool]) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() and m else c
                   for c, m in zip(text, mask + [False] * len(text), strict=False))


@given(pairs, prefixes, tails, st.lists(st.booleans(), max_size=40), st.lists(st.integers(0, 40), max_size=4))
def test_any_known_place_in_any_usual_form_is_found(pair, prefix, tail, widths, spaces):
    town, village = pair
    if tail in ("委会", "民委员会") and village.endswith("社区"):
        tail = "居" + tail  # 社区居委会, 社区居民委员会
    text = _fullwidth(prefix + town + village + tail, widths)
    for at in sorted(spaces, reverse=True):
        text = text[:at] + " " + text[at:]
    assert INDEX.locate(text) == Place(town, village)


@given(st.text(max_size=40))
def test_any_text_gives_a_known_place_or_none(text):
    found = INDEX.locate(text)
    assert found is None or (found.township in TOWNSHIPS and
                             (found.village is None or found.village in VILLAGES[found.township]))


@given(st.sampled_from(TOWNSHIPS), st.sampled_from(TOWNSHIPS), prefixes, tails)
def test_two_townships_never_guess(a, b, prefix, tail):
    if a == b or a in b or b in a:
        return
    assert INDEX.locate(prefix + a + tail + b) is None


@given(pairs, st.sampled_from(["尤溪县", "沙县区", "永安市", "三元区"]), tails)
def test_another_county_named_before_the_township_gives_none(pair, county, tail):
    town, village = pair
    assert INDEX.locate("福建省三明市" + county + town + village + tail) is None


@pytest.mark.parametrize(("address", "expected"), [
    ("福建省三明市大田县广平镇桥石村10组18号", ("广平镇", "桥石村", "10", "18")),
    ("大田县广平镇桥石村委会三组", ("广平镇", "桥石村", "3", None)),
    ("广平镇 桥石村 第十二村民小组 ５号", ("广平镇", "桥石村", "12", "5")),
    ("均溪镇城东社区建设路18号", ("均溪镇", "城东社区", None, "18")),
    ("广平镇桥石村二十队7-2号", ("广平镇", "桥石村", "20", "7")),
])
def test_house_reads_the_group_and_number_after_the_village(address, expected):
    index = AddressIndex(
        ["广平镇", "均溪镇"], {"广平镇": ["桥石村"], "均溪镇": ["城东社区"]}, ["福建省", "三明市", "大田县"]
    )
    assert tuple(index.house(address)) == expected


@pytest.mark.parametrize("address", ["广平镇桥石村", "广平镇", "尤溪县广平镇桥石村3组5号", "桥石村3组5号石牌镇"])
def test_house_needs_a_village_and_a_group_or_number(address):
    index = AddressIndex(["广平镇", "石牌镇"], {"广平镇": ["桥石村"]}, ["福建省", "三明市", "大田县"])
    assert index.house(address) is None
