from __future__ import annotations

from tests.fixtures.personas import PASSWORD


def login(browser, base: str, username: str, password: str = PASSWORD, *, timeout_ms: float = 30_000, **context):
    """A new browser context (a separate person) logged in as `username`; returns its page."""
    page = browser.new_context(locale="zh-CN", accept_downloads=True, **context).new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page
