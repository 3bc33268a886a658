"""受理 from a clue: pre-filled from what the clue knows, a suggested category, every ID checked with the
intake's rules, details correctable until the decision (audited with before and after)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.casework.models import Case, Category, TimelineEvent
from jiuzhu.app.casework.services.acceptance import accept_case, checked_id, correct, suggest_category
from jiuzhu.app.casework.services.errors import CaseworkError
from tests.fixtures.cases import PERSON_ID, make_clue

pytestmark = pytest.mark.django_db
WRONG_CHECK_DIGIT = PERSON_ID[:17] + ("0" if PERSON_ID[17] != "0" else "1")


@pytest.mark.parametrize(("facts", "category"), [
    ({"crime": "诈骗罪"}, Category.PROPERTY_LOSS),
    ({"crime": "故意伤害罪", "injury": "重伤"}, Category.SEVERE_INJURY),
    ({"crime": "故意杀人罪", "injury": "死亡"}, Category.DEATH_DEPENDANTS),
    ({"cause": "机动车交通事故责任纠纷"}, Category.CIVIL_TORT),
    ({"crime": "故意伤害罪", "injury": "轻伤"}, Category.OTHER),
    ({}, Category.OTHER),
])
def test_suggested_category_follows_the_case(facts, category):
    assert suggest_category(facts)[0] == category


def test_form_is_prefilled_from_the_clue(client, people):
    clue = make_clue(facts={"township": "均溪镇", "village": "城关村", "crime": "诈骗罪",
                            "judgment_no": "(2024)闽0425刑初45号"})
    client.force_login(people["alice"])
    response = client.get(reverse("casework:new_case") + f"?clue={clue.pk}")
    form = response.context["form"]
    assert {k: form.initial[k] for k in ("person_name", "person_id_number", "township", "address",
                                         "underlying_case_no", "crime_or_cause", "category", "origin")} == {
        "person_name": "郑小梅", "person_id_number": PERSON_ID, "township": "均溪镇", "address": "均溪镇城关村",
        "underlying_case_no": "(2024)闽0425刑初45号", "crime_or_cause": "诈骗罪",
        "category": Category.PROPERTY_LOSS, "origin": "screening"}
    page = response.content.decode()
    assert "系统建议的救助对象类别：<b>（四）被害人财产遭受重大损失" in page and "罪名/案由：诈骗罪" in page


def _post(client, people, clue=None, **over):
    data = {"origin": "application", "person_name": "林某", "person_id_number": "", "category": "other",
            "applicant_relation": "本人", "handler": people["alice"].profile.pk, "accepted_on": "2025-09-26"}
    data.update(over)
    url = reverse("casework:new_case") + (f"?clue={clue.pk}" if clue else "")
    return client.post(url, data, follow=True)


def test_wrong_id_typed_at_accept_from_a_clue_is_refused_not_ignored(client, people):
    clue = make_clue()
    client.force_login(people["alice"])
    page = _post(client, people, clue, person_id_number=WRONG_CHECK_DIGIT).content.decode()
    assert "救助对象身份证号：身份证号有误：身份证号码校验位不符，请核对后重新填写" in page
    assert not Case.objects.exists()


def test_corrected_id_typed_at_accept_from_a_clue_is_used(client, people):
    clue = make_clue(person_id_number="")
    client.force_login(people["alice"])
    _post(client, people, clue, person_id_number="35042520150315001X")
    assert Case.objects.get().person_id_number == "35042520150315001X"


def test_wrong_check_digit_refused_on_a_hand_made_case(client, people):
    client.force_login(people["alice"])
    page = _post(client, people, origin="hand_clue", person_id_number=WRONG_CHECK_DIGIT).content.decode()
    assert "校验位不符" in page
    assert not Case.objects.exists()
    with pytest.raises(CaseworkError, match="救助对象身份证号有误：身份证号码校验位不符"):
        accept_case(by=people["alice"], handler=people["alice"], person_name="林某", category="other",
                    person_id_number=WRONG_CHECK_DIGIT)


def test_ids_are_normalised_as_intake_does():
    assert checked_id(" ３５０４２５２０１５０３１５００１ｘ ") == "35042520150315001X"
    assert checked_id("") == ""
    with pytest.raises(CaseworkError, match="应为18位或15位，这里是5位"):
        checked_id("12345")


def test_details_correctable_until_the_decision_audited(case_at, people):
    case = case_at("reviewing")
    names = correct(case, by=people["alice"], category=Category.PROPERTY_LOSS, address="均溪镇城关村8号",
                    person_id_number="35042520150315001X", township=case.township)
    assert names == ["救助对象类别", "住址", "救助对象身份证号"]
    case.refresh_from_db()
    assert (case.category, case.address, case.person_id_number) == (
        Category.PROPERTY_LOSS, "均溪镇城关村8号", "35042520150315001X")
    event = TimelineEvent.objects.get(case=case, kind="corrected")
    assert event.text == "更正受理信息：救助对象类别、住址、救助对象身份证号"
    assert "350425" not in event.text
    audit = AuditEvent.objects.filter(object_id=str(case.pk), detail__step="correct").get()
    assert set(audit.before) == set(audit.after) == {"category", "address", "person_id_number"}
    with pytest.raises(CaseworkError, match="校验位不符"):
        correct(case, by=people["alice"], person_id_number=WRONG_CHECK_DIGIT)


def test_no_correction_after_the_decision(case_at, people):
    case = case_at("granted")
    with pytest.raises(CaseworkError, match="作出决定后不能再更正受理信息"):
        correct(case, by=people["alice"], address="别处")


def test_correction_page(client, case_at, people):
    case = case_at("reviewing")
    client.force_login(people["alice"])
    url = reverse("casework:correct_case", args=[case.pk])
    assert "更正受理信息" in client.get(reverse("casework:case_detail", args=[case.pk])).content.decode()
    form = client.get(url).context["form"]
    data = {k: (v if v is not None else "") for k, v in form.initial.items()}
    data.update(category="property_loss", handler=people["alice"].profile.pk)
    response = client.post(url, data, follow=True)
    page = response.content.decode()
    assert "已更正：救助对象类别" in page, [str(m) for m in response.context["messages"]]
    case.refresh_from_db()
    assert case.category == "property_loss" and case.person_id_number == PERSON_ID
    client.force_login(people["frank"])  # a partner may not
    assert client.get(url).status_code == 403


def test_accepted_on_is_a_date(people):
    case = accept_case(by=people["alice"], handler=people["alice"], person_name="林某", category="other",
                       person_id_number="35042520150315001X", on=date(2025, 9, 26))
    assert case.person_id_number == "35042520150315001X"
