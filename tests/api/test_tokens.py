"""API tokens: made by officers (for one company) and planners (for themselves), shown once,
kept as a digest, audited, revoked; a token reads what its person reads, as their roles stand
now, in the region it asks under, and never another company's programs."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from api.models import ApiToken
from api.tokens import MAX_LIVE, digest, token_create, token_revoke
from companies.models import Membership
from core import tenancy
from programs.models import Program
from tests.factories import PledgeFactory, ProgramFactory

S = Program.Status


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def programs(plan, company_a, company_b):
    """Company A's draft and running program, company B's submitted one."""
    return {
        "draft": ProgramFactory(company=company_a, plan=plan, status=S.DRAFT, title="A draft"),
        "running": ProgramFactory(
            company=company_a, plan=plan, status=S.IN_PROGRESS, title="A running"
        ),
        "other": ProgramFactory(company=company_b, plan=plan, status=S.SUBMITTED, title="B"),
    }


def own(client, key, **query):
    response = client.get(reverse("api:own_programs"), query, HTTP_AUTHORIZATION=f"Bearer {key}")
    return response


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(p["title"] for p in response.json()["results"])


def test_an_officers_token_reads_its_companys_programs_drafts_included(
    client, officer_a, company_a, programs
):
    token, key = token_create(user=officer_a, company=company_a, name="SAP CSR")
    assert titles(own(client, key)) == ["A draft", "A running"]
    assert titles(own(client, key, status="draft")) == ["A draft"]
    assert token.digest == digest(key) and key not in str(ApiToken.objects.values())
    response = own(client, key)
    assert response["Cache-Control"] == "private, no-cache" and "Authorization" in response["Vary"]


def test_a_planners_token_reads_the_regions_submitted_programs_not_drafts(
    client, planner, programs
):
    _token, key = token_create(user=planner, company=None, name="Dashboard provinsi")
    assert titles(own(client, key)) == ["A running", "B"]


def test_a_token_follows_its_persons_roles_and_region(
    client, officer_a, company_a, programs, balikpapan
):
    _token, key = token_create(user=officer_a, company=company_a, name="SAP CSR")
    with tenancy.serving("64.71"):
        assert titles(own(client, key)) == []  # Cilegon's programs stay under Cilegon
    Membership.objects.filter(user=officer_a, company=company_a).delete()
    assert own(client, key).status_code == 401  # revoked with the membership
    assert ApiToken.objects.get().revoked_at is not None


def test_a_closed_account_revokes_its_tokens(client, planner, programs):
    _token, key = token_create(user=planner, company=None, name="Dashboard")
    planner.is_active = False
    planner.save(update_fields=["is_active"])
    assert own(client, key).status_code == 401
    assert ApiToken.objects.live().count() == 0


def test_another_companys_or_regions_token_reads_nothing_here(
    client, officer_b, company_b, planner_bpn, programs
):
    _token, key = token_create(user=officer_b, company=company_b, name="B's system")
    assert titles(own(client, key)) == ["B"]  # its own submitted program, never A's
    with tenancy.serving("64.71"):
        _token, other = token_create(user=planner_bpn, company=None, name="Balikpapan")
    assert titles(own(client, other)) == []  # a Balikpapan planner reads nothing of Cilegon


def test_bad_tokens_are_throttled_by_address(client, db, settings):
    from django.core.cache import cache

    settings.API_RATE = 2
    cache.clear()
    statuses = [
        client.get(reverse("api:own_programs"), HTTP_AUTHORIZATION="Bearer csr_x").status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_who_may_hold_a_token_and_how_many(officer_a, company_a, company_b, planner, outsider):
    with pytest.raises(PermissionDenied):
        token_create(user=officer_a, company=company_b, name="Not mine")
    with pytest.raises(PermissionDenied):
        token_create(user=officer_a, company=None, name="As a planner")
    with pytest.raises(PermissionDenied):
        token_create(user=outsider, company=None, name="Anyone")
    for number in range(MAX_LIVE):
        token_create(user=planner, company=None, name=f"System {number}")
    with pytest.raises(ValidationError):
        token_create(user=planner, company=None, name="One too many")


def test_a_revoked_or_unknown_token_reads_nothing(client, officer_a, company_a, programs):
    token, key = token_create(user=officer_a, company=company_a, name="SAP CSR")
    token_revoke(token=token, by=officer_a)
    for header in (f"Bearer {key}", "Bearer csr_unknown", "Bearer", "Bearer a b", "Bearer é"):
        response = client.get(reverse("api:own_programs"), HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    response = client.get(reverse("api:own_programs"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_the_page_shows_a_new_key_once_and_audits_making_and_revoking(
    officer_client, officer_a, company_a
):
    page = officer_client.post(reverse("tokens:list"), {"name": "SAP CSR", "company": company_a.pk})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    key = page.context["key"]
    assert key.startswith("csr_") and key in page.content.decode()
    token = ApiToken.objects.get()
    assert key not in officer_client.get(reverse("tokens:list")).content.decode()
    response = officer_client.post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    entries = LogEntry.objects.get_for_object(token).order_by("pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(key not in str(e.changes) for e in entries)


def test_the_page_refuses_a_company_not_ones_own_and_a_blank_name(
    officer_client, company_b, company_a
):
    page = officer_client.post(reverse("tokens:list"), {"name": "X", "company": company_b.pk})
    assert page.status_code == 200 and page.context["key"] is None
    assert page.context["form"].errors["company"]
    page = officer_client.post(reverse("tokens:list"), {"name": " ", "company": company_a.pk})
    assert page.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_only_the_owner_revokes(client_for, officer_a, officer_b, company_a):
    token, _key = token_create(user=officer_a, company=company_a, name="SAP CSR")
    response = client_for(officer_b).post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_operator_revokes_a_leaked_token_in_the_admin(staff_client, staff, officer_a, company_a):
    token, key = token_create(user=officer_a, company=company_a, name="SAP CSR")
    changelist = reverse("admin:api_apitoken_changelist")
    assert staff_client.get(changelist).status_code == 200
    page = staff_client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert page.status_code == 200 and key not in page.content.decode()
    staff_client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = LogEntry.objects.get_for_object(token).latest("pk")
    assert entry.actor == staff


def test_a_tokens_programs_page_costs_the_same_queries_whatever_its_rows(
    client, officer_a, company_a, programs, plan
):
    _token, key = token_create(user=officer_a, company=company_a, name="SAP CSR")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert own(client, key).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the token's last use noted, at most once a minute
    few = queries()
    for index in range(6):
        program = ProgramFactory(company=company_a, plan=plan, title=f"Program {index}")
        PledgeFactory(program=program)
        program.partners.create(kind="ngo", name="Yayasan")
    assert queries() == few
