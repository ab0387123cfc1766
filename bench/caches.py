"""Benchmark: what each cache saves on its page (docs/caching.md), measured on and off in the
same run, on the national data set that `make bench` seeded (database csrportal_bench; run
`make bench` first) and with the Redis cache as deployed (BENCH_REDIS, emptied first).

Each page is requested in this process with Django's test client, signed in as the demo's
planner (the public pages anonymously): warmed up, then REQUESTS times with the mechanism on
and REQUESTS times with it off, alternating in rounds so that the machine's load weighs on
both alike. The figure is CPU per request (this process: Django, the templates, the cache
client), the steadier measure on a shared machine; the database's own CPU is not counted.
A mechanism that saves less than 5 % of its page is a candidate for removal.

    make bench-caches
"""

import contextlib
import os
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
ROUNDS = 4
DB_NAME = os.environ.get("BENCH_DB", "csrportal_bench")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "csrportal.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "SECRET_KEY": "bench-only-0123456789-0123456789-0123456789-0123456789",
        "NIK_HASH_KEY": "bench-only-nik-key",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_COOKIES": "0",
        "DEBUG": "0",
        "REDIS_URL": REDIS,
        "STATIC_ROOT": "/tmp/bench-static",
    }
)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def uncached_fragments():
    """{% cache %} draws its contents every time."""
    from django.templatetags.cache import CacheNode

    return mock.patch.object(
        CacheNode, "render", lambda self, context: self.nodelist.render(context)
    )


@contextlib.contextmanager
def patched(*patches):
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield


class Forgetful:
    """The cache as one module sees it, keeping nothing under keys starting with `prefix`."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __getattr__(self, name):
        return getattr(cache, name)

    def get(self, key, default=None, version=None):
        return default if key.startswith(self.prefix) else cache.get(key, default, version)

    def get_or_set(self, key, default, timeout=None, version=None):
        if key.startswith(self.prefix):
            return default() if callable(default) else default
        return cache.get_or_set(key, default, timeout, version)


def never_kept(module: str, prefix: str):
    """What `module` keeps under `prefix` is computed every time."""
    return mock.patch(f"{module}.cache", Forgetful(prefix))


def django_choice_labels():
    """get_FOO_display as Django's own (ChoiceLabels off)."""
    from django.db.models import Model

    from core.db import ChoiceLabels

    return mock.patch.object(ChoiceLabels, "_get_FIELD_display", Model._get_FIELD_display)


def uncached_money():
    from core import money

    return patched(
        mock.patch.object(money, "_grouped", money._grouped.__wrapped__),
        mock.patch.object(money, "_compact", money._compact.__wrapped__),
    )


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


def cases():
    """(mechanism, page, path, signed in, the mechanism turned off)."""
    from planning.models import DevelopmentPlan, Need
    from programs.models import Program
    from regions.models import Region

    plan = DevelopmentPlan.objects.current()
    program = Program.objects.filter(status="submitted", pk__gte=1_000_000).first()
    need = Need.objects.filter(priority__plan=plan, pk__gte=0).order_by("-pk").first()
    village = Region.objects.villages().within(plan.city).first()
    inbox, needs = "/programs/", "/plan/needs/"
    return [
        ("List filters drawn (`filter_form`)", "inbox", inbox, True, uncached_fragments),
        (
            "Roles kept between requests",
            "inbox",
            inbox,
            True,
            lambda: never_kept("accounts.models", "roles:"),
        ),
        (
            "Current plan kept",
            "needs list",
            needs,
            True,
            lambda: never_kept("planning.models", "plan:"),
        ),
        (
            "Choice labels per field (`ChoiceLabels`)",
            "needs list",
            needs,
            True,
            django_choice_labels,
        ),
        ("Rupiah texts kept (`core.money`)", "inbox", inbox, True, uncached_money),
        (
            "Needs suggested for a program",
            "program page",
            program.get_absolute_url(),
            True,
            lambda: never_kept("programs.matching", "suggested:"),
        ),
        (
            "Companies suggested for a need",
            "need page",
            need.get_absolute_url(),
            True,
            lambda: never_kept("programs.matching", "companies:"),
        ),
        (
            "Dashboard sums",
            "dashboard",
            "/dashboard/",
            True,
            lambda: never_kept("insight.dashboard", "insight:"),
        ),
        (
            "Compliance summary",
            "compliance",
            "/reports/compliance/",
            True,
            lambda: never_kept("delivery.compliance", "compliance:"),
        ),
        (
            "Public figures and drawn fragments",
            "kelurahan page",
            _url("insight:village", village.code),
            False,
            lambda: patched(never_kept("insight.views", "insight:"), uncached_fragments()),
        ),
        (
            "Equity map and its drawing",
            "map",
            "/public/map/",
            False,
            lambda: patched(never_kept("insight.views", "insight:"), uncached_fragments()),
        ),
    ]


# Pages that take seconds without their cache: fewer requests.
FEWER = {"dashboard": 4, "compliance": 8}


def cpu_per_request(client, path: str, requests: int) -> float:
    started = time.process_time()
    for _ in range(requests // ROUNDS):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return time.process_time() - started


def main():
    from accounts.models import User

    try:
        connection.ensure_connection()
    except Exception as e:
        print(f"[bench] skipped: {DB_NAME} is not reachable ({e}); run make bench first")
        return
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)  # pages name hashed static files
    cache.clear()
    planner, anonymous = Client(), Client()
    planner.force_login(User.objects.get(username="planner"))
    rows = []
    for mechanism, page, path, signed_in, off in cases():
        client = planner if signed_in else anonymous
        for _ in range(3):  # warm: caches filled, code paths imported
            client.get(path)
        requests = FEWER.get(page, REQUESTS)
        on_seconds = off_seconds = 0.0
        for _ in range(ROUNDS):
            on_seconds += cpu_per_request(client, path, requests)
            with off():
                off_seconds += cpu_per_request(client, path, requests)
        done = requests // ROUNDS * ROUNDS
        on_ms, off_ms = 1000 * on_seconds / done, 1000 * off_seconds / done
        saved = (off_ms - on_ms) / off_ms * 100 if off_ms else 0.0
        rows.append((mechanism, page, on_ms, off_ms, saved))
        print(f"[bench] {mechanism}: {on_ms:.1f} / {off_ms:.1f} ms", flush=True)
    print()
    print(f"{DB_NAME}, {REQUESTS} requests on and off each (fewer for {', '.join(FEWER)}),")
    print("CPU of this process per request")
    print("| cache | page | on: ms | off: ms | saves |")
    print("|---|---|---:|---:|---:|")
    for mechanism, page, on_ms, off_ms, saved in rows:
        print(f"| {mechanism} | {page} | {on_ms:.1f} | {off_ms:.1f} | {saved:.0f} % |")


if __name__ == "__main__":
    main()
