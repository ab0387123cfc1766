"""The public API: what the public pages show and no more, per region, cursor pages, filters
refusing bad values in both languages, ETags, throttling, a constant number of queries."""

import calendar
import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from core import tenancy, versions
from delivery.models import OutputLine, Report, ReportLine
from programs.models import OutputIndicator, Program
from tests.factories import CompanyFactory, NeedFactory, PledgeFactory, ProgramFactory

S = Program.Status


def quarter_report(program, officer, quarter: int, status) -> Report:
    """A report of `program` on a quarter of 2026, as it stands at `status` (no service: the
    figures are set by the test)."""
    last_month = 3 * quarter
    return Report.objects.create(
        program=program,
        period_start=datetime.date(2026, last_month - 2, 1),
        period_end=datetime.date(2026, last_month, calendar.monthrange(2026, last_month)[1]),
        status=status,
        created_by=officer,
    )


@pytest.fixture
def committed(plan, company_a, tegal_ratu_need, village, officer_a):
    """A running program with a pledge, an output and one verified report; a draft and a
    submitted program beside it."""
    running = ProgramFactory(company=company_a, plan=plan, status=S.IN_PROGRESS, title="Bedah")
    running.villages.set([village])
    running.partners.create(kind="community", name="KSM Tegal Ratu", role="Pelaksana")
    pledge = PledgeFactory(program=running, need=tegal_ratu_need, quantity=4, amount=80_000_000)
    indicator = OutputIndicator.objects.create(name="Sumur bor", unit="unit")
    output = running.outputs.create(indicator=indicator, target_quantity=2, village=village)
    report = quarter_report(running, officer_a, 1, Report.Status.VERIFIED)
    ReportLine.objects.create(report=report, pledge=pledge, quantity=3, amount=1)
    OutputLine.objects.create(report=report, output=output, quantity=1)
    # The counters the approval and verification services keep.
    pledge.delivered_quantity = 3
    pledge.save(update_fields=["delivered_quantity"])
    tegal_ratu_need.pledged_quantity, tegal_ratu_need.delivered_quantity = 4, 3
    tegal_ratu_need.save(update_fields=["pledged_quantity", "delivered_quantity"])
    for status in (S.DRAFT, S.SUBMITTED):
        ProgramFactory(company=company_a, plan=plan, status=status, title=f"Rahasia {status}")
    return running


def test_programs_show_what_the_public_pages_show(client, committed, company_a):
    response = client.get(reverse("api:programs"))
    assert response.status_code == 200
    (program,) = response.json()["results"]  # never a draft nor one under review
    assert program["title"] == "Bedah" and program["status"] == "in_progress"
    assert program["company"] == {"name": company_a.name, "slug": company_a.slug}
    assert program["pledges"] == [
        {
            "priority": "RUTILAHU",
            "need": committed.pledges.get().need_id,
            "village": "36.72.04.1002",
            "quantity": 4,
            "delivered": 3,
        }
    ]
    assert program["outputs"] == [
        {
            "indicator": "Sumur bor",
            "unit": "unit",
            "village": "36.72.04.1002",
            "site": "",
            "target": 2,
            "delivered": 1,
        }
    ]
    assert program["partners"] == [{"kind": "community", "name": "KSM Tegal Ratu"}]
    assert "amount" not in str(program["pledges"])  # a pledge's Rupiah stays inside
    detail = client.get(reverse("api:program", args=[committed.pk])).json()
    assert detail == program
    draft = Program.objects.get(status=S.DRAFT)
    assert client.get(reverse("api:program", args=[draft.pk])).status_code == 404


