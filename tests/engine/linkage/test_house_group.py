"""A person whose records name two houses keeps the least house and that house's own 组: the 组 is not
taken from another of her houses (min(house) beside min(house_group) paired "…|1" with "…|12|1", since
"…|12|1" < "…|1|3" as text), so the 同户同组 comparison sees the 组 she lives in."""

from __future__ import annotations

from jiuzhu.engine.linkage.features import read_subjects
from tests.engine.linkage.conftest import background, make_id

ADDR = "福建省三明市大田县均溪镇城东村{}"


def _one_person(registry, vet: str, dis: str) -> dict[str, dict]:
    """A 户籍 record without address and two records of the same person naming two houses (``vet``, ``dis``),
    each house named by a record without ID too; the features by record id."""
    background(registry)
    head = make_id("1955-03-03", 511)
    registry.add("hh", "林德福", id_number=head, source="household", township="均溪镇", village="城东村",
                 household_no="H1")
    registry.add("vet", "林德福", id_number=head, source="veteran", address=ADDR.format(vet))
    registry.add("dis", "林德福", id_number=head, source="disabled", address=ADDR.format(dis))
    registry.add("v", "林得福", source="victim", address=ADDR.format(vet))  # a house named without ID
    registry.add("w", "郑美玲", source="enforcement", address=ADDR.format(dis))
    return {r["unique_id"]: r for r in read_subjects(registry.build()).features.to_pylist()}


def test_the_house_and_its_own_group(registry):
    by_id = _one_person(registry, "3组1号", "1组12号")
    assert (by_id["vet"]["house"], by_id["vet"]["house_group"]) == ("均溪镇|城东村|1", "均溪镇|城东村|1|3")
    assert (by_id["dis"]["house"], by_id["dis"]["house_group"]) == ("均溪镇|城东村|12", "均溪镇|城东村|12|1")
    # the household record has no address: its person's least house, with that house's 组
    assert (by_id["hh"]["house"], by_id["hh"]["house_group"]) == ("均溪镇|城东村|1", "均溪镇|城东村|1|3")


def test_a_house_without_group_keeps_none(registry):
    by_id = _one_person(registry, "1号", "1组12号")
    assert (by_id["hh"]["house"], by_id["hh"]["house_group"]) == ("均溪镇|城东村|1", None)
