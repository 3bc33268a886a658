"""Another cell of the row carrying the subject's ID number (features.alt_number, comparison alt_id):
the 残疾证号 of a 持证残疾人 row, the 户主身份证号 of the head's own 低保 / 监测 row."""

from __future__ import annotations

from jiuzhu.engine.identity import idcard
from jiuzhu.engine.linkage import link_connection
from jiuzhu.engine.linkage.features import alt_number, read_subjects
from jiuzhu.engine.linkage.model import ALT_ID_LEVEL, HOUSEHOLD_LEVEL
from jiuzhu.engine.linkage.run import partition
from tests.engine.linkage.conftest import background, make_id

ID = make_id("1976-09-23", 461)
WRONG_CHECK = ID[:17] + ("0" if ID[17] != "0" else "1")


def test_certificate_gives_its_id_number():
    assert alt_number("cert", ID + "43") == ID
    assert alt_number("cert", " " + ID[:6] + " " + ID[6:] + "43\u3000") == ID  # spaces anywhere
    assert (
        alt_number("cert", ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "４３") == ID
    )


def test_certificate_without_a_valid_id_gives_none():
    assert alt_number("cert", WRONG_CHECK + "43") is None  # check digit
    assert alt_number("cert", "35042519761332461" + "X43") is None  # no 13th month
    assert alt_number("cert", ID + "4") is None  # 19 characters
    assert alt_number("cert", ID + "432") is None  # 21
    # 18: an ID number typed in the certificate column, not a certificate
    assert alt_number("cert", ID) is None
    assert alt_number("cert", ID + "83") is None  # 类别 is 1–7
    assert alt_number("cert", ID + "45") is None  # 等级 is 1–4
    assert alt_number("cert", "3.50425197609234e+19") is None  # the Excel number form
    assert alt_number("cert", None) is None


def test_head_id_is_read_like_an_id_cell():
    assert alt_number("head", ID) == ID
    assert alt_number("head", ID[:6] + ID[8:17]) == idcard.upgrade_15(ID[:6] + ID[8:17])  # 15 digits
    assert alt_number("head", "3.50425197609234e+17") is None  # corrupted
    assert alt_number("head", WRONG_CHECK) is None
    assert alt_number("head", "") is None


def _alt_ids(registry) -> dict[str, str | None]:
    con = registry.build()
    return {r["unique_id"]: r["alt_id"] for r in read_subjects(con).features.to_pylist()}


def test_alt_id_per_row(registry):
    head = make_id("1968-12-15", 211)
    son = make_id("1993-08-29", 727)
    registry.add("d_ok", "林惠婷", source="disability", disability_cert_no=ID + "43")
    registry.add("d_bad", "林惠婷", source="disability", disability_cert_no=WRONG_CHECK + "43")
    registry.add(
        "d_corrupt", "林惠婷", source="disability", id_status="corrupted", disability_cert_no=ID + "43"
    )
    registry.add("d_valid", "林惠婷", source="disability", id_number=son, disability_cert_no=ID + "43")
    registry.add("d_born", "林惠婷", source="disability", birth="1976-09-24", disability_cert_no=ID + "43")
    registry.add("d_sex", "林惠婷", source="disability", sex="男" if int(ID[16]) % 2 == 0 else "女",
                 disability_cert_no=ID + "43")
    registry.add("h_head", "林福建", source="dibao", head_name="林福建", head_id_number=head, relation="户主")
    registry.add("h_typo", "林福键", source="dibao", head_name="林福建", head_id_number=head, relation="户主")
    registry.add("h_son", "林建国", source="dibao", head_name="林福建", head_id_number=head, relation="子")
    registry.add(
        "h_other", "陈美玉", source="dibao", head_name="林福建", head_id_number=head, relation="户主"
    )
    registry.add(
        "h_bad", "林福建", source="dibao", head_name="林福建", head_id_number=WRONG_CHECK, relation="户主"
    )
    registry.add("w_same", "林福建", source="poverty_watch", head_name="林福建", head_id_number=head)
    registry.add("w_typo", "林福键", source="poverty_watch", head_name="林福建", head_id_number=head)
    registry.add(
        "w_masked", "林某某", source="poverty_watch", masked=True, head_name="林某某", head_id_number=head
    )
    assert _alt_ids(registry) == {
        "d_ok": ID, "d_bad": None, "d_corrupt": ID, "d_valid": None,
        "d_born": None,  # the row's birth date is not the certificate's
        "d_sex": None,  # nor its sex
        "h_head": head, "h_typo": head,  # 户主: one character apart is a typo on one of the two cells
        "h_son": None, "h_other": None, "h_bad": None,
        "w_same": head,  # no 与户主关系: only an identical name
        "w_typo": None, "w_masked": None,
    }


