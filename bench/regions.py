"""Benchmark: a page's cost does not grow with the number of regions the deployment serves.

On a PostgreSQL database of its own (BENCH_REGIONS_DB, made afresh): the demo, with only Kota
Cilegon switched on, each page measured; then REGIONS more regencies and cities are served
(real codes: each with a kecamatan, desa, a plan, priorities, needs, its own companies, some
companies working in several regions, approved programs with pledges), Balikpapan, Penajam and
Batang switched on again, and each page measured again, with the province and national
overviews. The figures: SQL queries of one warm request, and CPU per request in this process
(Django, the templates; the database's own CPU is not counted), the steadier measure on a
shared machine. The cache is this process's memory (no Redis), as `make run` has it.

    make bench-regions
"""

import gc
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = os.environ.get("BENCH_REGIONS_DB", "csrportal_bench_regions")
REGIONS = int(os.environ.get("BENCH_REGIONS", "60"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
PROGRAMS_PER_REGION = 20

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "csrportal.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "SECRET_KEY": "bench-only-0123456789-0123456789-0123456789-0123456789",
        "NIK_HASH_KEY": "bench-only-nik-key",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_COOKIES": "0",
        "DEBUG": "0",
        "STATIC_ROOT": "/tmp/bench-static",
    }
)
os.environ.pop("REDIS_URL", None)


def fresh_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        db.execute(f'CREATE DATABASE "{DB_NAME}"')


# page, path, signed in as ("planner": Cilegon's; None: anonymous)
PAGES = [
    ("dashboard", "/36.72/", "planner"),
    ("programs (inbox)", "/36.72/programs/", "planner"),
    ("needs", "/36.72/plan/needs/", "planner"),
    ("companies", "/36.72/companies/", "planner"),
    ("compliance", "/36.72/reports/compliance/", "planner"),
    ("public home", "/36.72/public/", None),
    ("equity map", "/36.72/public/map/", None),
    ("overview: Banten", "/overview/36/", None),
    ("overview: Indonesia", "/overview/", None),
]


