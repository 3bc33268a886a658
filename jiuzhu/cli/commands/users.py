"""`jiuzhu users create-admin USERNAME [--name 姓名]`: the first data administrator of a new installation
(the password is asked twice, or read from standard input when it is not a terminal). Nobody is a Django
superuser; further users are made on the data administrator's page /accounts/users/."""

from __future__ import annotations

import argparse
import getpass
import sys

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("users", help="数据管理员账号 / the data administrator's account")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    c = verbs.add_parser("create-admin", help="新建数据管理员（检察院）/ make a data administrator")
    c.add_argument("username", help="登录名 / login name")
    c.add_argument("--name", default="数据管理员", help="姓名 / name shown")
    c.set_defaults(func=create_admin)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 / password: ")
    if first != getpass.getpass("再输入一次 / again: "):
        raise CommandError("两次输入的密码不一致", "the two passwords differ")
    return first


def create_admin(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from django.contrib.auth import get_user_model, password_validation
    from django.core.exceptions import ValidationError

    from jiuzhu.app.accounts.models import Unit
    from jiuzhu.app.accounts.roles import Role
    from jiuzhu.app.accounts.seed import seed_units
    from jiuzhu.app.accounts.users import save_user

    if get_user_model().objects.filter(username__iexact=args.username).exists():
        raise CommandError(f"登录名“{args.username}”已被使用", f"the login name {args.username!r} is taken")
    password = _password()
    try:
        password_validation.validate_password(password)
    except ValidationError as err:
        raise CommandError(
            "密码不符合要求：" + "；".join(err.messages), "the password does not meet the rules"
        ) from None
    seed_units()
    save_user(None, profile=None, username=args.username, display_name=args.name,
              unit=Unit.objects.get(code="procuratorate"), role=Role.DATA_ADMIN, password=password)
    print(f"已新建数据管理员 {args.username}（检察院）；其他用户请登录后在“用户管理”页面新建。")
    print(f"data administrator {args.username} created; make other users on /accounts/users/")
    return 0
