"""A Redis outage costs speed, never service: pages, sign-ins and writes go on.

The check starts a Redis server of its own (a free port, nothing kept on disk: never the
machine's shared one) as the portal's cache and task queue, serves the portal with gunicorn,
and runs a loop of reads, sign-ins and writes (a planner creating needs) while it stops Redis,
then hangs it (SIGSTOP: a server that accepts and never answers), then starts it again. It
asserts: no request answers 5xx, `/healthz` answers 200 and says the cache and the queue are
unavailable while they are, every acknowledged write is stored with its audit entry, and the
portal uses Redis again once it is back.

About 40 seconds: it runs with the PostgreSQL half of the suite, as CI does, or alone with
`make outage`.
"""

import json
import os
import time

import pytest

from tests.utils import PrivateRedis

from .serving import Planner, manage, portal_env, served

OUTAGE_SECONDS = 6

pytestmark = pytest.mark.skipif(
    not (
        os.environ.get("DATABASE_URL", "").startswith("postgres") or os.environ.get("OUTAGE_CHECK")
    ),
    reason="runs with the PostgreSQL suite (DATABASE_URL=postgres://...) or alone",
)


def health(planner) -> dict:
    status, _headers, body = planner.request("/healthz")
    return {"http": status, **json.loads(body)}


def test_a_redis_outage_costs_no_page_sign_in_or_write(tmp_path):
    redis = PrivateRedis.or_skip()
    redis.start()
    env = portal_env(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        REDIS_URL=redis.url(1),
        CELERY_BROKER_URL=redis.url(2),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput", "-v0")
        with served(env) as base:
            planner = Planner(base, env)
            planner.sign_in()
            pages = ("/", "/programs/", "/plan/needs/", "/plan/", "/public/", "/healthz")
            before = planner.loop(2, pages)
            assert {status for _p, status, _r in before} <= {200, 302}, before
            assert health(planner) == {
                "http": 200,
                "status": "ok",
                "database": "ok",
                "cache": "ok",
                "task_queue": "ok",
            }
            assert redis.keys() > 0, "the portal did not use Redis"

            redis.stop()
            stopped = planner.loop(OUTAGE_SECONDS, pages)
            newcomer = Planner(base, env)
            newcomer.sign_in("officer")  # a sign-in during the outage
            officer_home = newcomer.request("/")[0]
            signed_out = newcomer.form_post("/accounts/logout/", {}, page="/")[0]
            gone = newcomer.request("/")[0]  # the session ended: sent to the sign-in page
            stopped_health = health(planner)

            redis.start()  # an empty Redis on the same port: a restart
            redis.hang()
            started = time.monotonic()
            hung = planner.loop(OUTAGE_SECONDS, pages)
            hung_seconds = time.monotonic() - started
            hung_health = health(planner)
            redis.stop()

            redis.start()
            started = time.monotonic()  # each process tries Redis again within 30 s
            while time.monotonic() - started < 40 and not all(
                health(planner)["status"] == "ok" for _ in range(4)
            ):
                time.sleep(1)
            back_seconds = time.monotonic() - started
            after = planner.loop(2, pages)
            after_health = health(planner)

        for phase, seen in (("stopped", stopped), ("hung", hung), ("after", after)):
            errors = [entry for entry in seen if entry[1] >= 500]
            assert not errors, f"{phase}: {errors}"
            assert {status for _p, status, _r in seen} <= {200, 302}, (phase, sorted(set(seen)))
        assert (officer_home, signed_out, gone) == (200, 302, 302)
        for state in (stopped_health, hung_health):
            assert state["http"] == 200
            assert state["status"] == "degraded"
            assert state["cache"] == state["task_queue"] == "unavailable"
        assert after_health["status"] == "ok", after_health
        assert redis.keys() > 0, "the portal did not use Redis again"
        planner.assert_every_write_stored()
        print(
            f"\n[redis outage] {len(before)}/{len(stopped)}/{len(hung)}/{len(after)} requests "
            f"before/stopped/hung/after, 0 errors; {len(planner.acknowledged)} writes "
            f"acknowledged, all stored; {hung_seconds:.1f} s for {len(hung)} requests "
            f"while Redis hung; both processes used Redis again {back_seconds:.0f} s after it "
            "returned"
        )
    finally:
        redis.stop()
