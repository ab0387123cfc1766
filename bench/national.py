"""National-scale benchmark: seed PostgreSQL, serve with gunicorn, load with wrk, print a table.

    make bench        # BENCH_SECONDS=15 BENCH_DB=csrportal_bench by default
    BENCH_PAGES=round,compliance make bench    # only the pages whose names contain these
    BENCH_REUSE=1 BENCH_PAGES=round make bench  # the last run's database, migrated, not seeded

Seeds a throwaway database (dropped and created again) with every Indonesian region from
../shared/data, 5,000 companies, 200,000 programs and 600,000 pledges (COPY; the run prints how
long it took), serves it with gunicorn (4 sync workers) on 127.0.0.1 and drives each page with
wrk at 8 connections. The load generator shares the machine's cores with the server.

Per page: p50/p95, req/s, the CPU per request of gunicorn's processes and of this database's own
PostgreSQL backends (no other database's), the SQL queries of a warm request, and times the
floor (/healthz in the same run). A page with a Django admin counterpart (the changelist of the
same table, or the change form of the same object) is driven in alternating rounds with it and
compared by throughput. The open-data files are written first (seconds, peak memory of the
process writing them) and then served. The results are also written to var/bench-national.json,
so that two runs can be compared. Skips cleanly when ../shared/data or PostgreSQL is not there.
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS_CSV = ROOT.parent / "shared" / "data" / "wilayah_kepmendagri_2025.csv"
DB_NAME = os.environ.get("BENCH_DB", "csrportal_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
# Drive the pages on the database the last run seeded (migrated to this code first): a page's
# change measured in a minute; the figures of record come from a seeded run.
REUSE = os.environ.get("BENCH_REUSE") == "1"
PORT = int(os.environ.get("BENCH_PORT", "8123"))
COMPANIES, PROGRAMS, PLEDGES, NEEDS = 5_000, 200_000, 600_000, 5_000

ENV = {
    **os.environ,
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
    "NIK_HASH_KEY": "bench-only-nik-key",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_COOKIES": "0",
    "DEBUG": "0",
    "DJANGO_SETTINGS_MODULE": "csrportal.settings",
    # Backends live through the run: a backend that ends takes its CPU time with it.
    "CONN_MAX_AGE": "3600",
    # wrk asks from one address: the API's throttle counts (in the shared cache) but never
    # holds it back.
    "API_RATE": "1000000000",
}
RESULTS = ROOT / "var" / "bench-national.json"
# The cache shared by the web processes, as deployed (docker-compose.yml); its own database,
# emptied before each run. Without Redis here, each process keeps its own (REDIS_URL unset).
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")


def shared_cache() -> bool:
    """Use Redis at REDIS when it answers: empty its database and serve with it."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        return False
    ENV["REDIS_URL"] = REDIS
    return True


LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def log(message):
    print(f"[bench] {message}", flush=True)


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def recreate_database() -> bool:
    """A new, empty database; with BENCH_REUSE=1 the last run's, if there is one (False)."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if (
            REUSE
            and conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        ):
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return True


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def moments(rng, latest) -> tuple:
    """A created_at up to two years before `latest` and an updated_at between the two: lists
    sorted by either column see distinct values, as they would in a portal in use."""
    from django.utils import timezone

    created = latest - timezone.timedelta(seconds=rng.randint(0, 2 * 365 * 86_400))
    return created, created + (latest - created) * rng.random()


@dataclass
class Seeding:
    """What the seeding steps share: the random source, the plan, where programs may be."""

    rng: random.Random
    plan: object
    priorities: list
    city_villages: list[int]
    other_villages: list[int]
    now: object
    raw: object  # psycopg's own cursor, for COPY


def seed():
    """Everything but the regions and the demo, with COPY and explicit ids, step by step."""
    from django.db import connection
    from django.utils import timezone

    from planning.models import DevelopmentPlan
    from programs.models import Program
    from regions.models import Region

    plan = DevelopmentPlan.objects.current()
    city_villages = list(Region.objects.villages().within(plan.city).values_list("pk", flat=True))
    in_city = set(city_villages)
    with connection.cursor():
        s = Seeding(
            rng=random.Random(2026),
            plan=plan,
            priorities=list(plan.priorities.all()),
            city_villages=city_villages,
            other_villages=[
                pk
                for pk in Region.objects.villages().values_list("pk", flat=True)
                if pk not in in_city
            ],
            now=timezone.now(),
            raw=connection.cursor().cursor,
        )
        needs = seed_needs(s)
        first_company = seed_companies(s)
        first_program = seed_programs(s, first_company)
        seed_pledges(s, first_program, needs)
        seed_reports(s)
        count_as_the_services_would(s)
        invite_to_the_open_round(s)
        reset_sequences(s)
    log(f"{Program.objects.count():,} programs in all")


def seed_needs(s: Seeding) -> list[tuple[int, int]]:
    """NEEDS open needs in the city's kelurahan; their (priority, need) ids."""
    from planning.models import Need

    log(f"{NEEDS:,} more needs")
    first_need = Need.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    need_rows = []
    for i in range(NEEDS):
        priority = s.rng.choice(s.priorities)
        need_rows.append(
            (
                first_need + i,
                priority.pk,
                s.rng.choice(s.city_villages),
                f"Kebutuhan {priority.code} nomor {i}",
                "",
                10_000,
                20_000_000,
                "agency",
                f"BENCH-{i}",
                "open",
                0,
                0,
                *moments(s.rng, s.now),
            )
        )
    copy_rows(
        s.raw,
        "planning_need",
        [
            "id",
            "priority_id",
            "village_id",
            "title",
            "description",
            "quantity",
            "estimated_unit_cost",
            "source",
            "external_ref",
            "status",
            "pledged_quantity",
            "delivered_quantity",
            "created_at",
            "updated_at",
        ],
        need_rows,
    )
    needs = [(priority_id, need_id) for need_id, priority_id, *_rest in need_rows]
    return needs


