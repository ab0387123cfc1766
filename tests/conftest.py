import datetime
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client

from api.tokens import token_create
from core import tenancy, vocabulary
from csrportal.demo.seed import seed_regions
from planning.models import Need, NeedImport, TargetUnit
from programs import amendments
from programs.models import (
    Amendment,
    Attachment,
    Consultation,
    StrategicPlan,
    StrategyFile,
    UnitClaim,
)
from regions.models import Boundary, Region, ServedRegion
from tests.factories import (
    CompanyFactory,
    CompanyVillageFactory,
    InvitationFactory,
    MembershipFactory,
    NeedFactory,
    PlanFactory,
    PlannerFactory,
    PledgeFactory,
    PriorityFactory,
    ProgramFactory,
    ReaderFactory,
    RoundFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_and_plain(settings, tmp_path):
    cache.clear()  # cached fragments (filter forms) must not leak from one test to the next
    vocabulary.forget_all()  # nor sectors' and units' names kept in the process
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No collectstatic in tests: look static files up instead of the hashed manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads of a test never land in var/media
    tenancy.enter(None, "/")  # the default region: a request of the test before left its own
    yield
    tenancy.enter(None, "/")


@pytest.fixture
def cilegon(db) -> Region:
    """Kota Cilegon with its 8 kecamatan and 43 kelurahan (official codes)."""
    seed_regions()
    city = Region.objects.get(code="36.72")
    # Published as open data under the demo's identifier (opendata.iati).
    ServedRegion.objects.get_or_create(
        region=city, defaults={"iati_reference": "XI-IATI-CONTOH-3672"}
    )
    return city


@pytest.fixture
def outside_village(cilegon) -> Region:
    """Desa Kamasan, Kabupaten Serang: a village outside the portal's city."""
    serang = Region.objects.create(
        code="36.04",
        name="Kabupaten Serang",
        level=2,
        kind="kabupaten",
        parent=Region.objects.get(code="36"),
    )
    district = Region.objects.create(
        code="36.04.01", name="Cinangka", level=3, kind="kecamatan", parent=serang
    )
    return Region.objects.create(
        code="36.04.01.2001", name="Kamasan", level=4, kind="desa", parent=district
    )


@pytest.fixture
def balikpapan(cilegon) -> Region:
    """Kota Balikpapan (Kalimantan Timur), served beside Cilegon, with one kecamatan, one
    kelurahan, a plan, a priority and a need: another region of the same deployment."""
    province = Region.objects.create(code="64", name="Kalimantan Timur", level=1, kind="provinsi")
    city = Region.objects.create(
        code="64.71", name="Kota Balikpapan", level=2, kind="kota", parent=province
    )
    district = Region.objects.create(
        code="64.71.01", name="Balikpapan Timur", level=3, kind="kecamatan", parent=city
    )
    Region.objects.create(
        code="64.71.01.1001", name="Manggar", level=4, kind="kelurahan", parent=district
    )
    ServedRegion.objects.create(region=city, iati_reference="XI-IATI-CONTOH-6471")
    plan = PlanFactory(city=city, title="RPJMD Kota Balikpapan 2025-2029")
    priority = PriorityFactory(plan=plan, code="RTLH-BPN", title="RTLH Balikpapan")
    NeedFactory(
        priority=priority,
        village=Region.objects.get(code="64.71.01.1001"),
        quantity=12,
        title="RTLH Manggar",
        external_ref="RTLH-64.71.01.1001",
    )
    return city


@pytest.fixture
def planner_bpn(balikpapan):
    """A planner of Kota Balikpapan only: a planner of another region, seen from Cilegon."""
    return PlannerFactory(username="planner_bpn", region="64.71")


@pytest.fixture
def province_planner(cilegon):
    """A planner of Banten province: reads Cilegon (and every regency of Banten), decides
    nothing."""
    return ReaderFactory(username="province_planner", region="36")


@pytest.fixture
def village(cilegon) -> Region:
    return Region.objects.get(code="36.72.04.1002")  # Tegal Ratu


@pytest.fixture
def company_a(cilegon):
    company = CompanyFactory(name="PT Krakatau Posco", slug="pt-krakatau-posco")
    CompanyVillageFactory(company=company, village=Region.objects.get(code="36.72.04.1002"))
    return company


@pytest.fixture
def company_b(cilegon):
    return CompanyFactory(name="PT Chandra Asri Pacific", slug="pt-chandra-asri-pacific")


@pytest.fixture
def plan(cilegon):
    return PlanFactory()


@pytest.fixture
def rutilahu(plan):
    return PriorityFactory(plan=plan, code="RUTILAHU", title="Rutilahu", target_quantity=2100)


@pytest.fixture
def classrooms(plan):
    return PriorityFactory(
        plan=plan,
        code="RKB",
        title="Ruang kelas",
        unit_id="classroom",
        pillar="education",
        target_quantity=60,
    )


@pytest.fixture
def planner(cilegon):
    return PlannerFactory(username="planner")


@pytest.fixture
def officer_a(company_a):
    return MembershipFactory(user__username="officer_a", company=company_a).user


@pytest.fixture
def officer_b(company_b):
    return MembershipFactory(user__username="officer_b", company=company_b).user


@pytest.fixture
def staff(db):
    return UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Signed in, but neither planner, officer nor staff."""
    return UserFactory(username="outsider")


def _client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def planner_client(planner):
    return _client_for(planner)


@pytest.fixture
def officer_client(officer_a):
    return _client_for(officer_a)


@pytest.fixture
def staff_client(staff):
    return _client_for(staff)


@pytest.fixture
def client_for():
    return _client_for


@pytest.fixture
def tegal_ratu_need(rutilahu, village):
    return NeedFactory(
        priority=rutilahu,
        village=village,
        quantity=40,
        title="Rutilahu Tegal Ratu",
        external_ref="RUTILAHU-36.72.04.1002",
    )


@pytest.fixture
def program_a(company_a, plan, tegal_ratu_need, village):
    """A complete draft of company A with one pledge."""
    program = ProgramFactory(company=company_a, plan=plan, title="Bedah rumah Tegal Ratu")
    program.villages.set([village])
    PledgeFactory(program=program, need=tegal_ratu_need, quantity=5, amount=100_000_000)
    return program


@pytest.fixture
def program_b(company_b, plan, tegal_ratu_need, village):
    program = ProgramFactory(company=company_b, plan=plan, title="Program perusahaan B")
    program.villages.set([village])
    PledgeFactory(program=program, need=tegal_ratu_need)
    return program


@pytest.fixture
def world(
    outsider,
    officer_a,
    officer_b,
    planner,
    staff,
    planner_bpn,
    province_planner,
    company_a,
    tegal_ratu_need,
    program_a,
):
    """Company A's draft (program_a, with a file), submitted and running programs, the running
    one's submitted and draft reports (each with a file) and a proposed change, a need, an
    import."""
    from core.models import PreparedFile
    from delivery.models import Evidence, Report, ReportLine

    submitted = ProgramFactory(company=company_a, plan=program_a.plan, status="submitted")
    submitted_pledge = PledgeFactory(program=submitted, need=tegal_ratu_need, quantity=3)
    running = ProgramFactory(
        company=company_a,
        plan=program_a.plan,
        status="in_progress",
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    pledge = PledgeFactory(program=running, need=tegal_ratu_need, quantity=4)
    reports = {}
    for status, start in [("submitted", (2025, 1, 1)), ("draft", (2025, 4, 1))]:
        report = Report.objects.create(
            program=running,
            period_start=datetime.date(*start),
            period_end=datetime.date(*start) + datetime.timedelta(days=89),
            status=status,
            narrative="Dua rumah selesai dibedah.",
        )
        ReportLine.objects.create(report=report, pledge=pledge, quantity=2, amount=40_000_000)
        Evidence.objects.create(
            report=report,
            file=ContentFile(b"%PDF-1.4 bukti", name="bukti.pdf"),
            original_name="bukti.pdf",
            content_type="application/pdf",
            size=14,
            uploaded_by=officer_a,
        )
        reports[status] = report
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=4)  # the running pledge
    unit = TargetUnit.objects.create(
        need=tegal_ratu_need,
        kind=TargetUnit.Kind.HOUSEHOLD,
        name="Warga Fiktif Matriks",
        nik_hash="f" * 64,
        nik_masked="3672••••••••0001",
        decile=1,
    )
    UnitClaim.objects.create(pledge=pledge, unit=unit, committed=True)  # taken by the running one
    attachment = Attachment.objects.create(
        program=program_a,
        file=ContentFile(b"%PDF-1.4 proposal", name="proposal.pdf"),
        original_name="proposal.pdf",
        content_type="application/pdf",
        size=17,
        uploaded_by=officer_a,
    )
    need_import = NeedImport.objects.create(
        plan=program_a.plan,
        file=ContentFile(b"kode prioritas;kelurahan\n", name="needs.csv"),
        original_name="needs.csv",
        uploaded_by=planner,
    )
    round = RoundFactory(plan=program_a.plan)
    InvitationFactory(round=round, company=company_a)
    running.villages.set([tegal_ratu_need.village])
    Boundary.objects.create(  # an outline to place a site on
        region=tegal_ratu_need.village,
        shape=Boundary.Shape.POLYGON,
        coordinates=[[[105.96, -6.04], [105.99, -6.04], [105.99, -6.01], [105.96, -6.04]]],
        centroid_lng=105.98,
        centroid_lat=-6.03,
    )
    strategic_plan = StrategicPlan.objects.create(
        company=company_a, title="Renstra CSR 2023-2027", first_year=2023, last_year=2027, goals="-"
    )
    strategic_plan.villages.set([tegal_ratu_need.village])
    consultation = Consultation.objects.create(
        company=company_a,
        plan=strategic_plan,
        kind=Consultation.Kind.FGD,
        held_on=datetime.date(2026, 3, 12),
        women=10,
        participant_names="Ibu Siti Aminah",
        topics="Air bersih",
    )
    consultation.villages.set([tegal_ratu_need.village])
    minutes = StrategyFile.objects.create(
        consultation=consultation,
        file=ContentFile(b"%PDF-1.4 notulen", name="notulen.pdf"),
        original_name="notulen.pdf",
        content_type="application/pdf",
        size=16,
        uploaded_by=officer_a,
    )
    base = amendments.snapshot(running)
    amendment = Amendment.objects.create(
        program=running,
        reason="Anggaran bertambah.",
        base=base,
        proposed={**base, "fields": {**base["fields"], "budget": 1_200_000_000}},
        proposed_by=officer_a,
    )
    workbook = PreparedFile.objects.create(
        subject=round.workbook_subject,
        filename="sinkronisasi.xlsx",
        language="id",
        status=PreparedFile.Status.READY,
        file=ContentFile(b"PK\x03\x04 workbook", name="prepared.xlsx"),
        size=13,
    )
    token, _key = token_create(user=officer_a, company=company_a, name="SAP CSR")
    return {
        "api_token": token.pk,
        "round": round.pk,
        "workbook": workbook.pk,
        "users": {
            "anonymous": None,
            "outsider": outsider,
            "officer_a": officer_a,
            "officer_b": officer_b,
            "planner": planner,
            "staff": staff,
            "planner_other": planner_bpn,
            "province_planner": province_planner,
        },
        "company": company_a.slug,
        "draft": program_a.pk,
        "submitted": submitted.pk,
        "submitted_pledge": submitted_pledge.pk,
        "draft_pledge": program_a.pledges.get().pk,
        "unit": unit.pk,
        "attachment": attachment.pk,
        "need": tegal_ratu_need.pk,
        "priority": tegal_ratu_need.priority_id,
        "village": tegal_ratu_need.village.code,
        "village_id": tegal_ratu_need.village_id,
        "district": tegal_ratu_need.village.parent.code,
        "import": need_import.pk,
        "running": running.pk,
        "amendment": amendment.pk,
        "strategic_plan": strategic_plan.pk,
        "consultation": consultation.pk,
        "strategy_file": minutes.pk,
        "report": reports["submitted"].pk,
        "report_evidence": reports["submitted"].evidence.get().pk,
        "draft_report": reports["draft"].pk,
        "draft_evidence": reports["draft"].evidence.get().pk,
    }


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def shared_cache(settings):
    """The cache in Redis (REDIS_TEST_URL), as gunicorn workers and machines share it, for a
    test whose rows another process must see (PostgreSQL, transaction=True); skips without
    either. Yields the other process's runner: `in_another_process(python_code)`."""
    import redis

    if connection.vendor != "postgresql":
        pytest.skip("another process sees the test's rows only in a PostgreSQL database")
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_TEST_URL,
        }
    }
    cache.clear()
    database = connection.settings_dict
    env = {
        **os.environ,
        "REDIS_URL": REDIS_TEST_URL,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
    }

    def in_another_process(code: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    yield in_another_process
    cache.clear()
