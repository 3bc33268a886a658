"""The production stack on loopback, as deploy/ describes it: PostgreSQL, gunicorn (N processes,
jiuzhu/app/ops/gunicorn_conf.py), the background worker, and nginx with deploy/nginx/jiuzhu.conf and a
self-signed certificate, run as this process's own children (own prefix, high ports). Used by the stack
test and by bench/stack_load.py."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).parents[2]
SITE = REPO / "deploy" / "nginx" / "jiuzhu.conf"


def pg_base_url() -> str:
    url = os.environ.get("PG_TEST_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else "postgresql://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_site(static: Path, certs: Path, logs: Path, https_port: int, web_port: int) -> str:
    """The shipped site file with this machine's paths and ports; the plain-HTTP redirect dropped."""
    text = SITE.read_text(encoding="utf-8")
    start, end = text.index("# BEGIN http-redirect"), text.index("# END http-redirect")
    text = text[:start] + text[end:]
    for old, new in (
        ("127.0.0.1:8000", f"127.0.0.1:{web_port}"),
        ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
        ("/etc/jiuzhu/tls/", f"{certs}/"),
        ("/var/lib/jiuzhu/static/", f"{static}/"),
        ("/var/log/nginx/", f"{logs}/"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    return text


@dataclass
class Stack:
    root: Path
    web_workers: int = 2
    db_name: str = field(default_factory=lambda: f"jiuzhu_stack_{uuid.uuid4().hex[:8]}")
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home = self.root / "home"
        self.logs = self.root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.db_url = pg_base_url().rsplit("/", 1)[0] + "/" + self.db_name
        self.https_port, self.web_port = free_port(), free_port()

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def env(self) -> dict:
        return {**os.environ, "JIUZHU_HOME": str(self.home), "DATABASE_URL": self.db_url, "JIUZHU_HTTPS": "1",
                "PYTHONPATH": str(REPO), "JIUZHU_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SETTINGS_MODULE": "jiuzhu.app.settings"}

    def jiuzhu(self, *args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", *args], env=self.env, cwd=REPO,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"jiuzhu {' '.join(args)}: {done.stderr[-2000:]}"
        return done

    def python(self, code: str) -> None:
        subprocess.run([sys.executable, "-c", code], env=self.env, cwd=REPO, check=True, timeout=300)

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(pg_base_url().rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')

    def drop_database(self) -> None:
        import psycopg

        with psycopg.connect(pg_base_url().rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.db_url) as conn:
            return conn.execute(sql, params or []).fetchall()

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 — the child writes it until stop()
        self.procs[name] = subprocess.Popen(argv, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)

    def start(self) -> None:
        """Static files, certificate, then gunicorn, the worker and nginx; waits for /healthz 200."""
        subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"], env=self.env,
                       cwd=REPO, check=True, timeout=300)
        certs = self.root / "tls"
        certs.mkdir(exist_ok=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-keyout", str(certs / "jiuzhu.key"), "-out", str(certs / "jiuzhu.crt")],
                       check=True, capture_output=True, timeout=120)
        prefix = self.root / "nginx"
        (prefix / "logs").mkdir(parents=True, exist_ok=True)
        site = nginx_site(self.home / "static", certs, self.logs, self.https_port, self.web_port)
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's 0700 folders
        (prefix / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {self.logs}/nginx-main.error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n include /etc/nginx/mime.types;\n client_body_temp_path {prefix}/body;\n"
            f" proxy_temp_path {prefix}/proxy;\n fastcgi_temp_path {prefix}/fastcgi;\n"
            f" uwsgi_temp_path {prefix}/uwsgi;\n scgi_temp_path {prefix}/scgi;\n{site}\n}}\n", encoding="utf-8")
        self._spawn("gunicorn", [sys.executable, "-m", "gunicorn", "-c", "python:jiuzhu.app.ops.gunicorn_conf",
                                 "--bind", f"127.0.0.1:{self.web_port}", "--workers", str(self.web_workers)])
        self._spawn("worker", [sys.executable, "-m", "jiuzhu.cli.main", "worker", "--poll", "0.5"])
        self._spawn("nginx", [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(prefix), "-c",
                              str(prefix / "nginx.conf"), "-g", "daemon off;"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                assert proc.poll() is None, f"{name} exited: {(self.logs / f'{name}.log').read_text()[-2000:]}"
            if self.get("/healthz")[0] == 200:
                return
            time.sleep(0.5)
        raise AssertionError(f"the stack never answered /healthz 200: {self.get('/healthz')}")

    def get(self, path: str) -> tuple[int, bytes]:
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        try:
            with urllib.request.urlopen(self.base + path, timeout=30, context=insecure) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()
        except OSError:
            return 0, b""

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM if proc.args[0] != "nginx" else signal.SIGQUIT)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def log_text(self) -> str:
        return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(self.logs.glob("*.log")))
