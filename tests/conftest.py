import pytest
from django.test import Client

from csrportal.demo.seed import seed_regions
from regions.models import Region
from tests.factories import (
    CompanyFactory,
    CompanyVillageFactory,
    MembershipFactory,
    PlanFactory,
    PlannerFactory,
    PriorityFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    from django.core.cache import cache

    cache.clear()  # cached fragments (filter forms) must not leak from one test to the next
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No collectstatic in tests: look static files up instead of the hashed manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def cilegon(db) -> Region:
    """Kota Cilegon with its 8 kecamatan and 43 kelurahan (official codes)."""
    seed_regions()
    return Region.objects.get(code="36.72")


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
        unit="classroom",
        pillar="education",
        target_quantity=60,
    )


@pytest.fixture
def planner(db):
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
