"""Every printable document of a case, by slug."""

from __future__ import annotations

from jiuzhu.app.casework.documents import approval_form, decision, payment_form, refusal, review_report

# slug → (title, module); each module has ready(case) and render(case)
DOCUMENTS = {
    "review-report": ("审查报告", review_report),
    "approval-form": ("国家司法救助审批表", approval_form),
    "decision": ("救助决定书", decision),
    "refusal": ("不予救助通知书", refusal),
    "payment-form": ("救助金发放表", payment_form),
}


def available(case) -> list[tuple[str, str]]:
    """(slug, title) of the documents this case can produce now."""
    return [(slug, title) for slug, (title, module) in DOCUMENTS.items() if module.ready(case)]
