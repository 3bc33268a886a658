"""The audit trail's hash chain and keyed hashes of personal values (no Django models here).

Each entry's `hash` is HMAC-SHA256, under a key kept outside the database, of the previous entry's hash and
the entry's canonical serialisation (sorted-key compact JSON of the chained fields). Someone who can write
the database but does not hold the key cannot change, remove or insert an entry without `jiuzhu audit
verify` noticing; only the newest entries can be cut off unnoticed unless the head is kept elsewhere.

Personal values (names, ID numbers, free text) never go into an entry: `personal(value)` is their keyed hash,
so the trail shows that a value changed (and whether two entries saw the same value) but not the value, and
deleting a person's data never touches the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.ipv6 import clean_ipv6_address

CHAINED = ("seq", "at", "user_id", "username", "action", "object_type", "object_id", "detail", "before",
           "after", "ip")
GENESIS = "0" * 64
# Field names whose values are personal wherever they appear in detail/before/after (the generic change log
# also hashes every free-text model field; this list covers explicit `record(...)` calls).
PERSONAL_FIELDS = frozenset({
    "name", "person_name", "display_name", "first_name", "last_name", "full_name", "id_number",
    "person_id_number", "applicant_name", "victim_name", "phone", "email", "address", "facts", "hardship",
    "other_help", "exceptional_reason", "new_hardship", "refusal_reason", "refusal_text", "findings",
    "reason", "result_note", "text", "comment", "remark", "bank_account", "account_name",
})
# 15- or 18-character mainland ID numbers (and long digit runs such as bank accounts) inside any string.
_ID_LIKE = re.compile(r"\d{15,}[\dXx]?|\d{17}[\dXx]")
PERSONAL_PREFIX = "hmac:"


def _key() -> bytes:
    return settings.JIUZHU_AUDIT_KEY.encode()


def _derived(purpose: str) -> bytes:
    return hmac.new(_key(), purpose.encode(), hashlib.sha256).digest()


def personal(value: Any) -> str:
    """The keyed hash that stands for a personal value in the trail ('' and None stay as they are)."""
    if value is None or value == "":
        return value
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False,
                                                             cls=DjangoJSONEncoder)
    return PERSONAL_PREFIX + hmac.new(_derived("personal"), text.encode(), hashlib.sha256).hexdigest()[:32]


def scrub(value: Any, key: str = "") -> Any:
    """JSON-ready copy of `value` with personal fields and ID-like strings replaced by their keyed hash."""
    if isinstance(value, dict):
        return {str(k): scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, key) for v in value]
    if key in PERSONAL_FIELDS and value not in (None, "") and not _is_hashed(value):
        return personal(value)
    if isinstance(value, str) and _ID_LIKE.search(value):
        return personal(value)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _is_hashed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PERSONAL_PREFIX) and len(value) == len(PERSONAL_PREFIX) + 32


def normal_ip(ip: str | None) -> str | None:
    """The address as the database gives it back (IPv6 compressed), or None for anything not an address."""
    try:
        ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    return clean_ipv6_address(ip) if ":" in ip else ip


def canonical(entry: dict) -> bytes:
    """The bytes an entry's hash covers: the chained fields, `at` in UTC ISO form, as compact sorted JSON."""
    fields = {k: entry.get(k) for k in CHAINED}
    at = fields["at"]
    if isinstance(at, datetime):
        fields["at"] = at.astimezone(UTC).isoformat()
    fields["ip"] = normal_ip(fields["ip"])
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      cls=DjangoJSONEncoder).encode()


def entry_hash(prev_hash: str, entry: dict) -> str:
    return hmac.new(_derived("chain"), prev_hash.encode() + b"\n" + canonical(entry), hashlib.sha256).hexdigest()


def verify_rows(rows) -> tuple[int, str | None]:
    """Walk entries in `seq` order (dicts with the chained fields, prev_hash and hash).

    Returns (entries checked, None) when intact, else (entries checked, the first problem in words,
    Chinese then English)."""
    prev, expected, n = GENESIS, 1, 0
    for row in rows:
        seq = row["seq"]
        if seq is None:
            return n, (f"第 {n + 1} 条之后有一条没有序号的记录（编号 id={row.get('id')}），被直接插入 / "
                       f"an entry without a sequence number (id={row.get('id')}) was inserted directly")
        if seq > expected:
            return n, (f"第 {expected} 条记录不见了（被删除） / entry {expected} was removed")
        if seq < expected:
            return n, (f"第 {seq} 条记录出现两次或顺序错乱（被插入） / entry {seq} was inserted out of order")
        if row["hash"] != entry_hash(row["prev_hash"], row):
            return n, (f"第 {seq} 条记录的内容与校验值不符（被修改或伪造插入） / "
                       f"entry {seq} was changed (or forged and inserted)")
        if row["prev_hash"] != prev:
            return n, (f"第 {seq} 条记录与前一条接不上（前面的记录被删除或插入） / "
                       f"entry {seq} does not follow entry {seq - 1} (an entry was removed or inserted)")
        prev, expected, n = row["hash"], expected + 1, n + 1
    return n, None
