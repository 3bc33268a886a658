"""The due mark every list shows: the same markup the included template casework/_due.html gave."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

# casework/_due.html as it was, with its final newline
INCLUDED = (
    "{% if due %}<span class=\"{% if status == 'overdue' %}overdue{% elif status == 'soon' %}soon{% endif %}\">"
    "{{ due|date:\"Y-m-d\" }}{% if status == 'overdue' %}（已逾期）{% elif status == 'soon' %}（即将到期）{% endif %}"
    "</span>{% else %}—{% endif %}\n"
)


@pytest.mark.parametrize("due", [date(2026, 12, 8), date(987, 1, 2), datetime(2026, 12, 7, 17, 0, tzinfo=UTC),
                                 None, ""])
@pytest.mark.parametrize("status", ["overdue", "soon", "", None, "other"])
def test_due_mark_is_the_included_markup(due, status):
    context = {"due": due, "status": status}
    tag = Template("{% load due_marks %}{% due_mark due status %}").render(Context(context))
    assert tag == Template(INCLUDED).render(Context(context))


def test_due_mark_words():
    html = Template("{% load due_marks %}{% due_mark d 'overdue' %}|{% due_mark d 'soon' %}|{% due_mark None %}")
    assert html.render(Context({"d": date(2026, 12, 8)})) == (
        '<span class="overdue">2026-12-08（已逾期）</span>\n|<span class="soon">2026-12-08（即将到期）</span>\n|—\n')
