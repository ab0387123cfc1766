"""A database outage is a clean 503, the portal recovers by itself, and no write is lost.

The check starts a PostgreSQL cluster of its own (initdb in a temporary folder, a free port:
never the machine's shared server), serves the portal from it with gunicorn, and runs a
bounded loop of reads and writes (a planner creating needs) while it stops the cluster for a
few seconds and starts it again. It asserts: every page answers 503 with Retry-After while
the database is away (never a 500), the portal answers 200 again within seconds of the
database's return without a restart, and every write that was acknowledged is in the
database afterwards, whole (the need and its audit entry).

It takes about half a minute, so it runs with the PostgreSQL half of the suite
(`make test DATABASE_URL=postgres://...`, as CI does) or alone with `make outage`.
"""

import glob
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTAGE_SECONDS = 6
RECOVERY_LIMIT = 20


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _wanted() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres") or bool(
        os.environ.get("OUTAGE_CHECK")
    )


pytestmark = pytest.mark.skipif(
    not _wanted(), reason="runs with the PostgreSQL suite (DATABASE_URL=postgres://...) or alone"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster; as root its processes run as the `postgres` user."""

    def __init__(self, bindir: Path, folder: Path):
        self.bindir, self.data, self.port = bindir, folder / "data", free_port()
        self.socket_dir = folder
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(folder, "postgres")

    def run(self, *args, check=True):
        return subprocess.run(
            [*self.as_postgres, str(self.bindir / args[0]), *args[1:]],
            check=check,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def init(self):
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def start(self):
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1"
        log = str(self.socket_dir / "postgres.log")  # the server must not hold our pipes
        self.run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "-t", "30", "start"
        )

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/outage"


class Browser:
    """A planner's browser: cookies, CSRF tokens, no redirect following."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self.NoRedirect
        )

    def request(self, path, data=None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode()

    def form_post(self, path, data) -> tuple[int, dict, str]:
        status, _headers, html = self.request(path)
        if status != 200:
            return status, _headers, html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return self.request(path, {**data, "csrfmiddlewaretoken": token})


def manage(env, *args) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def test_a_database_outage_is_a_clean_503_and_loses_no_write(tmp_path):
    bindir = _bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's initdb is not installed")
        pytest.skip("PostgreSQL's initdb is not installed")
    folder = Path(tempfile.mkdtemp(prefix="outage-"))
    cluster = Cluster(bindir, folder)
    server = None
    try:
        cluster.init()
        cluster.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "outage"],
            check=True,
            env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"},
        )
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")},
            "DATABASE_URL": cluster.url,
            "SECRET_KEY": "outage-check-only-0123456789-0123456789-0123456789-abc",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "STATIC_ROOT": str(tmp_path / "static"),
            "CONN_MAX_AGE": "60",
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput", "-v0")
        ids = manage(
            env,
            "shell",
            "-v0",
            "-c",
            "from planning.models import Priority; from regions.models import Region;"
            "p = Priority.objects.get(code='RUTILAHU');"
            "v = Region.objects.get(code='36.72.04.1002'); print(p.pk, v.pk)",
        ).split()[-2:]
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "csrportal.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        browser = Browser(f"http://127.0.0.1:{port}")
        for _ in range(60):
            try:
                if browser.request("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        status, _h, _b = browser.form_post(
            "/accounts/login/", {"username": "planner", "password": "demo12345"}
        )
        assert status == 302

        acknowledged: list[str] = []
        number = 0

        def write() -> int:
            nonlocal number
            number += 1
            title = f"Kebutuhan uji gangguan {number}"
            status, headers, _body = browser.form_post(
                "/plan/needs/new/",
                {
                    "priority": ids[0],
                    "village": ids[1],
                    "title": title,
                    "quantity": "3",
                    "estimated_unit_cost": "20000000",
                    "source": "agency",
                },
            )
            if status == 302 and "/plan/needs/" in headers.get("Location", ""):
                acknowledged.append(title)
            return status

        def loop(seconds: float) -> list[tuple[str, int, str | None]]:
            seen, end = [], time.monotonic() + seconds
            while time.monotonic() < end:
                for path in ("/programs/", "/plan/needs/", "/healthz"):
                    status, headers, _body = browser.request(path)
                    seen.append((path, status, headers.get("Retry-After")))
                seen.append(("write", write(), None))
            return seen

        before = loop(3)
        assert {status for _p, status, _r in before} <= {200, 302}, before
        assert acknowledged

        cluster.stop()
        during = loop(OUTAGE_SECONDS)
        cluster.start()
        assert during, "no request was made during the outage"
        assert {status for _p, status, _r in during} == {503}, sorted(set(during))
        pages = [retry for path, _s, retry in during if path not in ("write", "/healthz")]
        assert all(retry == "30" for retry in pages), "a 503 page without Retry-After"

        started, recovered = time.monotonic(), None
        while time.monotonic() - started < RECOVERY_LIMIT:
            if browser.request("/programs/")[0] == 200:
                recovered = time.monotonic() - started
                break
            time.sleep(0.2)
        assert recovered is not None, "the portal did not recover without a restart"
        after = loop(2)
        assert {status for _p, status, _r in after} <= {200, 302}, after

        import psycopg

        with psycopg.connect(cluster.url.replace("postgres://", "postgresql://")) as conn:
            stored = {
                row[0]
                for row in conn.execute(
                    "SELECT title FROM planning_need WHERE title LIKE 'Kebutuhan uji gangguan %%'"
                )
            }
            audited = {
                row[0]
                for row in conn.execute(
                    "SELECT object_repr FROM auditlog_logentry "
                    "WHERE object_repr LIKE 'Kebutuhan uji gangguan %%' AND action = 0"
                )
            }
        assert set(acknowledged) <= stored, "an acknowledged write was lost"
        assert stored == audited, "a need without its audit entry: a write was half-done"
        print(
            f"\n[outage] {len(before)}/{len(during)}/{len(after)} requests before/during/after; "
            f"recovered {recovered:.1f} s after the database; "
            f"{len(acknowledged)} writes acknowledged, all stored"
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_database_that_never_answers_is_a_503_within_seconds(tmp_path):
    """A server that accepts connections and says nothing (a hung database, a black-holed
    network) costs a request the connection timeout, then a 503: never the worker's life."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])  # and never answer
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")},
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{listener.getsockname()[1]}/hung",
        "SECRET_KEY": "outage-check-only-0123456789-0123456789-0123456789-abc",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DB_CONNECT_TIMEOUT": "3",
    }
    manage(env, "collectstatic", "--noinput", "-v0")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "csrportal.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        for _ in range(60):
            try:
                browser.request("/static/css/portal.css")
                break
            except OSError:
                time.sleep(0.5)
        started = time.monotonic()
        status, _headers, _body = browser.request("/accounts/login/?next=/")
        status_health, _h, _b = browser.request("/healthz")
        elapsed = time.monotonic() - started
        assert (status, status_health) == (200, 503) or status == 503, (status, status_health)
        assert elapsed < 15, f"{elapsed:.1f} s: the connection timeout did not hold"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        listener.close()
        for connection in held:
            connection.close()
