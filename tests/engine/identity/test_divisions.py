"""The GB/T 2260 table: every county, the full name, withdrawn codes still found in old IDs."""

from __future__ import annotations

import pytest

from jiuzhu.engine.identity.divisions import Division, county_codes, division, division_of_id


@pytest.mark.parametrize(
    ("code", "full_name", "province", "city", "county"),
    [
        ("350425", "福建省三明市大田县", "福建省", "三明市", "大田县"),
        ("110105", "北京市朝阳区", "北京市", "", "朝阳区"),
        ("500229", "重庆市城口县", "重庆市", "", "城口县"),
        ("429004", "湖北省仙桃市", "湖北省", "", "仙桃市"),
        ("659001", "新疆维吾尔自治区石河子市", "新疆维吾尔自治区", "", "石河子市"),
        ("441900", "广东省东莞市", "广东省", "东莞市", ""),
        ("350400", "福建省三明市", "福建省", "三明市", ""),
        ("350000", "福建省", "福建省", "", ""),
        ("810000", "香港特别行政区", "香港特别行政区", "", ""),
    ],
)
def test_current_codes(code: str, full_name: str, province: str, city: str, county: str) -> None:
    d = division(code)
    assert d is not None
    assert (d.full_name, d.province, d.city, d.county, d.current) == (full_name, province, city, county, True)


def test_withdrawn_codes_are_kept_for_old_ids() -> None:
    shaxian = division("350427")
    assert shaxian == Division("350427", "福建省", "三明市", "沙县", current=False, until=None)
    assert division("350405").full_name == "福建省三明市沙县区"
    assert division("110103") == Division("110103", "北京市", "", "崇文区", current=False, until=2009)
    assert division("350401").full_name == "福建省三明市市辖区"


def test_unknown_codes() -> None:
    assert division("999999") is None
    assert division("") is None
    assert division_of_id("99999919900101123X") is None


def test_division_of_an_id() -> None:
    assert division_of_id("11010519491231002X").full_name == "北京市朝阳区"
    assert division_of_id("350425900101123").name == "大田县"


def test_every_county_is_covered() -> None:
    current = county_codes()
    # 2,800-odd county-level divisions (民政部, 2025): districts, counties, county-level cities, banners.
    assert 2840 <= len(current) <= 2860
    assert all(len(c) == 6 and c.isdigit() for c in current)
    assert len(county_codes(current_only=False)) > 6000
    by_province = {c[:2] for c in current}
    assert len(by_province) == 31  # 31 provinces; 港澳台 have province codes only