def seed_companies(s: Seeding) -> int:
    """COMPANIES companies, each with two ring villages in the city and two elsewhere; the
    first company's id."""
    from companies.models import Sector

    log(f"{COMPANIES:,} companies and their ring villages")
    first_company = 1_000_000
    sectors = sorted(Sector.objects.names())
    copy_rows(
        s.raw,
        "companies_company",
        [
            "id",
            "name",
            "slug",
            "legal_name",
            "sector",
            "nib",
            "address",
            "website",
            "email",
            "phone",
            "contact_person",
            "created_at",
            "updated_at",
        ],
        (
            (
                first_company + i,
                f"PT Industri Nusantara {i:05d}",
                f"pt-industri-nusantara-{i:05d}",
                f"PT Industri Nusantara {i:05d}",
                sectors[i % len(sectors)],
                "",
                "",
                "",
                "",
                "",
                "",
                *moments(s.rng, s.now),
            )
            for i in range(COMPANIES)
        ),
    )
    ring_rows = []
    for i in range(COMPANIES):
        villages = s.rng.sample(s.city_villages, 2) + s.rng.sample(s.other_villages, 2)
        ring_rows += [
            (first_company + i, v, ring) for v, ring in zip(villages, (1, 2, 3, 3), strict=True)
        ]
    copy_rows(s.raw, "companies_companyvillage", ["company_id", "village_id", "ring"], ring_rows)
    return first_company


def seed_programs(s: Seeding, first_company: int) -> int:
    """PROGRAMS programs of the companies in every status and year, each in one kelurahan;
    the first program's id."""
    from django.utils import timezone

    from csrportal.demo.programs import TEMPLATES

    log(f"{PROGRAMS:,} programs with their villages")
    first_program = 1_000_000
    statuses = (
        ["draft"] * 3
        + ["submitted"] * 4
        + ["revision"]
        + ["approved"] * 5
        + ["rejected"]
        + ["in_progress"] * 3
        + ["completed"] * 2
        + ["cancelled"]
    )
    words = [
        "rumah",
        "sekolah",
        "posyandu",
        "sampah",
        "air bersih",
        "UMKM",
        "jalan",
        "beasiswa",
        "pelatihan",
        "kesehatan",
        "lingkungan",
        "bencana",
    ]
    program_rows, village_rows = [], []
    for i in range(PROGRAMS):
        pillar, _code, template = s.rng.choice(TEMPLATES)
        status = s.rng.choice(statuses)
        # A running or completed program started by now; the others in any year of the plan.
        started = status in ("in_progress", "completed")
        year = s.rng.choice([2025, 2026] if started else [2025, 2026, 2027, 2028])
        submitted = (
            None
            if status == "draft"
            else s.now
            - timezone.timedelta(days=s.rng.randint(0, 700), seconds=s.rng.randint(0, 86_400))
        )
        village = s.rng.choice(s.city_villages)
        title = template.format(village=f"wilayah {i % 997}", school=f"SDN {i % 313}")
        program_rows.append(
            (
                first_program + i,
                first_company + s.rng.randrange(COMPANIES),
                s.plan.pk,
                f"{title} {s.rng.choice(words)}",
                "",
                f"Program {s.rng.choice(words)} dan {s.rng.choice(words)} untuk warga.",
                pillar,
                "[]",
                f"{year}-01-01",
                f"{year}-12-31",
                s.rng.randint(1, 500) * 10_000_000,
                s.rng.randint(10, 1000),
                status,
                submitted,
                *moments(s.rng, submitted or s.now),
            )
        )
        village_rows.append((first_program + i, village))
    copy_rows(
        s.raw,
        "programs_program",
        [
            "id",
            "company_id",
            "plan_id",
            "title",
            "summary",
            "description",
            "pillar",
            "sdgs",
            "start_date",
            "end_date",
            "budget",
            "beneficiaries",
            "status",
            "submitted_at",
            "created_at",
            "updated_at",
        ],
        program_rows,
    )
    copy_rows(s.raw, "programs_program_villages", ["program_id", "region_id"], village_rows)
    return first_program


