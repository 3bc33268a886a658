"""Clues in a browser (Debian chromium via Playwright): a 民政 liaison answers an MZ-01 clue and the
procuratorate sees the answer; a handler finds a person by name and by ID and opens the person page; a clue
entered by hand becomes a case."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import login
from tests.fixtures.cases import make_clue
from tests.fixtures.warehouse import ID_A


@pytest.mark.django_db(transaction=True)
def test_liaison_answers_an_mz01_clue_and_the_procuratorate_sees_it(browser, live_server, personas,
                                                                    person_warehouse):
    from playwright.sync_api import expect

    clue = make_clue(rule="MZ-01", rule_name="疑似孤儿或事实无人抚养儿童", target_unit="civil_affairs",
                     person_name="郑小梅", person_key="pA", tags=["未成年人"], reason="父母一方死亡、一方服刑",
                     records=[{"record_id": "b1:S:4", "source_type": "dibao", "file": "低保.xlsx", "sheet": "S",
                               "row": 4},
                              {"record_id": "b2:S:9", "source_type": "victim", "file": "被害人.xlsx", "sheet": "S",
                               "row": 9}])
    base = live_server.url
    liaison = login(browser, base, "frank")
    liaison.click("nav >> text=线索")
    expect(liaison.locator("#queue")).to_contain_text("疑似孤儿或事实无人抚养儿童")
    liaison.click("#queue >> text=郑小梅")
    expect(liaison.locator("main")).to_contain_text(clue.person_id_number)  # the full ID, for eligibility
    expect(liaison.locator("main")).to_contain_text("低保.xlsx")
    expect(liaison.locator("main")).to_contain_text("低保对象")
    expect(liaison.locator(".link-pair").first).to_contain_text("匹配把握：极强")
    liaison.check("input[name=outcome][value=taken_up]")
    liaison.fill("textarea[name=note]", "已启动事实无人抚养儿童认定")
    liaison.click("button:has-text('提交答复')")
    expect(liaison.locator(".messages")).to_contain_text("已答复：纳入帮扶")

    leader = login(browser, base, "bob")
    leader.goto(f"{base}/clues/?state=answered_by_unit")
    leader.click("#queue >> text=郑小梅")
    expect(leader.locator("#unit-answer")).to_contain_text("民政局：纳入帮扶（已启动事实无人抚养儿童认定）")


@pytest.mark.django_db(transaction=True)
def test_handler_finds_a_person_by_name_and_by_id(browser, live_server, personas, person_warehouse):
    from playwright.sync_api import expect

    make_clue(person_key="pA", person_name="郑小梅", tags=[])
    base = live_server.url
    handler = login(browser, base, "alice")
    handler.click("nav >> text=查找人员")
    handler.fill("input[name=q]", "郑小")
    handler.click("button:has-text('查找')")
    expect(handler.locator("#hits")).to_contain_text("郑小明")
    handler.click("#hits >> text=郑小梅")
    expect(handler.locator("h1")).to_have_text("人员档案：郑小梅")
    expect(handler.locator("#records")).to_contain_text("被害人.xlsx")
    expect(handler.locator("#person-clues")).to_contain_text("被害人因案致贫")

    handler.goto(f"{base}/persons/")
    handler.fill("input[name=q]", ID_A)
    handler.click("button:has-text('查找')")
    expect(handler).to_have_url(f"{base}/persons/pA/")
    expect(handler.locator("#records")).to_contain_text("低保对象")


@pytest.mark.django_db(transaction=True)
def test_a_hand_entered_clue_becomes_a_case(browser, live_server, personas):
    from playwright.sync_api import expect

    base = live_server.url
    handler = login(browser, base, "alice")
    handler.goto(f"{base}/clues/new/")
    handler.select_option("select[name=source]", "petition")
    handler.fill("input[name=person_name]", "王芳")
    handler.fill("input[name=id_number]", "350425198001011234")
    handler.fill("input[name=phone]", "13800000000")
    handler.fill("input[name=address]", "均溪镇许思坑村")
    handler.fill("textarea[name=situation]", "丈夫遇害，赔偿未到位，家庭困难")
    handler.click("button:has-text('录入')")
    expect(handler.locator(".messages")).to_contain_text("线索已录入")
    handler.click("button:has-text('领取核查')")
    expect(handler.locator(".messages")).to_contain_text("已分派给艾检察官")
    handler.select_option("select[name=outcome]", "accept")
    handler.click("button[name=conclude]")
    expect(handler.locator("h1")).to_have_text("受理救助案件")
    expect(handler.locator("input[name=person_name]")).to_have_value("王芳")
    expect(handler.locator("input[name=address]")).to_have_value("均溪镇许思坑村")
    handler.select_option("select[name=category]", index=1)
    handler.click("button:has-text('受理')")
    expect(handler.locator(".messages")).to_contain_text(re.compile(r"已受理：.+检救〔\d{4}〕1号"))
