"""Benchmark: a planner downloads the program list and the needs list as CSV and as Excel, at
1,000 and at 10,000 rows: seconds from request to last byte, and the peak Python memory while
the response is produced and read (tracemalloc, measured on a second download) — flat when the
rows are streamed.

Runs on a throwaway test database (SQLite, or PostgreSQL with DATABASE_URL=postgres://...):
    make bench-export            # or: DATABASE_URL=postgres://... make bench-export
"""

import datetime
import time
import tracemalloc

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from throwaway import city_database  # sets Django up before any model is imported

SIZES = (1_000, 10_000)


def seed_rows(plan, company, villages, priority, upto: int) -> None:
    """Top the plan up to `upto` submitted programs and open needs."""
    from planning.models import Need
    from programs.models import Program

    have = Program.objects.count()
    now = datetime.datetime.now(datetime.UTC)
    programs = Program.objects.bulk_create(
        Program(
            company=company,
            plan=plan,
            title=f"Program uji {i}",
            summary="Ringkasan",
            pillar="infrastructure",
            status=Program.Status.SUBMITTED,
            budget=1_000_000 * (i + 1),
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            submitted_at=now,
        )
        for i in range(have, upto)
    )
    through = Program.villages.through
    through.objects.bulk_create(
        through(program_id=p.pk, region_id=villages[i % len(villages)].pk)
        for i, p in enumerate(programs)
    )
    have = Need.objects.count()
    Need.objects.bulk_create(
        Need(
            priority=priority,
            village=villages[i % len(villages)],
            title=f"Kebutuhan uji {i}",
            quantity=10,
            estimated_unit_cost=20_000_000,
        )
        for i in range(have, upto)
    )


def download(client, url) -> tuple[float, float, int]:
    """Seconds (timed without tracemalloc, which slows Python several times), then the peak
    Python memory of a second download."""
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    for _chunk in client.get(url).streaming_content:
        pass
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, size


def main():
    with city_database() as plan:
        from accounts.models import User
        from companies.models import Company
        from regions.models import Region

        company = Company.objects.create(name="PT Uji", slug="pt-uji", sector_id="logistics")
        villages = list(Region.objects.villages().within(plan.city))
        priority = plan.priorities.order_by("code").first()
        from accounts.models import RegionRole

        planner = User.objects.create(username="bench-planner")
        RegionRole.objects.create(user=planner, region=plan.city, role=RegionRole.PLANNER)
        client = Client()
        client.force_login(planner)
        print(f"\n{connection.vendor}; seconds to the last byte, peak Python memory (tracemalloc)")
        print("| list | rows | format | seconds | peak MiB | KiB |")
        print("|---|---:|---|---:|---:|---:|")
        plain = {
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        }
        with override_settings(STORAGES={**settings.STORAGES, **plain}):
            for rows in SIZES:
                seed_rows(plan, company, villages, priority, rows)
                for name, path in [("programs", "/programs/"), ("needs", "/plan/needs/")]:
                    for fmt in ("csv", "xlsx"):
                        seconds, peak, size = download(client, f"{path}?export={fmt}")
                        print(
                            f"| {name} | {rows:,} | {fmt} | {seconds:.2f} | {peak:.1f} "
                            f"| {size / 1024:.0f} |"
                        )


if __name__ == "__main__":
    main()