def seed_pledges(s: Seeding, first_program: int, needs: list[tuple[int, int]]) -> None:
    """PLEDGES pledges of one unit each, spread over the programs and the needs."""
    log(f"{PLEDGES:,} pledges")
    copy_rows(
        s.raw,
        "programs_pledge",
        [
            "program_id",
            "priority_id",
            "need_id",
            "quantity",
            "amount",
            "delivered_quantity",
            "spent_amount",
        ],
        (
            (first_program + i % PROGRAMS, *s.rng.choice(needs), 1, 1_000_000, 0, 0)
            for i in range(PLEDGES)
        ),
    )


def seed_reports(s: Seeding) -> None:
    """Two quarterly reports per running or completed program, from its start, the first
    verified."""
    log("two quarterly reports per running or completed program, the first verified")
    s.raw.execute("""
        INSERT INTO delivery_report (program_id, period_start, period_end, status, narrative,
          final, submitted_at, created_at, updated_at)
        SELECT g.id, p.period_start, p.period_end, q.status,
          'Pembangunan berjalan sesuai rencana; warga terlibat dalam pelaksanaan.',
          false, p.period_end + interval '10 days' + g.id % 977 * interval '1 minute',
          p.period_end + g.id % 983 * interval '1 minute',
          p.period_end + interval '20 days' + g.id % 991 * interval '1 minute'
        FROM programs_program g
        CROSS JOIN (VALUES (0, 'verified'), (3, 'submitted')) AS q (months, status)
        CROSS JOIN LATERAL (SELECT
          (g.start_date + q.months * interval '1 month')::date AS period_start,
          (g.start_date + (q.months + 3) * interval '1 month' - interval '1 day')::date
            AS period_end) AS p
        WHERE g.id >= 1000000 AND g.status IN ('in_progress', 'completed')""")
    s.raw.execute("""
        INSERT INTO delivery_reportline (report_id, pledge_id, quantity, amount)
        SELECT r.id, p.id, CASE WHEN r.status = 'verified' THEN 1 ELSE 0 END, 500000
        FROM delivery_report r JOIN programs_pledge p ON p.program_id = r.program_id
        WHERE r.program_id >= 1000000""")
    # Verified lines count as delivered, as the verification service would have made them.
    s.raw.execute("""
        UPDATE programs_pledge p SET delivered_quantity = t.q, spent_amount = t.a FROM (
          SELECT l.pledge_id, SUM(l.quantity) AS q, SUM(l.amount) AS a
          FROM delivery_reportline l JOIN delivery_report r ON r.id = l.report_id
          WHERE r.status = 'verified' GROUP BY l.pledge_id
        ) t WHERE p.id = t.pledge_id""")


def count_as_the_services_would(s: Seeding) -> None:
    """The counters the services keep: delivered per pledge, pledged and delivered per need,
    each company's commitments per pillar."""
    # Committed pledges count toward their needs, as approvals would have made them.
    s.raw.execute("""
        UPDATE planning_need n SET pledged_quantity = t.total FROM (
          SELECT p.need_id, SUM(p.quantity) AS total FROM programs_pledge p
          JOIN programs_program g ON g.id = p.program_id
          WHERE g.status IN ('approved', 'in_progress', 'completed') GROUP BY p.need_id
        ) t WHERE n.id = t.need_id""")
    s.raw.execute("""
        UPDATE planning_need n SET delivered_quantity = t.total FROM (
          SELECT need_id, SUM(delivered_quantity) AS total FROM programs_pledge
          WHERE delivered_quantity > 0 GROUP BY need_id
        ) t WHERE n.id = t.need_id""")
    # Each company's committed programs per pillar, as the workflow would have counted them.
    s.raw.execute("DELETE FROM programs_commitment")
    s.raw.execute("""
        INSERT INTO programs_commitment (company_id, pillar, programs, budget)
        SELECT company_id, pillar, COUNT(*), COALESCE(SUM(budget), 0) FROM programs_program
        WHERE status IN ('approved', 'in_progress', 'completed') GROUP BY company_id, pillar""")


