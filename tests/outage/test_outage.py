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
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.utils import free_port

from .serving import Planner, manage, portal_env, served, wait_until_served

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


def test_a_database_outage_is_a_clean_503_and_loses_no_write(tmp_path):
    bindir = _bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's initdb is not installed")
        pytest.skip("PostgreSQL's initdb is not installed")
    folder = Path(tempfile.mkdtemp(prefix="outage-"))
    cluster = Cluster(bindir, folder)
    try:
        cluster.init()
        cluster.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "outage"],
            check=True,
            env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"},
        )
        env = portal_env(tmp_path, DATABASE_URL=cluster.url, CONN_MAX_AGE="60")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput", "-v0")
        with served(env) as base:
            planner = Planner(base, env)
            planner.sign_in()
            before = planner.loop(3)
            assert {status for _p, status, _r in before} <= {200, 302}, before
            assert planner.acknowledged

            cluster.stop()
            during = planner.loop(OUTAGE_SECONDS)
            cluster.start()
            assert during, "no request was made during the outage"
            assert {status for _p, status, _r in during} == {503}, sorted(set(during))
            pages = [retry for path, _s, retry in during if path not in ("write", "/healthz")]
            assert all(retry == "30" for retry in pages), "a 503 page without Retry-After"

            recovered = planner.recovery(RECOVERY_LIMIT)
            assert recovered is not None, "the portal did not recover without a restart"
            after = planner.loop(2)
            assert {status for _p, status, _r in after} <= {200, 302}, after

        planner.assert_every_write_stored()
        print(
            f"\n[outage] {len(before)}/{len(during)}/{len(after)} requests before/during/after; "
            f"recovered {recovered:.1f} s after the database; "
            f"{len(planner.acknowledged)} writes acknowledged, all stored"
        )
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_database_that_never_answers_is_a_503_within_seconds(tmp_path):
    """A server that accepts connections and says nothing (a hung database, a black-holed
    network) costs a request the connection timeout, then a 503: never the worker's life."""
    import socket
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
    env = portal_env(
        tmp_path,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{listener.getsockname()[1]}/hung",
        DB_CONNECT_TIMEOUT="3",
    )
    manage(env, "collectstatic", "--noinput", "-v0")
    try:
        with served(env, workers=1) as base:
            browser = Planner(base, env)
            wait_until_served(browser)
            started = time.monotonic()
            status, _headers, _body = browser.request("/accounts/login/?next=/")
            status_health, _h, _b = browser.request("/healthz")
            elapsed = time.monotonic() - started
        assert (status, status_health) == (200, 503) or status == 503, (status, status_health)
        assert elapsed < 15, f"{elapsed:.1f} s: the connection timeout did not hold"
    finally:
        listener.close()
        for connection in held:
            connection.close()
