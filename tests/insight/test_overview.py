"""The province and national overviews: each served regency's row equals the sums of its own
dashboard, a province counts only its regencies, the cost does not grow with the regions."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import tenancy
from insight import figures, overview
from planning.models import DevelopmentPlan, Need
from programs import workflow
from regions.models import Region, ServedRegion
from tests.factories import (
    CompanyVillageFactory,
    NeedFactory,
    PlanFactory,
    PledgeFactory,
    PriorityFactory,
    ProgramFactory,
)


def approved_in(plan, company, officer, planner_code, need, quantity, amount):
    from tests.factories import PlannerFactory

    program = ProgramFactory(company=company, plan=plan, title=f"Program {plan.city.name}")
    program.villages.set([need.village])
    PledgeFactory(program=program, need=need, quantity=quantity, amount=amount)
    workflow.program_submit(program=program, by=officer)
    planner = PlannerFactory(username=f"planner-{planner_code}", region=planner_code)
    return workflow.program_approve(program=program, by=planner)


def dashboard_sums(plan) -> dict:
    rows = figures.priorities(plan)
    return {
        name: sum(getattr(r, name) for r in rows)
        for name in ("target", "pledged", "delivered", "pledged_rupiah", "spent_rupiah")
    }


def test_each_row_equals_its_regions_dashboard_and_a_province_counts_its_own(
    client, balikpapan, tegal_ratu_need, company_a, officer_a
):
    bpn_plan = DevelopmentPlan.objects.get(city=balikpapan)
    bpn_need = Need.objects.get(priority__plan=bpn_plan)
    CompanyVillageFactory(company=company_a, village=bpn_need.village)
    approved_in(bpn_plan, company_a, officer_a, "64.71", bpn_need, 3, 90_000_000)
    cilegon_plan = tegal_ratu_need.priority.plan
    approved_in(cilegon_plan, company_a, officer_a, "36.72", tegal_ratu_need, 5, 150_000_000)

    found = overview.regions_figures(list(Region.objects.filter(served__isnull=False)))
    by_code = {row.region.code: row for row in found.rows}
    for code, plan in (("36.72", cilegon_plan), ("64.71", bpn_plan)):
        row = by_code[code]
        assert {name: getattr(row, name) for name in dashboard_sums(plan)} == dashboard_sums(plan)
        assert (row.companies, row.reporting) == (1, 0)
        aligned, _sectors = figures.alignment(plan)  # the region's own dashboard's share
        assert (row.budget, row.in_plan_rupiah) == (aligned.budget, aligned.in_plan_rupiah)
        assert row.in_plan_percent == aligned.rupiah_percent is not None
    assert found.totals.pledged == 8 and found.totals.pledged_rupiah == 240_000_000

    national = client.get("/overview/")  # public: no sign-in
    assert national.status_code == 200
    page = national.content.decode()
    assert "Kota Cilegon" in page and "Kota Balikpapan" in page
    province = client.get("/overview/64/")
    assert [row.region.code for row in province.context["rows"]] == ["64.71"]
    assert province.context["totals"].pledged == 3
    assert client.get("/overview/99/").status_code == 404
    assert client.get("/overview/64.71/").status_code == 404  # a regency is not a province


def test_the_rows_sort_by_any_column_and_a_bad_sort_is_ignored(client, balikpapan, plan):
    PriorityFactory(plan=plan, code="X", title="X", target_quantity=5000)
    rows = client.get("/overview/", {"sort": "-target"}).context["rows"]
    assert [r.region.code for r in rows] == ["36.72", "64.71"]
    rows = client.get("/overview/", {"sort": "target"}).context["rows"]
    assert [r.region.code for r in rows] == ["64.71", "36.72"]
    assert client.get("/overview/", {"sort": "region__secret"}).status_code == 200
    # No committed CSR yet: no share, sorted as the smallest.
    assert client.get("/overview/", {"sort": "-in_plan_percent"}).status_code == 200


def test_the_overview_costs_the_same_for_one_region_or_many(client, balikpapan, plan):
    def count() -> int:
        cache.clear()  # counted afresh (the page keeps its figures five minutes)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/overview/").status_code == 200
        return len(ctx.captured_queries)

    two = count()
    province = Region.objects.get(code="64")
    for number in range(2, 7):
        city = Region.objects.create(
            code=f"64.{number:02d}",
            name=f"Kabupaten {number}",
            level=2,
            kind="kabupaten",
            parent=province,
        )
        district = Region.objects.create(
            code=f"{city.code}.01", name="K", level=3, kind="kecamatan", parent=city
        )
        village = Region.objects.create(
            code=f"{city.code}.01.2001", name="D", level=4, kind="desa", parent=district
        )
        ServedRegion.objects.create(region=city)
        priority = PriorityFactory(plan=PlanFactory(city=city, title=city.name), code="P")
        NeedFactory(priority=priority, village=village, quantity=3)
    assert count() == two


def test_a_region_without_a_plan_has_an_empty_row(client, balikpapan, cilegon):
    with tenancy.serving("36.72"):
        assert DevelopmentPlan.objects.current() is None
    rows = client.get("/overview/").context["rows"]
    assert [(r.region.code, r.plan is None, r.target) for r in rows] == [
        ("64.71", False, 100),  # by name: Kota Balikpapan, then Kota Cilegon
        ("36.72", True, 0),
    ]


def test_a_companys_page_shows_its_share_in_the_plan_per_region_as_each_dashboard_does(
    balikpapan, tegal_ratu_need, company_a, officer_a
):
    """Per region, the company's committed programs and the share following the plan equal
    the region's own dashboard's count; CSR outside the plan (outputs only) counts too."""
    from programs.models import OutputIndicator, Program

    bpn_plan = DevelopmentPlan.objects.get(city=balikpapan)
    bpn_need = Need.objects.get(priority__plan=bpn_plan)
    approved_in(bpn_plan, company_a, officer_a, "64.71", bpn_need, 3, 90_000_000)
    cilegon_plan = tegal_ratu_need.priority.plan
    approved_in(cilegon_plan, company_a, officer_a, "36.72", tegal_ratu_need, 5, 150_000_000)
    cleaning = ProgramFactory(
        company=company_a, plan=cilegon_plan, title="City Cleaning", status=Program.Status.APPROVED
    )
    cleaning.outputs.create(
        indicator=OutputIndicator.objects.create(name="Relawan", unit="orang"), target_quantity=300
    )

    rows, total = overview.company_figures(company_a)
    by_code = {row.region.code: row for row in rows}
    for code, plan in (("36.72", cilegon_plan), ("64.71", bpn_plan)):
        aligned, _sectors = figures.alignment(plan)
        found = by_code[code].aligned
        assert (found.programs, found.programs_in_plan, found.in_plan_rupiah, found.budget) == (
            aligned.programs,
            aligned.programs_in_plan,
            aligned.in_plan_rupiah,
            aligned.budget,
        )
    assert by_code["36.72"].programs == 2  # the program outside the plan is one of them
    assert (total.aligned.programs, total.aligned.programs_in_plan) == (3, 2)