def test_only_verified_reports_count_and_a_partner_is_named_by_its_company(
    client, committed, officer_a
):
    contractor = CompanyFactory(name="PT Kontraktor Baja")
    committed.partners.create(kind="company", company=contractor, role="Pelaksana")
    committed.sdgs = [6, "6", None, 11]
    committed.save(update_fields=["sdgs"])
    water = OutputIndicator.objects.create(name="Tandon air", unit="unit")
    tank = committed.outputs.create(indicator=water, target_quantity=5, site="Taman Geger")
    pending = quarter_report(committed, officer_a, 2, Report.Status.SUBMITTED)
    OutputLine.objects.create(report=pending, output=tank, quantity=4)
    OutputLine.objects.create(report=pending, output=committed.outputs.first(), quantity=1)

    program = client.get(reverse("api:program", args=[committed.pk])).json()

    assert [output["delivered"] for output in program["outputs"]] == [1, 0]
    assert program["outputs"][1] | {"village": None, "site": "Taman Geger"} == program["outputs"][1]
    assert program["partners"] == [
        {"kind": "community", "name": "KSM Tegal Ratu"},
        {"kind": "company", "name": "PT Kontraktor Baja"},
    ]
    assert program["sdgs"] == [6, 11]
    assert program["villages"] == [
        {"code": "36.72.04.1002", "name": "Tegal Ratu", "kind": "kelurahan"}
    ]


def test_priorities_needs_and_villages_carry_their_figures(client, committed, tegal_ratu_need):
    (priority,) = client.get(reverse("api:priorities")).json()
    assert priority | {"target": 2100, "pledged": 4, "delivered": 3, "gap": 2096} == priority
    (need,) = client.get(reverse("api:needs")).json()["results"]
    assert need["id"] == tegal_ratu_need.pk and need["gap"] == need["quantity"] - need["pledged"]
    assert "description" not in need
    villages = client.get(reverse("api:villages"), {"limit": 200}).json()["results"]
    assert len(villages) == 43
    tegal_ratu = next(v for v in villages if v["code"] == "36.72.04.1002")
    assert tegal_ratu | {"needs": 1, "needed": 40, "pledged": 4, "gap": 36} == tegal_ratu


def test_each_region_answers_under_its_own_code(client, committed, balikpapan):
    with tenancy.serving("64.71"):
        there = client.get(reverse("api:needs")).json()["results"]
        programs = client.get(reverse("api:programs")).json()["results"]
    assert [n["village"]["code"] for n in there] == ["64.71.01.1001"] and programs == []
    regions = client.get(reverse("api:regions")).json()
    assert [r["code"] for r in regions] == ["36.72", "64.71"]
    assert regions[1]["api"].endswith("/64.71/api/v1/")


