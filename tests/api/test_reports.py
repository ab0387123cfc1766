"""Realization reports through a token: read as the token's person reads them; a company's
drafts started and filled in by a token made to file them, through the portal's forms and
services: the version checked, the audit trail in the officer's name, all or nothing."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from api.tokens import token_create
from core import tenancy
from core.limits import MAX_RUPIAH
from delivery import compliance, services
from delivery.models import Report
from planning.models import TargetUnit
from programs.models import OutputIndicator, Program, ProgramOutput, UnitClaim
from tests.delivery.conftest import new_report, running  # noqa: F401 (a fixture)
from tests.factories import CompanyFactory, PledgeFactory, ProgramFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def output(running):  # noqa: F811
    indicator = OutputIndicator.objects.create(name="Relawan", unit="orang")
    return ProgramOutput.objects.create(program=running, indicator=indicator, target_quantity=300)


@pytest.fixture
def filer(officer_a, company_a):
    return token_create(user=officer_a, company=company_a, name="SAP CSR", files_reports=True)[1]


def call(client, method, url, key, body=None):
    return getattr(client, method)(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def start(client, program, key, **body):
    url = reverse("api:own_program_reports", args=[program.pk])
    return call(
        client, "post", url, key, {"period_start": "2025-01-01", "period_end": "2025-03-31", **body}
    )


def test_a_filing_token_starts_a_draft_filled_in(client, running, output, filer, officer_a):  # noqa: F811
    pledge = running.pledges.get()
    response = start(
        client,
        running,
        filer,
        narrative="Empat rumah selesai dibedah.",
        beneficiaries=16,
        women=9,
        men=7,
        lines=[{"pledge": pledge.pk, "quantity": 4, "amount": 80_000_000}],
        outputs=[{"output": output.pk, "quantity": 120}],
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    report = Report.objects.get()
    assert response["Location"].endswith(reverse("api:own_report", args=[report.pk]))
    assert answer["status"] == "draft" and answer["version"]
    assert answer["lines"][0] | {"amount": 80_000_000, "quantity": 4} == answer["lines"][0]
    assert answer["outputs"][0]["quantity"] == 120
    assert report.narrative == "Empat rumah selesai dibedah." and report.beneficiaries == 16
    assert report.lines.get().amount == 80_000_000
    # In the officer's name, as on the portal's page.
    entries = LogEntry.objects.get_for_object(report)
    assert entries.exists() and {entry.actor for entry in entries} == {officer_a}


def test_a_change_gives_back_the_version_read_and_a_stale_one_is_refused(
    client,
    running,  # noqa: F811
    filer,
    officer_a,
):
    report = new_report(running, officer_a)
    url = reverse("api:own_report", args=[report.pk])
    read = call(client, "get", url, filer).json()
    changed = call(client, "patch", url, filer, {"version": read["version"], "women": 2})
    assert changed.status_code == 200, changed.content
    assert changed.json()["women"] == 2 and changed.json()["version"] != read["version"]
    # A second client still holding the first version: refused, nothing written.
    stale = call(client, "patch", url, filer, {"version": read["version"], "women": 5})
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "stale" and error["changes"] and error["version"]
    assert "Someone else changed this" in error["message"]["en"]
    report.refresh_from_db()
    assert report.women == 2
    again = call(client, "patch", url, filer, {"version": error["version"], "women": 5})
    assert again.status_code == 200 and again.json()["women"] == 5


def test_a_period_already_covered_is_a_conflict_naming_the_report(
    client,
    running,  # noqa: F811
    filer,
    officer_a,
):
    covering = new_report(running, officer_a)
    response = start(client, running, filer)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "duplicate"
    assert error["report"].endswith(reverse("delivery:detail", args=[covering.pk]))
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"narative": "typo"}, "narative"),
        ({"lines": [{"pledge": 999_999, "quantity": 1}]}, "lines.0.pledge"),
        ({"lines": [{"pledge": "x"}]}, "lines.0.pledge"),
        ({"women": -1}, "women"),
        ({"period_end": "2024-12-31"}, "period_end"),
        ({"period_start": "2099-01-01", "period_end": "2099-03-31"}, "period_start"),
    ],
)
def test_bad_fields_are_named_in_both_languages_and_nothing_is_saved(
    client,
    running,  # noqa: F811
    filer,
    body,
    field,
):
    response = start(client, running, filer, **body)
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert set(fields[field]) == {"id", "en"}, fields
    assert Report.objects.count() == 0  # not started half-filled


def test_a_stored_line_the_body_did_not_give_is_named_by_its_pledge(
    client,
    running,  # noqa: F811
    filer,
    officer_a,
):
    report = new_report(running, officer_a)
    line = report.lines.get()
    report.lines.update(amount=MAX_RUPIAH + 1)  # stored past what a form takes (an old import)
    url = reverse("api:own_report", args=[report.pk])
    read = call(client, "get", url, filer).json()
    refused = call(client, "patch", url, filer, {"version": read["version"], "women": 2})
    assert refused.status_code == 400
    fields = refused.json()["error"]["fields"]
    assert set(fields) == {f"lines.pledge:{line.pledge_id}.amount"}, fields
    report.refresh_from_db()
    assert report.women is None  # nothing saved


def test_a_line_counted_from_units_takes_no_typed_quantity(
    client,
    running,  # noqa: F811
    filer,
    officer_a,
):
    pledge = running.pledges.get()
    unit = TargetUnit.objects.create(
        need=pledge.need, kind="household", name="Warga Fiktif", nik_hash="0" * 64
    )
    UnitClaim.objects.create(pledge=pledge, unit=unit, committed=True)
    response = start(client, running, filer, lines=[{"pledge": pledge.pk, "quantity": 3}])
    assert response.status_code == 400
    assert "lines.0.quantity" in response.json()["error"]["fields"]
    amount_only = start(client, running, filer, lines=[{"pledge": pledge.pk, "amount": 5}])
    assert amount_only.status_code == 201
    assert amount_only.json()["lines"][0]["counted_from_units"] is True


def test_who_may_file_what(
    client,
    running,  # noqa: F811
    officer_a,
    company_a,
    officer_b,
    company_b,
    planner,
    filer,
):
    report = new_report(running, officer_a)
    url = reverse("api:own_report", args=[report.pk])
    version = call(client, "get", url, filer).json()["version"]
    reader = token_create(user=officer_a, company=company_a, name="Read only")[1]
    assert call(client, "patch", url, reader, {"version": version}).status_code == 403
    assert start(client, running, reader, period_start="2025-04-01").status_code == 403
    other = token_create(user=officer_b, company=company_b, name="B", files_reports=True)[1]
    assert call(client, "get", url, other).status_code == 404
    assert start(client, running, other, period_start="2025-04-01").status_code == 404
    planners = token_create(user=planner, company=None, name="Dashboard")[1]
    assert call(client, "get", url, planners).status_code == 404  # a draft stays with the company
    services.report_submit(report=report, by=officer_a)
    assert call(client, "get", url, planners).status_code == 200
    assert call(client, "patch", url, planners, {"version": version}).status_code == 403
    assert call(client, "patch", url, filer, {"version": version}).status_code == 403  # submitted
    listed = call(client, "get", reverse("api:own_reports"), planners).json()["results"]
    assert [item["id"] for item in listed] == [report.pk]


def test_the_reports_list_filters_and_runs_constant_queries(
    client,
    running,  # noqa: F811
    output,
    filer,
    officer_a,
):
    url = reverse("api:own_reports")
    new_report(running, officer_a)

    def counted():
        with CaptureQueriesContext(connection) as ctx:
            assert call(client, "get", url, filer).status_code == 200
        return len(ctx.captured_queries)

    counted()  # the token's last use noted, at most once a minute
    one = counted()
    for quarter in range(1, 5):
        start_month = 3 * quarter + 1
        PledgeFactory(program=running, quantity=1)  # more lines too
        new_report(
            running,
            officer_a,
            start=(2025 + start_month // 13, (start_month - 1) % 12 + 1, 1),
            end=(2025 + start_month // 13, (start_month - 1) % 12 + 1, 28),
        )
    assert counted() == one
    found = call(client, "get", url + "?year=2025&status=draft", filer).json()["results"]
    assert len(found) == 4 and all(item["period_end"].startswith("2025") for item in found)
    every = call(client, "get", url, filer).json()["results"]
    assert [item["page"] for item in every] == [
        f"http://testserver{reverse('delivery:detail', args=[item['id']])}" for item in every
    ]
    bad = call(client, "get", url + "?year=twenty", filer)
    assert bad.status_code == 400 and "year" in bad.json()["error"]["fields"]


def test_a_body_not_json_is_refused(client, running, filer):  # noqa: F811
    url = reverse("api:own_program_reports", args=[running.pk])
    response = client.post(
        url, {"period_start": "2025-01-01"}, HTTP_AUTHORIZATION=f"Bearer {filer}"
    )
    assert response.status_code == 415
    assert Report.objects.count() == 0


def test_a_report_is_unknown_under_another_regions_code(
    client,
    running,  # noqa: F811
    filer,
    officer_a,
    balikpapan,
):
    report = new_report(running, officer_a)
    with tenancy.serving("64.71"):
        url = reverse("api:own_report", args=[report.pk])
        body = {"period_start": "2025-04-01", "period_end": "2025-06-30"}
        new = reverse("api:own_program_reports", args=[running.pk])
    assert call(client, "get", url, filer).status_code == 404
    assert call(client, "patch", url, filer, {"version": "x"}).status_code == 404
    assert call(client, "post", new, filer, body).status_code == 404
    assert Report.objects.count() == 1


def test_writes_leave_no_audit_receiver_behind_and_a_read_report_is_304(
    client,
    running,  # noqa: F811
    filer,
    officer_a,
):
    from django.db.models.signals import pre_save

    report = new_report(running, officer_a)
    url = reverse("api:own_report", args=[report.pk])
    read = call(client, "get", url, filer)
    receivers = len(pre_save.receivers)
    for women in range(3):
        version = call(client, "get", url, filer).json()["version"]
        assert (
            call(client, "patch", url, filer, {"version": version, "women": women}).status_code
            == 200
        )
    assert len(pre_save.receivers) == receivers
    assert {e.actor for e in LogEntry.objects.get_for_object(report) if e.actor} == {officer_a}
    # Unchanged since read: 304, whatever moment the version carries.
    again = call(client, "get", url, filer)
    assert again["ETag"] != read["ETag"]  # changed three times since
    unchanged = client.get(
        url, HTTP_AUTHORIZATION=f"Bearer {filer}", HTTP_IF_NONE_MATCH=again["ETag"]
    )
    assert unchanged.status_code == 304


def test_compliance_through_a_token_is_the_pages(
    client,
    running,  # noqa: F811
    officer_a,
    company_a,
    company_b,
    planner,
    filer,
):
    url = reverse("api:own_compliance")
    planners = token_create(user=planner, company=None, name="Dashboard")[1]
    rows = call(client, "get", url, planners).json()
    assert {row["company"] for row in rows["results"]} == {company_a.slug}  # those it follows
    assert rows["count"] == 1 and rows["results"][0]["running"] == 1
    assert rows["results"][0]["due"] > 0 and rows["results"][0]["missing"] > 0
    own = call(client, "get", url, filer).json()["results"]
    assert [row["company"] for row in own] == [company_a.slug]
    # The same row whichever way it was counted (kept counts, or the company's own).
    assert own == rows["results"] and own[0]["sector"] == company_a.sector_id
    mine = token_create(user=officer_a, company=company_a, name="Mine")[1]
    assert call(client, "get", url + "?missing=false", mine).json()["results"] == []
    bad = call(client, "get", url + "?order=best&offset=-1", planners)
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) >= {"order"}
    assert call(client, "get", url + "?offset=x", planners).status_code == 400
    maybe = call(client, "get", url + "?missing=maybe", planners)
    assert maybe.status_code == 400 and "missing" in maybe.json()["error"]["fields"]


def test_compliance_through_a_token_runs_constant_queries(
    client,
    running,  # noqa: F811
    plan,
    planner,
    filer,
):
    url = reverse("api:own_compliance")
    planners = token_create(user=planner, company=None, name="Dashboard")[1]

    def counted(key):
        compliance.forget_summary()  # counted afresh: the rows as they now stand
        with CaptureQueriesContext(connection) as ctx:
            answer = call(client, "get", url, key)
        assert answer.status_code == 200
        return len(ctx.captured_queries), answer.json()["count"]

    for key in (planners, filer):
        call(client, "get", url, key)  # the token's last use noted, at most once a minute
    few = counted(planners)[0], counted(filer)[0]
    for _ in range(3):
        ProgramFactory(
            company=CompanyFactory(),
            plan=plan,
            status=Program.Status.IN_PROGRESS,
            start_date=running.start_date,
            end_date=running.end_date,
        )
    (planner_queries, followed), (officer_queries, own) = counted(planners), counted(filer)
    assert (planner_queries, officer_queries) == few
    assert (followed, own) == (4, 1)
