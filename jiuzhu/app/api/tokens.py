"""Make, check, list and revoke API tokens (``jiuzhu tokens`` and the data administrator's page)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jiuzhu.app.accounts import audit
from jiuzhu.app.accounts.models import Profile, Role, Unit
from jiuzhu.app.api.models import ApiToken
from jiuzhu.app.config.dates import today

PREFIX = "jz_"


class TokenError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def service_user(unit: Unit):
    """The unit's API identity: a liaison of the unit that cannot log in."""
    User = get_user_model()  # noqa: N806
    user, made = User.objects.get_or_create(username=f"api-{unit.code}"[:150])
    if made:
        user.set_unusable_password()
        user.save()
        Profile.objects.create(user=user, unit=unit, role=Role.LIAISON, display_name=f"{unit.name}（数据接口）")
    return user


def create(unit_code: str, name: str, *, expires: date | None = None, who=None) -> tuple[ApiToken, str]:
    """A new token for the unit; the token text is returned once and never stored."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        codes = "、".join(Unit.objects.values_list("code", flat=True))
        raise TokenError(f"没有代码为“{unit_code}”的单位（可用：{codes}）", f"no unit with code {unit_code!r}")
    name = name.strip()
    if not name:
        raise TokenError("令牌名称不能为空", "the token needs a name")
    if ApiToken.objects.filter(name=name).exists():
        raise TokenError(f"已有名为“{name}”的令牌", f"a token named {name!r} exists")
    if expires is not None and expires < today():
        raise TokenError("有效期不能早于今天", "the expiry date is in the past")
    plain = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(unit=unit, name=name, token_hash=digest(plain), user=service_user(unit),
                                        expires=expires, created_by=_name(who))
        audit.record(who, "create", token, detail={"unit": unit.code, "token": name,
                                                   "expires": expires.isoformat() if expires else None})
    return token, plain


def revoke(name: str, *, who=None) -> ApiToken:
    token = ApiToken.objects.filter(name=name).first()
    if token is None:
        raise TokenError(f"没有名为“{name}”的令牌", f"no token named {name!r}")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(who, "update", token, detail={"op": "revoke", "unit": token.unit.code, "token": name})
    return token


def check(plain: str) -> ApiToken | None:
    """The live token this text is, or None (unknown, revoked or past its expiry date)."""
    if not plain or not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    token = ApiToken.objects.select_related("unit", "user").filter(token_hash=digest(plain)).first()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires is not None and token.expires < today():
        return None
    return token


def state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "已吊销"
    if token.expires is not None and token.expires < today():
        return "已过期"
    return "有效"


def _name(who) -> str:
    user = getattr(who, "user", who)
    return user.get_username() if getattr(user, "is_authenticated", False) else "cli"