def test_certificate_links_to_the_right_namesake(registry):
    background(registry)
    first, second = make_id("1962-03-07", 55), ID
    registry.add("a", "陈秀英", id_number=first, township="均溪镇", source="household")
    registry.add("b", "陈秀英", id_number=second, township="均溪镇", source="household")
    registry.add("c", "陈秀英", source="disability", township="均溪镇", disability_cert_no=second + "43")
    registry.add("d", "陈秀英", source="disability", township="均溪镇", id_status="corrupted",
                 disability_cert_no=WRONG_CHECK + "43")
    # the head's own 低保 row links through 户主身份证号; a son named on the same row does not
    head = make_id("1958-01-20", 311)
    registry.add("h", "郑德福", id_number=head, township="均溪镇", source="household")
    registry.add("i", "郑德福", source="dibao", township="均溪镇", head_name="郑德福", head_id_number=head,
                 relation="户主")
    registry.add("h2", "郑德福", id_number=make_id("1983-05-05", 313), township="均溪镇", source="household")
    con = registry.build()
    link_connection(con)
    index = dict(con.sql("SELECT record_id, person_key FROM person_index").fetchall())
    assert index["c"] == index["b"] != index["a"]
    assert index["d"] not in (index["a"], index["b"])  # a wrong check digit: two namesakes, a tie, alone
    assert index["i"] == index["h"] != index["h2"]
    # the explanation names the evidence, and the same pairs on the wrong namesake weigh against
    _, part = partition(con)
    links = {(e.left, e.right): e for e in part.links}
    assert links[("b", "c")].levels["alt_id"] == ALT_ID_LEVEL
    assert links[("h", "i")].levels["alt_id"] == ALT_ID_LEVEL
    assert ("a", "c") not in links and ("h2", "i") not in links


def test_household_version(registry):
    """A member who is not the head: the one ID-bearing person of that name in the head's 户."""
    background(registry)
    head, son, namesake = make_id("1958-01-20", 311), make_id("1985-04-04", 313), make_id("1986-02-02", 315)
    registry.add("h", "郑德福", id_number=head, township="均溪镇", source="household", household_no="H1")
    registry.add("s", "郑小明", id_number=son, township="均溪镇", source="household", household_no="H1")
    registry.add("n", "郑小明", id_number=namesake, township="均溪镇", source="household", household_no="H2")
    registry.add(
        "m",
        "郑小明",
        source="dibao",
        township="均溪镇",
        head_name="郑德福",
        head_id_number=head,
        relation="子",
    )
    registry.add(
        "m_born",
        "郑小明",
        source="dibao",
        township="均溪镇",
        birth="1986-02-02",
        head_name="郑德福",
        head_id_number=head,
        relation="子",
    )
    # two of that name in the head's 户: none
    head2, a, b = make_id("1950-05-05", 317), make_id("1975-06-06", 319), make_id("1978-07-07", 321)
    registry.add("h2", "吴国平", id_number=head2, source="household", household_no="H3")
    registry.add("a2", "吴建华", id_number=a, source="household", household_no="H3")
    registry.add("b2", "吴建桦", id_number=b, source="household", household_no="H3")  # same pinyin
    registry.add("m2", "吴建华", source="dibao", head_name="吴国平", head_id_number=head2, relation="子")
    # a head whose number no 户籍 record holds: none
    registry.add(
        "m3", "郑小明", source="poverty_watch", head_name="郑德胜", head_id_number=make_id("1957-03-03", 323)
    )
    con = registry.build()
    rows = {r["unique_id"]: r for r in read_subjects(con).features.to_pylist()}
    assert {k: (rows[k]["alt_id"], rows[k]["hh_id"]) for k in ("m", "m_born", "m2", "m3")} == {
        "m": (None, son), "m_born": (None, None), "m2": (None, None), "m3": (None, None)}
    _, part = partition(con)
    links = {(e.left, e.right): e for e in part.links}
    assert links[("m", "s")].levels["alt_id"] == HOUSEHOLD_LEVEL
    assert ("m", "n") not in links