def test_lists_come_in_cursor_pages(client, plan, rutilahu, village):
    for _ in range(5):
        NeedFactory(priority=rutilahu, village=village)
    first = client.get(reverse("api:needs"), {"limit": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    ids = [n["id"] for page in (first, second, third) for n in page["results"]]
    assert len(ids) == 5 == len(set(ids)) and third["next"] is None
    assert client.get(second["previous"]).json()["results"] == first["results"]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"year": "1900"}, "year"),
        ({"status": "draft"}, "status"),
        ({"pillar": "nope"}, "pillar"),
    ],
)
def test_a_bad_parameter_is_a_400_in_both_languages(client, committed, query, field):
    response = client.get(reverse("api:programs"), query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {field}
    messages = error["fields"][field]
    assert messages["id"] and messages["en"]
    assert error["message"]["id"] != error["message"]["en"]  # translated


def test_filters_use_the_pages_words(client, committed, company_a, plan):
    ProgramFactory(plan=plan, status=S.APPROVED, pillar="education", title="Kelas")

    def found(**query):
        return [p["title"] for p in client.get(reverse("api:programs"), query).json()["results"]]

    assert found(pillar="education") == ["Kelas"]
    assert found(village="36.72.04.1002") == ["Bedah"]
    assert found(district="36.72.04") == ["Bedah"]
    assert found(priority="RUTILAHU") == ["Bedah"]
    assert found(company=company_a.slug) == ["Bedah"]


def test_an_unknown_address_or_method_answers_json(client, committed):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = client.post(reverse("api:programs"))
    assert response.status_code == 405 and "message" in response.json()["error"]
    response = client.get(reverse("api:needs"), {"cursor": "zzz"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "invalid_cursor"


def test_an_unchanged_answer_is_a_304_and_new_figures_show_at_once(client, committed):
    first = client.get(reverse("api:programs"))
    again = client.get(reverse("api:programs"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    committed.title = "Bedah rumah"
    committed.save(update_fields=["title"])
    versions.bump("needs")  # as an approval or a verification does (core.versions)
    changed = client.get(reverse("api:programs"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["results"][0]["title"] == "Bedah rumah"


def test_an_address_asking_too_often_is_told_to_wait(client, committed, settings):
    settings.API_RATE = 3
    cache.clear()
    statuses = [client.get(reverse("api:priorities")).status_code for _ in range(4)]
    response = client.get(reverse("api:priorities"))
    assert statuses == [200, 200, 200, 429]
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"
    # Another address is not held back.
    assert client.get(reverse("api:priorities"), REMOTE_ADDR="10.0.0.9").status_code == 200


@pytest.mark.parametrize("name", ["api:programs", "api:needs", "api:villages"])
def test_a_page_costs_the_same_queries_whatever_its_rows(client, committed, plan, village, name):
    def queries():
        cache.clear()  # the answer made, not the kept one (nor the current plan)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for index in range(6):
        program = ProgramFactory(plan=plan, status=S.APPROVED, title=f"Program {index}")
        program.villages.set([village])
        PledgeFactory(program=program, need__village=village)
        program.partners.create(kind="ngo", name="Yayasan")
    assert queries() == few


def test_the_schema_is_valid_openapi_and_documents_every_list(client, committed):
    schema = client.get(reverse("api:schema")).json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/programs/", "/api/v1/needs/", "/api/v1/villages/"} <= set(schema["paths"])
    listing = schema["paths"]["/api/v1/programs/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"cursor", "limit", "village", "year"}
    assert {"200", "400", "429"} <= set(listing["responses"])
    page = client.get(reverse("api:docs")).content.decode()
    assert "/api/v1/programs/" in page and "<script" not in page.split("</header>")[-1]


@pytest.mark.parametrize(
    "name, query",
    [
        ("api:needs", {"cursor": "cD1hYmM="}),  # p=abc: a forged position
        ("api:villages", {"cursor": "cD0zNi43MgA="}),  # p=36.72 and a NUL
        ("api:needs", {"limit": "²"}),  # a digit to isdigit(), not to int()
        ("api:programs", {"district": "36.72"}),  # a regency's code, not a kecamatan's
        ("api:needs", {"village": "36.72.04"}),
    ],
)
def test_forged_cursors_and_odd_values_are_refused_not_a_500(client, committed, name, query):
    response = client.get(reverse(name), query)
    assert response.status_code in (400, 404)
    assert response.json()["error"]["code"] in ("invalid", "invalid_cursor")


def test_the_docs_page_answers_whatever_is_asked(client, committed, planner_client):
    assert client.get(reverse("api:docs"), {"format": "x"}).status_code == 200
    assert client.get(reverse("api:docs"), HTTP_ACCEPT="text/html").status_code == 200
    page = planner_client.get(reverse("api:docs"))
    assert page.status_code == 200 and page.context["user"].is_authenticated
    assert client.post(reverse("api:docs")).status_code == 405


def test_an_unserved_regions_api_answers_json(client, committed):
    response = client.get("/99.99/api/v1/programs/")
    assert response.status_code == 404
    assert response.json()["error"]["message"]["en"] == "Nothing is found at this address."
    need = client.get(reverse("api:needs")).json()["results"][0]
    assert "estimated_unit_cost" not in need  # shown to signed-in users only


def test_a_parameter_given_twice_is_refused(client, committed):
    response = client.get(reverse("api:programs") + "?year=2026&year=")
    assert response.status_code == 400 and set(response.json()["error"]["fields"]) == {"year"}


def test_an_answer_is_kept_and_read_without_the_database(client, committed):
    client.get(reverse("api:programs"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("api:programs")).status_code == 200
    assert len(ctx.captured_queries) == 0


def test_a_database_outage_is_a_json_503_and_a_bug_a_json_500(committed, monkeypatch):
    from django.db import OperationalError
    from django.test import Client

    from api import rows

    client = Client(raise_request_exception=False)

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(rows, "with_details", refuse)
    response = client.get(reverse("api:programs"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "unavailable"

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(rows, "with_details", broken)
    response = client.get(reverse("api:programs") + "?limit=3")  # not a kept answer
    assert response.status_code == 500 and response.json()["error"]["code"] == "error"
