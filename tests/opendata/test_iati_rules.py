"""IATI at the Standard's level: the rules the schema cannot say (opendata.rules), kept by the
feed (budgets of at most a year, sectors per priority, results per year, a registered
reporting-org) on crafted programs and on the whole demo."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from lxml import etree

from core.identity import iati_reference_problem
from delivery.models import OutputLine, Report, ReportLine
from opendata import feeds, iati, rules
from programs.models import OutputIndicator, Program
from regions.models import ServedRegion
from tests.factories import NeedFactory, PledgeFactory, PriorityFactory, ProgramFactory

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "opendata" / "schema" / "iati-activities-schema.xsd"
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def activity(body: str, ref="XI-IATI-CONTOH-3672", identifier="XI-IATI-CONTOH-3672-1") -> str:
    return f"""<iati-activity><iati-identifier>{identifier}</iati-identifier>
      <reporting-org ref="{ref}" type="10"><narrative>Kota Cilegon</narrative></reporting-org>
      {body}</iati-activity>"""


def check(*activities) -> list[str]:
    root = etree.fromstring(f"<iati-activities>{''.join(activities)}</iati-activities>")
    return rules.problems(root.iter("iati-activity"), today=TODAY)


GOOD = """<activity-date iso-date="2026-01-01" type="1"/>
  <activity-date iso-date="2026-02-01" type="2"/>
  <activity-date iso-date="2027-06-30" type="3"/>
  <recipient-country code="ID" percentage="100"/>
  <sector vocabulary="1" code="14030" percentage="60"/>
  <sector vocabulary="1" code="16040" percentage="40"/>
  <sector vocabulary="99" code="infrastructure" percentage="100"><narrative>I</narrative></sector>
  <budget type="1"><period-start iso-date="2026-01-01"/><period-end iso-date="2026-12-31"/>
    <value>1</value></budget>
  <budget type="1"><period-start iso-date="2027-01-01"/><period-end iso-date="2027-06-30"/>
    <value>1</value></budget>
  <transaction><transaction-date iso-date="2026-03-31"/><value value-date="2026-03-31">1</value>
  </transaction>"""


def test_an_activity_keeping_every_rule_has_no_problem():
    assert check(activity(GOOD)) == []


@pytest.mark.parametrize(
    "old, new, problem",
    [
        # Rule 7.5.3: the demo's 545-day budget of 2026-01-01 to 2027-06-30.
        (
            '<period-end iso-date="2026-12-31"/>',
            '<period-end iso-date="2027-06-30"/>',
            "budget: the period 2026-01-01 to 2027-06-30 is longer than a year",
        ),
        (
            '<period-start iso-date="2027-01-01"/>',
            '<period-start iso-date="2026-12-01"/>',
            "budget: two original budgets overlap on 2026-12-01",
        ),
        ('percentage="40"', 'percentage="30"', "percentages of vocabulary 1 do not add up to 100"),
        ("<narrative>I</narrative>", "", "a sector of vocabulary 99 has no name"),
        ('type="2"/>', 'type="2"/><activity-date iso-date="2026-01-15" type="4"/>', "actual end"),
        ('iso-date="2026-02-01" type="2"', 'iso-date="2027-02-01" type="2"', "in the future"),
        (
            '<transaction-date iso-date="2026-03-31"/>',
            '<transaction-date iso-date="2025-12-01"/>',
            "before the activity starts",
        ),
        ('value-date="2026-03-31"', 'value-date="2027-03-31"', "transaction: dated in the future"),
        ('percentage="100"/>', 'percentage="90"/>', "recipient-country: the percentages"),
    ],
)
def test_each_rule_finds_what_breaks_it(old, new, problem):
    assert GOOD.count(old) == 1
    found = check(activity(GOOD.replace(old, new)))
    assert found and any(problem in f for f in found), found


def test_identifiers_need_a_registered_agency_and_their_organisations_prefix():
    # Rule 1.14.8: Kemendagri is no registration agency (org-id.guide deprecated ID-KDN).
    found = check(activity(GOOD, ref="ID-KEMENDAGRI-36.72", identifier="ID-KEMENDAGRI-36.72-1"))
    assert found == [
        "ID-KEMENDAGRI-36.72-1: reporting-org: ID-KEMENDAGRI is not a registration agency of "
        "org-id.guide for Indonesia; use one of: ID-COA, ID-CR, ID-DJP, ID-KHH, ID-KLN, "
        "ID-NPWP, ID-PRO, ID-SMR, XI-IATI."
    ]
    found = check(activity(GOOD, identifier="XI-IATI-OTHER-1"), activity(GOOD), activity(GOOD))
    assert "does not start with the reporting organisation's" in found[0]
    assert found[1:] == ["XI-IATI-CONTOH-3672-1: identifier: appears 2 times in the file"]
    assert iati_reference_problem("XI-IATI-CONTOH/3672")
    assert iati_reference_problem("ID-COA-1.02.03") is None


def test_a_region_takes_only_a_registered_identifier(cilegon):
    served = ServedRegion.objects.get(region=cilegon)
    served.iati_reference = "ID-KEMENDAGRI-36.72"
    with pytest.raises(ValidationError) as raised:
        served.full_clean()
    assert "not a registration agency" in str(raised.value)
    served.iati_reference = "ID-COA-3672"
    served.full_clean()


def test_the_deployment_refuses_a_wrong_default_identifier_or_licence(settings):
    settings.IATI_ORGANISATION_REF = "ID-KEMENDAGRI-36.72"
    settings.OPEN_DATA_LICENCE = "all rights reserved"
    ids = {message.id for message in run_checks()}
    assert {"csrportal.E001", "csrportal.E002"} <= ids


def feed(plan) -> etree._Element:
    file = io.BytesIO()
    iati.write([plan], file, "xml")
    root = etree.fromstring(file.getvalue())
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(root)
    return root


def only(root, program):
    (found,) = root.xpath(f"//iati-activity[iati-identifier='XI-IATI-CONTOH-3672-{program.pk}']")
    return found


def report(program, officer, end: datetime.date, lines=(), outputs=()):
    made = Report.objects.create(
        program=program,
        period_start=end.replace(day=1),
        period_end=end,
        status=Report.Status.VERIFIED,
        created_by=officer,
    )
    for pledge, quantity, amount in lines:
        ReportLine.objects.create(report=made, pledge=pledge, quantity=quantity, amount=amount)
    for output, quantity in outputs:
        OutputLine.objects.create(report=made, output=output, quantity=quantity)


def test_a_program_over_two_years_has_a_budget_and_a_result_period_per_year(
    plan, company_a, village, officer_a
):
    water = PriorityFactory(plan=plan, code="AIR", title="Air bersih", dac_sector="14030")
    houses = PriorityFactory(plan=plan, code="RTLH", title="Rumah layak huni")  # no code set
    program = ProgramFactory(
        company=company_a,
        plan=plan,
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 6, 30),
        budget=546_000_000,
    )
    program.villages.set([village])
    pipes = PledgeFactory(
        program=program, need=NeedFactory(priority=water), quantity=30, amount=300_000_000
    )
    PledgeFactory(
        program=program, need=NeedFactory(priority=houses), quantity=5, amount=100_000_000
    )
    report(program, officer_a, datetime.date(2026, 6, 30), lines=[(pipes, 10, 90_000_000)])
    report(program, officer_a, datetime.date(2026, 9, 30), lines=[(pipes, 5, 40_000_000)])

    found = only(feed(plan), program)
    budgets = [
        (b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"))
        for b in found.iter("budget")
    ]
    assert budgets == [("2026-01-01", "2026-12-31"), ("2027-01-01", "2027-06-30")]
    values = [int(v.text) for v in found.xpath("budget/value")]
    assert values == [365_000_000, 181_000_000]  # by days, adding up to the budget
    sectors = [(s.get("code"), s.get("percentage")) for s in found.xpath("sector[@vocabulary=1]")]
    assert sectors == [("14030", "75"), ("16040", "25")]  # the pledges' amounts; the pillar's
    water_result = found.xpath("result[title/narrative='Air bersih']/indicator")[0]
    assert water_result.find("baseline").attrib == {"year": "2026", "value": "0"}
    periods = [
        (
            p.find("period-start").get("iso-date"),
            p.xpath("string(target/@value)"),
            p.xpath("string(actual/@value)"),
        )
        for p in water_result.iter("period")
    ]
    assert periods == [("2026-01-01", "", "15"), ("2027-01-01", "30", "")]  # 2027: no actual yet
    assert len(found.findall("result")) == 2  # water and houses
    assert rules.problems([found], today=TODAY) == []


def test_without_pledges_the_outputs_indicators_give_the_sector(plan, company_a):
    program = ProgramFactory(company=company_a, plan=plan, status=Program.Status.APPROVED)
    waste = OutputIndicator.objects.create(name="Bank sampah", unit="unit", dac_sector="14050")
    program.outputs.create(indicator=waste, target_quantity=2)
    plain = ProgramFactory(company=company_a, plan=plan, status=Program.Status.APPROVED)
    root = feed(plan)
    assert only(root, program).find("sector").attrib == {
        "vocabulary": "1",
        "code": "14050",
        "percentage": "100",
    }
    assert only(root, plain).find("sector").get("code") == "16040"  # the pillar's


def test_a_desa_is_called_a_desa(plan, company_a, outside_village):
    program = ProgramFactory(company=company_a, plan=plan, status=Program.Status.APPROVED)
    program.villages.set([outside_village])
    with translation.override("id"):
        text = only(feed(plan), program).findtext("location/description/narrative")
    assert text.startswith("Desa Kamasan")


def test_a_region_without_an_identifier_is_not_published(client, plan, company_a, settings):
    ProgramFactory(company=company_a, plan=plan, status=Program.Status.APPROVED)
    ServedRegion.objects.filter(region=plan.city).update(iati_reference="")
    settings.IATI_ORGANISATION_REF = ""
    assert client.get(reverse("opendata:iati_xml")).status_code == 404
    everywhere = client.get("/open-data/all/iati-activities.xml")
    assert everywhere.status_code == 200
    assert len(etree.fromstring(b"".join(everywhere.streaming_content))) == 0
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("opendata:data")).content.decode()
    assert "no registered IATI organisation identifier" in page
    assert reverse("opendata:iati_xml") not in page
    settings.IATI_ORGANISATION_REF = "ID-COA-3672"  # the default region's, from configuration
    assert iati.organisation_refs(["36.72"]) == {"36.72": "ID-COA-3672"}


def test_the_data_page_links_the_files_and_states_the_licence(client, plan):
    page = client.get(reverse("opendata:data")).content.decode()
    assert reverse("opendata:iati_xml") in page and reverse("opendata:iati_all_json") in page
    assert "XI-IATI-CONTOH-3672" in page
    assert "CC BY 4.0" in page and 'rel="license"' in page
    home = client.get(reverse("insight:public")).content.decode()
    assert reverse("opendata:data") in home  # every page's footer


def test_the_demo_feed_keeps_the_schema_and_every_rule(db):
    call_command("seed_demo", verbosity=0)
    file = io.BytesIO()
    with translation.override("id"):
        count = iati.write(feeds.plans(feeds.ALL), file, "xml")
    root = etree.fromstring(file.getvalue())
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(root)
    activities = list(root.iter("iati-activity"))
    assert count == len(activities) > 100
    assert rules.problems(activities) == []
    with_results = [a for a in activities if a.find("result") is not None]
    with_partners = [a for a in activities if a.find("participating-org[@role='4']") is not None]
    with_goals = [a for a in activities if a.find("tag[@vocabulary='2']") is not None]
    assert len(with_results) == count  # every committed demo program pledges or has outputs
    assert len(with_partners) > count * 0.6 and len(with_goals) > count * 0.8
    water = [a for a in activities if "air bersih" in a.findtext("title/narrative").lower()]
    waste = [a for a in activities if "sampah" in a.findtext("title/narrative").lower()]
    assert water and {a.find("sector").get("code") for a in water} == {"14030"}
    assert waste and {a.find("sector").get("code") for a in waste} == {"14050"}
    out = io.StringIO()
    call_command("check_open_data", stdout=out)
    assert out.getvalue().endswith(f"{count:,} activities: the schema and every rule hold.\n")
