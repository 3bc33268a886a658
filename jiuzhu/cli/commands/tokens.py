"""`jiuzhu tokens create --unit CODE --name TEXT [--expires DATE]`, `jiuzhu tokens list`, `jiuzhu tokens revoke NAME`
(cli.md): API tokens of partner units (api.md). The token is printed once, alone on the last line."""

from __future__ import annotations

import argparse
from datetime import date

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("tokens", help="协作单位的接口令牌 / API tokens of partner units")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    c = verbs.add_parser("create", help="新建令牌（只显示一次）/ make a token (shown once)")
    c.add_argument("--unit", required=True, help="单位代码，如 civil_affairs / unit code")
    c.add_argument("--name", required=True, help="令牌名称，如 民政低保系统 / a name for the token")
    c.add_argument("--expires", help="有效期至 YYYY-MM-DD（含当天）/ last day the token works")
    c.set_defaults(func=create)
    ls = verbs.add_parser("list", help="列出令牌（不显示令牌本身）/ list tokens")
    ls.set_defaults(func=list_tokens)
    rv = verbs.add_parser("revoke", help="吊销令牌 / revoke a token")
    rv.add_argument("name", help="令牌名称 / the token's name")
    rv.set_defaults(func=revoke)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def create(args: argparse.Namespace) -> int:
    try:
        expires = date.fromisoformat(args.expires) if args.expires else None
    except ValueError:
        raise CommandError(f"日期格式不对：{args.expires}（应为 YYYY-MM-DD）",
                           f"bad date {args.expires!r} (expected YYYY-MM-DD)") from None
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.api import tokens

    try:
        token, plain = tokens.create(args.unit, args.name, expires=expires)
    except tokens.TokenError as err:
        raise CommandError(err.zh, err.en) from None
    until = f"，有效期至 {token.expires}" if token.expires else "，长期有效"
    print(f"已为{token.unit.name}新建令牌“{token.name}”{until}。令牌只显示这一次，请妥善交给对方系统：")
    print(f"token for {token.unit.code} ({token.name}); shown only now:")
    print(plain)
    return 0


def list_tokens(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from django.utils import timezone

    from jiuzhu.app.api import tokens
    from jiuzhu.app.api.models import ApiToken

    print("单位 unit\t名称 name\t创建 created\t有效期至 expires\t最近使用 last used\t状态 state")
    for t in ApiToken.objects.select_related("unit").order_by("id"):
        used = timezone.localtime(t.last_used_at).strftime("%Y-%m-%d %H:%M") if t.last_used_at else "-"
        print(f"{t.unit.code}\t{t.name}\t{timezone.localtime(t.created_at):%Y-%m-%d %H:%M}\t{t.expires or '-'}\t"
              f"{used}\t{tokens.state(t)}")
    return 0


def revoke(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.api import tokens

    try:
        token = tokens.revoke(args.name)
    except tokens.TokenError as err:
        raise CommandError(err.zh, err.en) from None
    print(f"已吊销令牌“{token.name}”（{token.unit.name}）/ revoked {token.name}")
    return 0
