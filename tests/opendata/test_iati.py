"""IATI 2.03 open data: valid against the official schema, only committed programs, verified
figures, no private data; the JSON mirrors the XML."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from delivery.models import OutputLine, Report, ReportLine
from opendata import iati
from planning.models import Unit
from programs.models import OutputIndicator, Program, ProgramTransition
from regions.models import Region
from tests.factories import PledgeFactory, ProgramFactory

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "opendata" / "schema" / "iati-activities-schema.xsd"
BOUNDARIES = ROOT / "csrportal" / "demo" / "data" / "36.72-cilegon.geojson"
S = Program.Status


@pytest.fixture
def programs(plan, company_a, company_b, tegal_ratu_need, village, planner, officer_a):
    """One program per status; the running one with a partner, SDGs, an output and two reports
    (one verified, one only submitted)."""
    call_command("import_boundaries", str(BOUNDARIES), verbosity=0)
    made = {}
    for status in S.values:
        program = ProgramFactory(
            company=company_a, plan=plan, status=status, title=f"Program {status}", sdgs=[1, 11]
        )
        program.villages.set([village, Region.objects.get(code="36.72.04.1003")])
        made[status] = program
    running = made[S.IN_PROGRESS]
    running.partners.create(kind="community", name="KSM Tegal Ratu Bersih", role="Pelaksana")
    running.partners.create(kind="company", company=company_b)
    ProgramTransition.objects.create(
        program=running, from_status=S.APPROVED, to_status=S.IN_PROGRESS, by=planner
    )
    pledge = PledgeFactory(program=running, need=tegal_ratu_need, quantity=4)
    indicator = OutputIndicator.objects.create(name="Rumah dibedah", unit="rumah")
    output = running.outputs.create(indicator=indicator, target_quantity=4, village=village)
    for status, done, spent, month in [
        (Report.Status.VERIFIED, 3, 60_000_000, 1),
        (Report.Status.SUBMITTED, 1, 5, 4),
    ]:
        start = datetime.date(2026, month, 1)
        report = Report.objects.create(
            program=running,
            period_start=start,
            period_end=start + datetime.timedelta(days=89),
            status=status,
            created_by=officer_a,
        )
        ReportLine.objects.create(report=report, pledge=pledge, quantity=done, amount=spent)
        OutputLine.objects.create(report=report, output=output, quantity=done)
    return made


def document(client, name="opendata:iati_xml"):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_export_validates_against_the_official_schema(client, programs):
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    root = etree.fromstring(document(client))
    assert schema.validate(root), schema.error_log
    assert root.get("version") == "2.03"


def test_only_approved_running_and_completed_programs_are_published(client, programs):
    root = etree.fromstring(document(client))
    titles = set(root.xpath("//iati-activity/title/narrative/text()"))
    assert titles == {f"Program {s}" for s in (S.APPROVED, S.IN_PROGRESS, S.COMPLETED)}
    statuses = {
        a.findtext("title/narrative"): a.find("activity-status").get("code")
        for a in root.iter("iati-activity")
    }
    assert statuses["Program in_progress"] == "2" and statuses["Program completed"] == "4"


def test_an_activity_carries_its_organisations_places_money_and_verified_results(
    client, programs, company_a, company_b
):
    root = etree.fromstring(document(client))
    running = programs[S.IN_PROGRESS]
    (activity,) = root.xpath(f"//iati-activity[iati-identifier='XI-IATI-CONTOH-3672-{running.pk}']")
    organisations = [
        (o.get("role"), o.get("type"), o.findtext("narrative"))
        for o in activity.iter("participating-org")
    ]
    assert organisations == [
        ("1", "70", company_a.name),
        ("4", "22", "KSM Tegal Ratu Bersih"),
        ("4", "70", company_b.name),
    ]
    assert activity.find("reporting-org/narrative").text == "Kota Cilegon"
    assert sorted(loc.get("ref") for loc in activity.iter("location")) == [
        "36.72.04.1002",
        "36.72.04.1003",
    ]
    assert activity.find("location/point/pos").text.startswith("-6.")
    assert activity.find("sector[@vocabulary='1']").get("code") == "16040"  # low-cost housing
    assert [t.get("code") for t in activity.iter("tag")] == ["1", "11"]
    assert activity.find("budget/value").text == str(running.budget)
    assert [t.find("value").text for t in activity.iter("transaction")] == ["60000000"]
    period = activity.find("result/indicator/period")
    assert (period.find("target").get("value"), period.find("actual").get("value")) == ("4", "3")
    dates = {d.get("type") for d in activity.iter("activity-date")}
    assert dates == {"1", "2", "3"}  # planned start and end, actual start


def test_no_private_data_is_published(client, programs, officer_a):
    text = document(client).decode()
    for private in (officer_a.username, officer_a.email, "Program draft", "Program submitted"):
        assert private not in text


def test_the_json_mirrors_the_xml(client, programs):
    root = etree.fromstring(document(client))
    response = client.get(reverse("opendata:iati_json"))
    assert response["Content-Type"] == "application/json"
    data = json.loads(b"".join(response.streaming_content))["iati-activities"]
    assert data["version"] == "2.03"
    assert [a["iati-identifier"][0] for a in data["iati-activity"]] == root.xpath(
        "//iati-identifier/text()"
    )
    first = data["iati-activity"][0]
    assert first["xml:lang"] == "id" and first["title"][0]["narrative"][0]


def test_the_export_runs_a_constant_number_of_queries(programs, plan, company_a, village):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            iati.write([plan], io.BytesIO(), "xml")
        return len(ctx.captured_queries)

    indicator = OutputIndicator.objects.create(name="Bank sampah", unit="unit", dac_sector="14050")
    Unit.objects.names()  # the units' names, kept in the process (core.vocabulary)
    few = queries()
    for _ in range(5):
        program = ProgramFactory(company=company_a, plan=plan, status=S.APPROVED)
        program.villages.set([village])
        program.partners.create(kind="ngo", name="Yayasan")
        PledgeFactory(program=program, need__village=village)  # a priority of its own
        program.outputs.create(indicator=indicator, target_quantity=3)
    assert queries() == few
