import pytest

from jiuzhu.engine.identity.enums import ENUMS, parse_enum, parse_yes_no


@pytest.mark.parametrize(
    ("kind", "value", "out"),
    [
        ("disability_grade", "二级", "二级"),
        ("disability_grade", "2级", "二级"),
        ("disability_grade", "2", "二级"),
        ("disability_grade", 2.0, "二级"),
        ("disability_grade", "贰级", "二级"),
        ("disability_grade", "Ⅳ级", "四级"),
        ("disability_kind", "肢体残疾", "肢体"),
        ("disability_kind", "肢体", "肢体"),
        ("disability_kind", "语言残疾", "言语"),
        ("sex", "男性", "男"),
        ("sex", " 女 ", "女"),
        ("relation", "妻子", "配偶"),
        ("relation", "长子", "子"),
        ("relation", "儿媳", "其他"),
        ("injury", "轻伤（二级）", "轻伤"),
        ("self_care", "完全自理", "全自理"),
        ("dibao_category", "农村低保", "农村"),
        ("monitor_category", "边缘易致贫户", "边缘易致贫户"),
        ("care_category", "事实无人抚养儿童", "事实无人抚养儿童"),
        ("support_mode", "集中供养", "集中"),
    ],
)
def test_variants(kind, value, out):
    assert parse_enum(kind, value) == out


def test_every_canonical_value_is_its_own_variant():
    for kind, values in ENUMS.items():
        for canonical in values:
            assert parse_enum(kind, canonical) == canonical


@pytest.mark.parametrize("value", ["是", "Y", "yes", "√", "1", True])
def test_yes(value):
    assert parse_yes_no(value) is True


@pytest.mark.parametrize("value", ["否", "N", "no", "×", "0", False])
def test_no(value):
    assert parse_yes_no(value) is False


def test_anything_else_is_a_bad_value_naming_the_accepted_ones():
    with pytest.raises(ValueError, match="可接受：一级、二级、三级、四级"):
        parse_enum("disability_grade", "五级")
    with pytest.raises(ValueError, match="值为空"):
        parse_enum("sex", "")
