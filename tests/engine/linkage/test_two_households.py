"""A person registered in two 户 (one ID number under two 户号 in 户籍 — a duplicate registration, which
real registers hold) and no address of her own: her records take one house, not a feature row per 户
(a record's features are one row: Splink's unique_id)."""

from __future__ import annotations

from collections import Counter

from jiuzhu.engine.linkage import link_connection
from jiuzhu.engine.linkage.features import read_subjects
from tests.engine.linkage.conftest import background, make_id
from tests.engine.linkage.test_comparisons import persons

ADDR = "福建省三明市大田县均溪镇城东村{}"


def test_a_person_in_two_households_has_one_feature_row_per_record(registry):
    background(registry)
    head1, head2, wife = make_id("1955-03-03", 511), make_id("1956-04-04", 513), make_id("1958-08-08", 512)
    # two heads whose addresses (退役军人) name two houses; the wife in both 户, no address of her own
    for rid, head, hh, house in (("h1", head1, "H1", "2组8号"), ("h2", head2, "H2", "5组19号")):
        registry.add(rid, "林德福" if rid == "h1" else "林德寿", id_number=head, source="household",
                     township="均溪镇", village="城东村", household_no=hh)
        registry.add(f"{rid}_vet", "林德福" if rid == "h1" else "林德寿", id_number=head, source="veteran",
                     address=ADDR.format(house))
    for rid, hh in (("s1", "H1"), ("s2", "H2")):
        registry.add(rid, "陈秀英", id_number=wife, source="household", township="均溪镇", village="城东村",
                     household_no=hh)
    registry.add("v", "陈秀瑛", source="victim", address=ADDR.format("2组8号"))
    registry.add("w", "郑美玲", source="enforcement", address=ADDR.format("5组19号"))  # H2's house named too
    con = registry.build()
    rows = read_subjects(con).features.to_pylist()
    counts = Counter(r["unique_id"] for r in rows)
    assert {rid: n for rid, n in counts.items() if n > 1} == {}
    by_id = {r["unique_id"]: r for r in rows}
    # one of her 户's houses (the least, as for a person with two addresses), the same for both of her records
    assert by_id["s1"]["house"] == by_id["s2"]["house"] == "均溪镇|城东村|19"
    assert by_id["h1"]["house"] == "均溪镇|城东村|8" and by_id["h2"]["house"] == "均溪镇|城东村|19"
    link_connection(con)
    p = persons(con)
    assert p["s1"] == p["s2"] != p["h1"]
