"""Characters alike in shape (形近字): the rule that makes ``data/shape_alike.csv`` and the committed table."""

from __future__ import annotations

from jiuzhu.engine.identity.data.build_tables import _gb2312, shape_alike
from jiuzhu.engine.identity.names import shape_alike_pairs


def test_the_rule_one_stroke_apart_and_at_most_one_corner_apart():
    # stroke order as 横竖撇点折 = 1–5, four-corner code (5 digits: the four corners and the 附角)
    order = {"王": "1121", "玉": "11214", "主": "41121", "己": "515", "已": "515", "士": "121",
             "干": "112", "丰": "1112"}
    corners = {"王": "10104", "玉": "10103", "主": "00104", "己": "17717", "已": "17717", "士": "40300",
               "干": "10400", "丰": "50000"}
    assert shape_alike(order, corners, list(order)) == [
        ("主", "王"),  # a dot added; one corner differs
        ("己", "已"),  # the same strokes, the same corners
        ("干", "王"),  # a stroke added, one corner apart
        ("玉", "王"),  # a dot added; the same four corners
    ]
    # 士/王: one stroke apart but two corners differ (made up here); 主/玉: two strokes apart
    assert shape_alike(order, corners, ["王", "士"]) == []
    assert shape_alike(order, corners, ["主", "玉"]) == []


def test_the_committed_table():
    pairs = set(shape_alike_pairs())
    assert len(pairs) == 2 * 1730
    for a, b in ("己已", "己巳", "王玉", "王主", "林材", "土士", "未末", "日曰", "李季", "陈际", "英茵"):
        assert (a, b) in pairs and (b, a) in pairs
    for a, b in ("王李", "陈阵", "明朋", "林琳"):  # not alike by the rule (陈/阵: three strokes apart)
        assert (a, b) not in pairs
    assert {c for pair in pairs for c in pair} <= set(_gb2312())
