"""Reads that may lag go to a real PostgreSQL streaming replica, and back to the primary when
the replica stops answering (core.replica).

The check starts a primary cluster of its own (initdb in a temporary folder, free ports: never
the machine's shared server), a streaming replica of it (pg_basebackup -R), and the portal
with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the replica, served by gunicorn.
It asserts: a planner's pages never touch the replica; public pages and the overview read from
it; with the replica stopped they are still served (from the primary); with it back, they read
from it again. It runs with the PostgreSQL half of the suite, or alone with `make outage`.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from .serving import Browser, Planner, manage, portal_env, served, wait_until_served
from .test_outage import Cluster, _bindir, _wanted

pytestmark = pytest.mark.skipif(
    not _wanted(), reason="runs with the PostgreSQL suite (DATABASE_URL=postgres://...) or alone"
)

PUBLIC = ("/public/", "/public/map/", "/overview/", "/overview/36/")


def portal_reads(replica: Cluster) -> list[str]:
    """The portal's connections to the replica: the last statement of each."""
    with psycopg.connect(
        host="127.0.0.1", port=replica.port, user="postgres", dbname="outage", autocommit=True
    ) as connection:
        rows = connection.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = 'outage' "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def wait_for(check, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def test_lagging_reads_go_to_a_replica_and_back_to_the_primary_without_it(tmp_path):
    bindir = _bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's initdb is not installed")
        pytest.skip("PostgreSQL's initdb is not installed")
    folder = Path(tempfile.mkdtemp(prefix="replica-"))
    folder.chmod(0o755)  # the clusters' own folders below belong to the postgres user
    (folder / "primary").mkdir()
    (folder / "replica").mkdir()
    primary = Cluster(bindir, folder / "primary")
    replica = Cluster(bindir, folder / "replica")
    path = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"}
    try:
        primary.init()
        primary.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "outage"],
            check=True,
            env=path,
        )
        env = portal_env(tmp_path, DATABASE_URL=primary.url, CONN_MAX_AGE="60")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput", "-v0")
        replica.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.data), "-R", "-X", "stream", "-c", "fast"),
        )
        replica.start()
        assert wait_for(lambda: portal_reads(replica) == [])  # it accepts reads: a standby

        env["DATABASE_REPLICA_URL"] = replica.url
        with served(env) as base:
            planner = Planner(base, env)
            planner.sign_in()
            for page in ("/programs/", "/plan/needs/", "/dashboard/"):
                status, _h, _b = planner.request(page)
                assert status == 200, (page, status)
            assert portal_reads(replica) == []  # a planner's own pages read the primary

            visitor = Browser(base)
            wait_until_served(visitor)
            for page in PUBLIC:
                status, _h, _b = visitor.request(page)
                assert status == 200, (page, status)
            reads = portal_reads(replica)
            assert reads, "the public pages did not read from the replica"

            replica.stop()
            time.sleep(2.5)  # longer than a worker trusts a replica that just answered
            for page in PUBLIC * 2:
                status, _h, _b = visitor.request(page)
                assert status == 200, ("without the replica", page, status)

            replica.start()

            def reads_again() -> bool:
                for page in PUBLIC:
                    visitor.request(page)
                return bool(portal_reads(replica))

            assert wait_for(reads_again, 40), "the replica was not used again once it was back"
        print(f"\n[replica] public pages read the replica: {len(reads)} connection(s)")
    finally:
        replica.stop()
        primary.stop()
        shutil.rmtree(folder, ignore_errors=True)
