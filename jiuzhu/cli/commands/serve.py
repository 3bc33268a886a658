"""`jiuzhu serve [--port P]`: the web application on 127.0.0.1, under waitress."""

from __future__ import annotations

import argparse

from jiuzhu.cli.django_setup import setup


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="启动网页服务 / serve the web application on 127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=run)


def serve(port: int) -> None:
    setup()
    from waitress import serve as waitress_serve

    from jiuzhu.app.wsgi import application

    print(f"网页服务 / serving: http://127.0.0.1:{port}/", flush=True)
    waitress_serve(application, host="127.0.0.1", port=port, threads=8, ident="jiuzhu")


def run(args: argparse.Namespace) -> int:
    serve(args.port)
    return 0