class Counted:
    """A database execute wrapper that counts the queries."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, *args):
        self.count += 1
        return execute(*args)


def measure(clients) -> dict[str, tuple[int, float]]:
    """{page: (queries of a warm request, CPU ms per request)}."""
    from django.db import connection

    found = {}
    for page, path, who in PAGES:
        client = clients[who]
        for _ in range(3):  # warm: caches filled, code imported
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        queries = Counted()  # a wrapper: each request closes the connection (CONN_MAX_AGE 0)
        with connection.execute_wrapper(queries):
            client.get(path)
        started = time.process_time()
        for _ in range(REQUESTS):
            client.get(path)
        cpu_ms = 1000 * (time.process_time() - started) / REQUESTS
        found[page] = (queries.count, cpu_ms)
        print(f"[bench] {page}: {queries.count} queries, {cpu_ms:.1f} ms", flush=True)
    return found


def serve_more_regions(count: int) -> int:
    """`count` more regencies served, each with a plan, needs, companies and approved programs;
    every fifth company also works in the next two regions. Returns the programs made."""
    import datetime

    from django.db import connection

    from companies.models import Company, CompanyVillage
    from planning.models import DevelopmentPlan, Need, Pillar, Priority
    from programs.models import Pledge, Program
    from regions.models import Region, ServedRegion

    cities = list(
        Region.objects.filter(level=Region.Level.REGENCY, served__isnull=True).order_by("code")[
            :count
        ]
    )
    for city in cities:
        district = Region.objects.create(
            code=f"{city.code}.01", name="Kecamatan Satu", level=3, kind="kecamatan", parent=city
        )
        Region.objects.bulk_create(
            Region(
                code=f"{city.code}.01.20{number:02d}",
                name=f"Desa {number}",
                level=4,
                kind="desa",
                parent=district,
            )
            for number in range(1, 6)
        )
    ServedRegion.objects.bulk_create(
        ServedRegion(region=city, iati_reference=f"XI-IATI-CONTOH-{city.code.replace('.', '')}")
        for city in cities
    )
    made, shared = 0, []
    for index, city in enumerate(cities):
        plan = DevelopmentPlan.objects.create(
            city=city, title=f"RPJMD {city.name} 2025-2029", first_year=2025, last_year=2029
        )
        priorities = [
            Priority.objects.create(
                plan=plan,
                code=code,
                title=title,
                pillar=pillar,
                unit_id=unit,
                target_quantity=500,
                indicator=title,
                agency="Bappeda",
            )
            for code, title, pillar, unit in (
                ("RTLH", "Rumah tidak layak huni", Pillar.INFRASTRUCTURE, "house"),
                ("STUNTING", "Penurunan stunting", Pillar.HEALTH, "child"),
                ("UMKM", "Usaha mikro", Pillar.ECONOMY, "business"),
            )
        ]
        villages = list(Region.objects.villages().within(city))
        needs = Need.objects.bulk_create(
            Need(
                priority=priority,
                village=village,
                title=f"{priority.title} {village.name}",
                quantity=100,
                estimated_unit_cost=10_000_000,
            )
            for priority in priorities
            for village in villages
        )
        companies = Company.objects.bulk_create(
            Company(
                name=f"PT Wilayah {city.code} {n}",
                slug=f"pt-wilayah-{city.code.replace('.', '-')}-{n}",
                sector_id="services",
            )
            for n in range(3)
        )
        shared.append(companies[0])
        working = companies + shared[-3:-1]  # two companies of the regions before work here
        CompanyVillage.objects.bulk_create(
            (CompanyVillage(company=c, village=villages[0], ring=1) for c in working),
            ignore_conflicts=True,
        )
        programs = Program.objects.bulk_create(
            Program(
                company=working[n % len(working)],
                plan=plan,
                title=f"Program {city.name} {n}",
                summary="Ringkasan",
                pillar=priorities[n % 3].pillar,
                start_date=datetime.date(2026, 1, 1),
                end_date=datetime.date(2026, 12, 31),
                budget=100_000_000,
                beneficiaries=10,
                status="approved" if n % 4 else "submitted",
            )
            for n in range(PROGRAMS_PER_REGION)
        )
        Pledge.objects.bulk_create(
            Pledge(
                program=program,
                priority=needs[n % len(needs)].priority,
                need=needs[n % len(needs)],
                quantity=2,
                amount=20_000_000,
            )
            for n, program in enumerate(programs)
        )
        made += len(programs)
        if index % 10 == 9:
            print(f"[bench] {index + 1} regions served", flush=True)
    with connection.cursor() as raw:  # the counters the services keep, as bench/national.py
        raw.execute("""
            UPDATE planning_need n SET pledged_quantity = t.total FROM (
              SELECT p.need_id, SUM(p.quantity) AS total FROM programs_pledge p
              JOIN programs_program g ON g.id = p.program_id
              WHERE g.status IN ('approved', 'in_progress', 'completed') GROUP BY p.need_id
            ) t WHERE n.id = t.need_id""")
        raw.execute("DELETE FROM programs_commitment")
        raw.execute("""
            INSERT INTO programs_commitment (company_id, pillar, programs, budget)
            SELECT company_id, pillar, COUNT(*), COALESCE(SUM(budget), 0) FROM programs_program
            WHERE status IN ('approved', 'in_progress', 'completed') GROUP BY company_id, pillar""")
    ServedRegion.objects.update(is_active=True)
    ServedRegion.objects.first().save()  # forgets the served regions' cached codes
    return made


def main():
    fresh_database()
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from regions.models import ServedRegion

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    ServedRegion.objects.exclude(region__code="36.72").update(is_active=False)
    ServedRegion.objects.get(region__code="36.72").save()  # forget the served codes
    cache.clear()
    gc.collect()
    planner = Client()
    planner.force_login(User.objects.get(username="planner"))
    clients = {"planner": planner, None: Client()}
    one = measure(clients)
    programs = serve_more_regions(REGIONS)
    served = ServedRegion.objects.filter(is_active=True).count()
    cache.clear()
    gc.collect()  # what the seeding left behind weighs on no measurement
    many = measure(clients)
    print()
    print(
        f"{DB_NAME}: 1 region served, then {served} ({REGIONS} added with {programs:,} "
        f"programs); {REQUESTS} requests per page; queries of a warm request, CPU of this "
        "process per request"
    )
    print(f"| page | queries, 1 region | queries, {served} | ms, 1 region | ms, {served} |")
    print("|---|---:|---:|---:|---:|")
    for page, _path, _who in PAGES:
        (q1, ms1), (qn, msn) = one[page], many[page]
        print(f"| {page} | {q1} | {qn} | {ms1:.1f} | {msn:.1f} |")


if __name__ == "__main__":
    main()
