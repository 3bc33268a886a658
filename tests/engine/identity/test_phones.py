import pytest

from jiuzhu.engine.identity.phones import parse_phone


@pytest.mark.parametrize(("value", "out"), [
    ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("+86 138-1234-5678", "13812345678"),
    ("8613812345678", "13812345678"), (13812345678.0, "13812345678"), ("１３８１２３４５６７８", "13812345678"),
    ("0598-7654321", "0598-7654321"), ("05987654321", "0598-7654321"), ("(0598)7654321", "0598-7654321"),
    ("0598 76543210", "0598-76543210"), ("010-62345678", "010-62345678"),
])
def test_accepted(value, out):
    assert parse_phone(value) == out


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("7654321", "缺少区号"),
        ("1381234567", "不是有效"),
        ("23812345678", "不是有效"),
        ("", "电话为空"),
        ("无", "不是有效"),
    ],
)
def test_rejected(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_phone(value)