def invite_to_the_open_round(s: Seeding) -> None:
    """Every company invited to the open round, the programs of its year in it."""
    log("every company invited to the open round, the programs of its year in it")
    s.raw.execute("""
        INSERT INTO programs_invitation (round_id, company_id, invited_at, reminders)
        SELECT r.id, c.id, now(), 0 FROM companies_company c, programs_round r
        WHERE r.status = 'open' AND NOT EXISTS (
          SELECT 1 FROM programs_invitation i WHERE i.round_id = r.id AND i.company_id = c.id
        )""")
    s.raw.execute("""
        UPDATE programs_program p SET round_id = r.id FROM programs_round r
        WHERE r.status = 'open' AND r.plan_id = p.plan_id AND p.round_id IS NULL
          AND EXTRACT(YEAR FROM p.start_date) = r.year""")


def reset_sequences(s: Seeding) -> None:
    """The tables' sequences past the ids written, then VACUUM ANALYZE."""
    for table in [
        "planning_need",
        "companies_company",
        "companies_companyvillage",
        "programs_program",
        "programs_pledge",
        "programs_program_villages",
        "delivery_report",
        "delivery_reportline",
    ]:
        s.raw.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )
    s.raw.execute("VACUUM (ANALYZE)")  # as autovacuum would soon: visibility map, statistics


