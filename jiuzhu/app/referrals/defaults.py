"""The referral time limits as first configured (workflow.md §3); the county edits the rows in the admin.
Read by the data migration that adds the rows."""

from __future__ import annotations

# code, name, working days, note
TIME_LIMITS: tuple[tuple[str, str, int, str], ...] = (
    ("referral_receipt", "移送签收期限", 3, "workflow.md §3：自发送之日起"),
    ("referral_answer", "移送反馈期限", 15, "workflow.md §3：自签收之日起"),
    ("referral_answer_rural", "扶贫/乡村振兴移送反馈期限", 5, "workflow.md §3：自签收之日起"),
    ("plan_item", "救助方案事项落实期限", 15, "默认值，可按事项调整完成期限"),
)