def pages():
    """(name, path, who) of the pages to drive, picked from the seeded data: signed in as the
    planner, the public pages as an anonymous visitor, the token's API with the planner's
    token."""
    from companies.models import Company
    from delivery.models import Report
    from planning.models import Need
    from programs.models import Pledge, Program, Round

    program = (
        Program.objects.filter(status="submitted", pk__gte=1_000_000)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    need = Need.objects.filter(external_ref="BENCH-1").values_list("pk", flat=True).get()
    report = (
        Report.objects.filter(status="submitted", program_id__gte=1_000_000)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    running = (
        Program.objects.filter(status="in_progress", pk__gte=1_000_000)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    company = Company.objects.filter(slug="pt-krakatau-posco").values_list("slug", flat=True).get()
    round = Round.objects.filter(status="open").values_list("pk", flat=True).get()
    change = proposed_change(running)
    pledge = Pledge.objects.filter(program=program).values_list("pk", flat=True).first()
    strategic_plan, consultation = company_strategy(company)
    unit = households_of(need)
    signed_in = [
        ("dashboard (planner's home)", "/"),
        ("inbox, unfiltered", "/programs/"),
        ("inbox, filtered", "/programs/?status=submitted&pillar=infrastructure&district=36.72.04"),
        ("inbox, text search", "/programs/?q=sekolah"),
        ("program page (+ matching needs)", f"/programs/{program}/"),
        ("company page (+ kelurahan that need it)", f"/companies/{company}/"),
        ("needs list", "/plan/needs/"),
        ("need page (+ matching companies)", f"/plan/needs/{need}/"),
        ("running program (+ delivery)", f"/programs/{running}/"),
        ("proposed change of it (side by side, checks)", f"/programs/{running}/changes/{change}/"),
        (
            "steering a pledge (left-behind needs first)",
            f"/programs/{program}/pledges/{pledge}/steer/",
        ),
        ("CSR strategy (plans and consultations here)", "/programs/strategy/"),
        ("strategic plan", f"/programs/strategy/plans/{strategic_plan}/"),
        ("consultation (names seen, audited)", f"/programs/strategy/consultations/{consultation}/"),
        (
            "a need's households (50 of 5,000, names seen, audited)",
            f"/programs/needs/{need}/units/",
        ),
        ("a household's page (audited)", f"/programs/units/{unit}/"),
        ("households and schools import form", "/plan/units/import/"),
        ("reports, unfiltered", "/reports/"),
        ("reports awaiting verification", "/reports/?status=submitted"),
        ("report page", f"/reports/{report}/"),
        ("priorities (pledged and delivered)", "/plan/"),
        ("synchronisation rounds", "/programs/rounds/"),
        ("synchronisation round (5,101 companies' stages)", f"/programs/rounds/{round}/"),
        ("reporting compliance (5,101 companies)", "/reports/compliance/"),
        ("API tokens page", "/api-tokens/"),
    ]
    public = [
        ("/healthz (the floor: one query, no template)", "/healthz"),
        ("public home (anonymous)", "/public/"),
        ("equity map (anonymous)", "/public/map/"),
        ("public kecamatan page (anonymous)", "/public/districts/36.72.04/"),
        ("public kelurahan page (anonymous)", "/public/villages/36.72.04.1002/"),
        ("province overview (anonymous)", "/overview/36/"),
        ("national overview (anonymous)", "/overview/"),
        (
            "open data: the region's IATI XML, 64 KiB range (anonymous)",
            "/open-data/iati-activities.xml",
        ),
        (
            "open data: every region's IATI JSON, 64 KiB range (anonymous)",
            "/open-data/all/iati-activities.json",
        ),
        ("API: programs, 50 a page (anonymous)", "/api/v1/programs/"),
        ("API: programs of a kecamatan (anonymous)", "/api/v1/programs/?district=36.72.04"),
        ("API: needs, 50 a page (anonymous)", "/api/v1/needs/"),
        ("API: villages' figures (anonymous)", "/api/v1/villages/"),
        ("API: priorities' figures (anonymous)", "/api/v1/priorities/"),
        ("API documentation (anonymous)", "/api/v1/docs/"),
    ]
    # The admin's change form of the same object (its changelists: ADMIN_CHANGELISTS).
    ADMIN_FORMS.update(
        {
            "program page (+ matching needs)": f"/admin/programs/program/{program}/change/",
            "need page (+ matching companies)": f"/admin/planning/need/{need}/change/",
            "running program (+ delivery)": f"/admin/programs/program/{running}/change/",
            "report page": f"/admin/delivery/report/{report}/change/",
        }
    )
    with_token = [
        ("API with a token: programs, 50 a page (planner)", "/api/v1/own/programs/"),
        ("API with a token: reports, 50 a page (planner)", "/api/v1/own/reports/"),
        (
            "API with a token: a report, with its version (planner)",
            f"/api/v1/own/reports/{report}/",
        ),
        ("API with a token: compliance, 50 companies a page (planner)", "/api/v1/own/compliance/"),
    ]
    return (
        [(*page, "planner") for page in signed_in]
        + [(*page, "anonymous") for page in public]
        + [(*page, "token") for page in with_token]
    )


ADMIN_FORMS: dict[str, str] = {}


def households_of(need_id: int) -> int:
    """5,000 households behind the bench need (made once), as an import registers them: the
    need's units pages' rows. Returns one of them."""
    from django.db.models.functions import Greatest

    from planning.models import Need, TargetUnit

    units = TargetUnit.objects.filter(need_id=need_id)
    if not units.exists():
        TargetUnit.objects.bulk_create(
            [
                TargetUnit(
                    need_id=need_id,
                    kind=TargetUnit.Kind.HOUSEHOLD,
                    name=f"Warga Fiktif {n}",
                    nik_hash=f"bench{n:059d}",
                    nik_masked=f"3672••••••••{n % 10000:04d}",
                    address=f"Jl. Uji {n}",
                    rt="001",
                    rw="002",
                    decile=n % 10 + 1,
                    roof="heavy",
                )
                for n in range(5_000)
            ],
            batch_size=1_000,
        )
        Need.objects.filter(pk=need_id).update(quantity=Greatest("quantity", 5_000))
    return units.order_by("pk").values_list("pk", flat=True).first()


def company_strategy(slug: str) -> tuple[int, int]:
    """A strategic plan and a consultation of the company in Cilegon's villages (made once):
    the strategy pages' rows."""
    import datetime

    from companies.models import Company
    from programs.models import Consultation, StrategicPlan
    from regions.models import Region

    company = Company.objects.get(slug=slug)
    villages = Region.objects.villages().filter(code__startswith="36.72.04.")
    plan = StrategicPlan.objects.filter(company=company).first()
    if plan is None:
        plan = StrategicPlan.objects.create(
            company=company,
            title="Renstra CSR 2025-2029",
            first_year=2025,
            last_year=2029,
            goals="-",
        )
        plan.villages.set(villages)
    consultation = Consultation.objects.filter(company=company).first()
    if consultation is None:
        consultation = Consultation.objects.create(
            company=company,
            plan=plan,
            kind=Consultation.Kind.FGD,
            held_on=datetime.date(2026, 3, 12),
            women=10,
            youth=5,
            participant_names="Contoh Peserta",
            topics="Bench",
        )
        consultation.villages.set(villages)
    return plan.pk, consultation.pk


def proposed_change(program_id: int) -> int:
    """The running program's proposed change (made once, on the seeded or reused database): a
    larger budget and every pledge one unit more, for the planner to decide."""
    from programs import amendments
    from programs.models import Amendment, Program

    found = Amendment.objects.filter(program_id=program_id, status="proposed").first()
    if found:
        return found.pk
    base = amendments.snapshot(Program.objects.get(pk=program_id))
    pledges = [{**row, "quantity": row["quantity"] + 1} for row in base["pledges"]]
    fields = {**base["fields"], "budget": (base["fields"]["budget"] or 0) * 2 or None}
    proposed = {**base, "fields": fields, "pledges": pledges}
    return Amendment.objects.create(
        program_id=program_id, reason="Bench", base=base, proposed=proposed
    ).pk


# The same list in Django admin's changelist (signed in as the superuser), driven in the same
# run: what the portal's own pages cost beside the generic tool.
ADMIN_CHANGELISTS = {
    "inbox, unfiltered": "/admin/programs/program/",
    "needs list": "/admin/planning/need/",
    "reports, unfiltered": "/admin/delivery/report/",
}


def session_cookie(username: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"Cookie: sessionid={session.session_key}"


def token_header(username: str) -> str:
    """An API token of the person, made anew each run (the bench's own, the last one revoked)."""
    from accounts.models import User
    from api.models import ApiToken
    from api.tokens import token_create

    user = User.objects.get(username=username)
    ApiToken.objects.filter(user=user, name="Bench").delete()
    return f"Authorization: Bearer {token_create(user=user, company=None, name='Bench')[1]}"


def queries_per_page(paths, headers: dict) -> dict[str, int]:
    """SQL queries of each page's second request (warm: its caches filled, as served)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for who, header in headers.items():
        name, _colon, value = header.partition(": ")
        meta = {f"HTTP_{name.upper().replace('-', '_')}": value} if header else {}
        clients[who] = Client(**meta)
    counts = {}
    plain_static = {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    for _name, path, who in paths:
        client = clients[who]
        with override_settings(STORAGES={**settings.STORAGES, **plain_static}):
            client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = len(ctx.captured_queries)
    return counts


def serve(static_root: str):
    env = {**ENV, "STATIC_ROOT": static_root}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "csrportal.wsgi",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


def processes():
    """(pid, fields of /proc/<pid>/stat after the command name) of every process (Linux)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            yield int(stat.parent.name), stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue


def cpu_ticks(fields, children=False) -> int:
    """utime + stime, or with `children` cutime + cstime (children that ended and were reaped)."""
    return int(fields[13]) + int(fields[14]) if children else int(fields[11]) + int(fields[12])


def server_cpu_seconds(server) -> float:
    """User + system CPU time of gunicorn's master and workers."""
    ticks = sum(cpu_ticks(f) for pid, f in processes() if server.pid in (pid, int(f[1])))
    return ticks / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float:
    """User + system CPU time of this database's own PostgreSQL backends (their process title
    names the database) and of the parallel workers they lead, alive now; this process's own
    connection left out. Other databases on the server do not count; parallel workers that
    ended are not counted (PostgreSQL adds their time to the postmaster's, every database's)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    ours = set()
    titles = {}
    for pid, _fields in processes():
        try:
            titles[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    for pid, title in titles.items():
        if pid != own and title.startswith("postgres: ") and f" {DB_NAME} " in title:
            ours.add(pid)
    for pid, title in titles.items():
        leader = title.removeprefix("postgres: parallel worker for PID ").split(" ")[0]
        if (
            title.startswith("postgres: parallel worker")
            and leader.isdigit()
            and int(leader) in ours
        ):
            ours.add(pid)
    ticks = sum(cpu_ticks(f) for pid, f in processes() if pid in ours)
    return ticks / os.sysconf("SC_CLK_TCK")


def workers_rss_mb(server) -> list[float]:
    """Resident memory of each gunicorn worker (MB)."""
    sizes = []
    for pid, fields in processes():
        if int(fields[1]) == server.pid:
            status = Path(f"/proc/{pid}/status").read_text()
            kb = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
            )
            sizes.append(kb / 1024)
    return sizes


def drive(
    server, path: str, credential: str, lua: str, seconds: int = SECONDS, warm: bool = True
) -> tuple[float, ...]:
    url = f"http://127.0.0.1:{PORT}{path}"
    header = ["-H", credential] if credential else []  # a Cookie or an Authorization header
    if path.startswith("/open-data/"):  # the file's first 64 KiB: what serving costs
        header += ["-H", "Range: bytes=0-65535"]
    if warm:
        subprocess.run(
            ["wrk", "-t2", "-c8", "-d3s", *header, url],
            capture_output=True,
            check=True,
        )  # warm-up: connections, caches
    cpu_before, db_before = server_cpu_seconds(server), database_cpu_seconds()
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-s", lua, *header, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = server_cpu_seconds(server) - cpu_before
    db = database_cpu_seconds() - db_before
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, duration_us, p50_us, p95_us, errors = map(int, line.split()[1:])
    cpu_ms = 1000 * cpu / requests if requests else 0.0
    db_ms = 1000 * db / requests if requests else 0.0
    return p50_us / 1000, p95_us / 1000, requests / (duration_us / 1e6), cpu_ms, db_ms, errors


def alternating(server, ours: tuple, theirs: tuple, lua: str) -> tuple[tuple, tuple]:
    """Our page and the admin's driven in alternating rounds (ours, theirs, ours, theirs) of
    half the time each, so that both meet the same moments of a shared machine."""
    rounds = {"ours": [], "theirs": []}
    for turn in range(4):
        side, (path, credential) = ("ours", ours) if turn % 2 == 0 else ("theirs", theirs)
        rounds[side].append(
            drive(server, path, credential, lua, seconds=max(2, SECONDS // 2), warm=turn < 2)
        )

    def combined(results):
        n = len(results)
        return (*(sum(r[i] for r in results) / n for i in range(5)), sum(r[5] for r in results))

    return combined(rounds["ours"]), combined(rounds["theirs"])


def write_open_data() -> tuple[float, float]:
    """Every open-data file written by `manage.py write_open_data` in a process of its own:
    (seconds, that process's peak resident memory in MB)."""
    script = (
        "import resource; from django.core.management import call_command; "
        "call_command('write_open_data'); "
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    peak_kb = int(next(x for x in out.splitlines() if x.startswith("PEAK")).split()[1])
    return time.monotonic() - started, peak_kb / 1024


# Activities of the national feed checked against the IATI schema and rules (opendata.rules).
RULES_SAMPLE = 5_000


def check_open_data() -> str:
    """The last line of `manage.py check_open_data --stored` on the first RULES_SAMPLE
    activities of the whole deployment's feed just written."""
    done = subprocess.run(
        [sys.executable, "manage.py", "check_open_data", "--stored", "--limit", str(RULES_SAMPLE)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[-1] if lines else f"check_open_data said nothing (exit {done.returncode})"


def main():
    if not REGIONS_CSV.exists():
        print(f"[bench] skipped: {REGIONS_CSV} is not there")
        return
    if shutil.which("wrk") is None:
        print("[bench] skipped: wrk is not installed (apt-get install wrk)")
        return
    started = time.monotonic()
    log("compiling the translations: the pages are measured in Indonesian, as served")
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run(
        [pybabel, "--quiet", "compile", "--domain=django", "--directory=locale"],
        cwd=ROOT,
        check=True,
    )
    log(f"recreating database {DB_NAME}")
    try:
        fresh = recreate_database()
    except Exception as e:  # no PostgreSQL here: nothing to measure
        print(f"[bench] skipped: PostgreSQL is not reachable ({e})")
        return
    manage("migrate", "-v0")
    if fresh:
        log("all regions of Indonesia")
        manage("import_regions", str(REGIONS_CSV))
        log("Cilegon's plan, demo companies, users and programs")
        manage("seed_demo")
    else:
        log("reusing the last run's database (BENCH_REUSE=1): not seeded again")
    import django

    # In-process requests serve no static files; whitenoise's warning about it is noise here.
    warnings.filterwarnings("ignore", "No directory at")
    shared = shared_cache()
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    django.setup()
    if fresh:
        seed()
    seeded = time.monotonic() - started if fresh else None
    if fresh:
        log(f"seeded in {seeded:.0f} s")

    only = [part for part in os.environ.get("BENCH_PAGES", "").split(",") if part]
    paths = [page for page in pages() if not only or any(part in page[0] for part in only)]
    headers = {
        "planner": session_cookie("planner"),
        "anonymous": "",
        "token": token_header("planner"),
    }
    admin_cookie = session_cookie("admin")
    written_seconds = written_peak = 0.0
    rules_checked = "not checked (the open data were not written this run)"
    if fresh or not only or any("open" in part for part in only):
        log("writing the open-data files")
        written_seconds, written_peak = write_open_data()
        rules_checked = check_open_data()
    queries = queries_per_page(paths, headers)
    admins = {**ADMIN_CHANGELISTS, **ADMIN_FORMS}
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp, "p95.lua")
        lua.write_text(LUA)
        server = serve(str(Path(tmp, "static")))
        try:
            rows, admin = [], {}
            for name, path, who in paths:
                log(name)
                own = (path, headers[who])
                if name in admins:
                    mine, theirs = alternating(server, own, (admins[name], admin_cookie), str(lua))
                    admin[name] = theirs
                else:
                    mine = drive(server, *own, str(lua))
                rows.append((name, path, *mine))
            rss = workers_rss_mb(server)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    floor = next(
        (cpu + db for name, _p, _a, _b, _r, cpu, db, _e in rows if name.startswith("/healthz")),
        None,
    )
    print()
    print(
        f"National scale: 91,599 regions, {COMPANIES:,} companies, {PROGRAMS:,} programs, "
        f"{PLEDGES:,} pledges, {f'seeded in {seeded:.0f} s' if fresh else 'reused'}; gunicorn 4 sync workers, wrk -t2 -c8 "
        f"-d{SECONDS}s on the same 2 cores (load {os.getloadavg()[0]:.1f} at the end); "
        f"{'cache in Redis (REDIS_URL)' if shared else 'cache per process'}; signed in as "
        "planner, the public pages anonymous; CPU of gunicorn and of this database's own "
        "backends; queries of a warm request; a page with an admin counterpart driven in "
        "alternating rounds with it."
    )
    print()
    print(
        "| page | p50 ms | p95 ms | req/s | app CPU ms/req | PostgreSQL CPU ms/req | x floor "
        "| SQL queries | errors | Django admin: req/s (ours / admin) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results = []
    for name, path, p50, p95, rps, cpu_ms, db_ms, errors in rows:
        versus = ""
        if name in admin:
            versus = f"{admin[name][2]:.0f} ({rps / admin[name][2]:.1f}x)"
        times = (cpu_ms + db_ms) / floor if floor else 0
        print(
            f"| {name} | {p50:.1f} | {p95:.1f} | {rps:.0f} | {cpu_ms:.1f} | {db_ms:.1f} "
            f"| {times:.1f} | {queries.get(path, '-')} | {errors} | {versus} |"
        )
        results.append(
            {
                "page": name,
                "path": path,
                "p50_ms": p50,
                "p95_ms": p95,
                "rps": rps,
                "app_cpu_ms": cpu_ms,
                "db_cpu_ms": db_ms,
                "times_floor": times,
                "queries": queries.get(path),
                "errors": errors,
                "admin_rps": admin[name][2] if name in admin else None,
            }
        )
    print()
    print(
        f"Open-data files (each region's and every region's, XML and JSON) written in "
        f"{written_seconds:.0f} s, peak memory of the writing process {written_peak:.0f} MB; "
        f"gunicorn workers' memory after the run: {', '.join(f'{r:.0f}' for r in rss)} MB."
    )
    print(f"IATI schema and rules on the national feed's first {RULES_SAMPLE:,}: {rules_checked}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%d %H:%M"),
                "seeded_seconds": seeded,
                "seconds_per_page": SECONDS,
                "shared_cache": shared,
                "pages": results,
                "open_data": {
                    "seconds": written_seconds,
                    "peak_mb": written_peak,
                    "rules": rules_checked,
                },
                "worker_rss_mb": rss,
            },
            indent=1,
        )
    )
    print(f"(also in {RESULTS.relative_to(ROOT)})")

    if not only or any(part in "round workbook" for part in only):
        round_workbook()


def round_workbook():
    """The open round's workbook as the worker prepares it (insight.tasks): seconds, then the
    peak Python memory of a second run (tracemalloc slows Python several times)."""
    import tracemalloc

    from insight import workbook
    from programs.models import Round

    round = Round.objects.select_related("plan__city").get(status=Round.Status.OPEN)
    with tempfile.TemporaryFile() as file:
        started, cpu = time.monotonic(), time.process_time()
        workbook.write(round, file)
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        size = file.tell()
    tracemalloc.start()
    with tempfile.TemporaryFile() as file:
        workbook.write(round, file)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print()
    print(
        f"Round workbook ({round.invitations.count():,} companies invited, "
        f"{round.programs.count():,} programs), prepared by the worker: {seconds:.1f} s "
        f"({cpu:.1f} s CPU in Python), {size / 2**20:.1f} MiB, peak Python memory {peak:.0f} MiB."
    )


if __name__ == "__main__":
    main()
