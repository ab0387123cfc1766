"""The dashboard, the equity map, the public pages and the boundaries they are drawn from."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from delivery.models import OutputLine, Report
from insight import maps
from planning import services as planning_services
from planning.models import Need
from programs.models import Attachment, OutputIndicator
from regions.models import Boundary, Region
from tests.factories import NeedFactory, PledgeFactory, ProgramFactory
from tests.utils import queries_for

CILEGON_BOUNDARIES = (
    Path(__file__).resolve().parents[2] / "csrportal" / "demo" / "data" / "36.72-cilegon.geojson"
)
SQUARE = [[[106.0, -6.0], [106.01, -6.0], [106.01, -6.01], [106.0, -6.01], [106.0, -6.0]]]


def geojson(tmp_path, features) -> str:
    path = tmp_path / "boundaries.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


def feature(code, coordinates=SQUARE, kind="Polygon"):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": code},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


@pytest.fixture
def boundaries(cilegon):
    call_command("import_boundaries", str(CILEGON_BOUNDARIES), verbosity=0)


@pytest.fixture
def committed(plan, company_a, company_b, tegal_ratu_need, rutilahu, village):
    """An approved program (5 pledged), a running one (4 pledged, 3 delivered) and a cancelled
    one that delivered 2 before it stopped; needs' counters as the services leave them."""
    approved = ProgramFactory(company=company_a, plan=plan, status="approved", title="Disetujui")
    approved.villages.set([village])
    PledgeFactory(program=approved, need=tegal_ratu_need, quantity=5, amount=100_000_000)
    running = ProgramFactory(company=company_b, plan=plan, status="in_progress", title="Berjalan")
    PledgeFactory(
        program=running,
        need=tegal_ratu_need,
        quantity=4,
        amount=80_000_000,
        delivered_quantity=3,
        spent_amount=60_000_000,
    )
    other = NeedFactory(priority=rutilahu, village=Region.objects.get(code="36.72.01.1001"))
    cancelled = ProgramFactory(company=company_a, plan=plan, status="cancelled", title="Batal")
    PledgeFactory(
        program=cancelled, need=other, quantity=6, delivered_quantity=2, spent_amount=1_000
    )
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=9, delivered_quantity=3)
    Need.objects.filter(pk=other.pk).update(pledged_quantity=2, delivered_quantity=2)
    return {"approved": approved, "running": running, "cancelled": cancelled}


# ---- boundaries ----


def test_cilegons_boundaries_are_imported_and_a_second_run_replaces_them(cilegon, capsys):
    call_command("import_boundaries", str(CILEGON_BOUNDARIES))
    assert Boundary.objects.filter(region__level=Region.Level.VILLAGE).count() == 43
    assert Boundary.objects.count() == 52
    call_command("import_boundaries", str(CILEGON_BOUNDARIES))
    assert "replaced 52" in capsys.readouterr().out
    assert Boundary.objects.count() == 52


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ([feature("99.99.99.9999")], "no region has this code"),
        ([feature("36.72.04.1002", [[[106.0, -6.0], [106.1, -6.0]]])], "not a valid Polygon"),
        ([feature("36.72.04.1002", [[[500, -6.0]] * 4])], "not a valid Polygon"),
        ([feature("36.72.04.1002", [[["a", "b"]] * 4])], "not a valid Polygon"),
        ([feature("36.72.04.1002", SQUARE, kind="Point")], "not a valid Polygon"),
        ([feature("36.72.04.1002"), feature("36.72.04.1002")], "appears twice"),
        (["not a feature"], "no region has this code"),
    ],
)
def test_bad_features_are_listed_and_nothing_is_imported(
    cilegon, tmp_path, capsys, features, message
):
    path = geojson(tmp_path, [feature("36.72.04.1001"), *features])
    with translation.override("en"), pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_boundaries", path)
    assert message in capsys.readouterr().err
    assert not Boundary.objects.exists()


@pytest.mark.parametrize("content", ["not json", "[]", '{"type": "Feature"}', "[" * 100_000])
def test_a_file_that_is_no_feature_collection_is_refused(cilegon, tmp_path, content):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(CommandError):
        call_command("import_boundaries", str(path))
    assert not Boundary.objects.exists()


def test_legend_classes_are_round_and_cover_the_largest_value():
    legend = maps.classes([0, 3, 80, 17])
    assert legend[0].low == 1 and legend[-1].high >= 80
    assert [(band.low, band.high) for band in legend] == [(1, 20), (21, 40), (41, 60), (61, 80)]
    assert maps.colour_of(0, legend) == maps.NONE_COLOUR
    assert maps.colour_of(80, legend) == legend[-1].colour
    assert maps.classes([0, 0]) == []


def test_the_map_colours_each_kelurahan_by_its_gap_and_links_it(
    client, boundaries, plan, tegal_ratu_need
):
    response = client.get(reverse("insight:map"))
    page = response.content.decode()
    assert response.status_code == 200 and page.count('<path d="M') == 43
    tegal_ratu = reverse("insight:village", args=["36.72.04.1002"])
    assert f'href="{tegal_ratu}"' in page
    drawn = response.context["map"]
    shape = next(s for s in drawn.villages if s.region.code == "36.72.04.1002")
    assert shape.value == 40 * 20_000_000 and shape.colour == drawn.legend[-1].colour
    assert response.context["ranked"][0].region.code == "36.72.04.1002"


# ---- dashboard ----


def test_dashboard_totals_equal_the_priority_pages(planner_client, committed, rutilahu, classrooms):
    dashboard = planner_client.get(reverse("insight:dashboard"))
    priorities = planner_client.get(reverse("planning:priority_list"))
    shown = {row.priority.pk: row for row in dashboard.context["priorities"]}
    for priority in priorities.context["priorities"]:
        row = shown[priority.pk]
        assert (row.target, row.pledged, row.delivered, row.gap) == (
            priority.target_quantity,
            priority.pledged,
            priority.delivered,
            priority.gap,
        )
    assert (shown[rutilahu.pk].pledged, shown[rutilahu.pk].delivered) == (11, 5)
    assert shown[rutilahu.pk].pledged_rupiah == 100_000_000 + 80_000_000 + 1_000
    assert dashboard.context["totals"]["spent_rupiah"] == 60_001_000


def test_a_year_counts_the_programs_that_start_in_it(planner_client, committed, rutilahu):
    rutilahu.year_targets.create(year=2027, quantity=400)
    response = planner_client.get(reverse("insight:dashboard") + "?year=2027")
    row = next(r for r in response.context["priorities"] if r.priority == rutilahu)
    assert (row.target, row.pledged, row.delivered) == (400, 0, 0)  # every program starts 2026
    assert response.context["year"] == 2027
    ignored = planner_client.get(reverse("insight:dashboard") + "?year=1990")
    assert ignored.context["year"] is None


def test_the_planners_home_is_the_dashboard(planner_client, plan):
    response = planner_client.get(reverse("home"))
    assert "insight/dashboard.html" in [t.name for t in response.templates]


def test_a_kelurahan_with_needs_and_no_csr_is_put_forward(planner_client, committed, rutilahu):
    masigit = Region.objects.get(code="36.72.05.1003")
    NeedFactory(priority=rutilahu, village=masigit, quantity=80)
    forgotten = planner_client.get(reverse("insight:dashboard")).context["forgotten"]
    codes = [row["village__code"] for row in forgotten]
    assert codes[0] == masigit.code
    assert "36.72.04.1002" not in codes  # Tegal Ratu has committed programs


def test_dashboard_and_public_pages_keep_their_query_count(
    client, planner_client, boundaries, committed, plan, rutilahu, company_a, village
):
    urls = [
        reverse("insight:dashboard"),
        reverse("insight:public"),
        reverse("insight:map"),
        reverse("insight:village", args=[village.code]),
        reverse("insight:district", args=[village.parent.code]),
    ]
    before = [queries_for(planner_client, url) for url in urls]
    for n in range(6):
        program = ProgramFactory(company=company_a, plan=plan, status="in_progress")
        program.villages.set([village])
        need = NeedFactory(priority=rutilahu, village=village, quantity=50)
        PledgeFactory(program=program, need=need, quantity=3)
        program.outputs.create(
            indicator_id=committed["approved"]
            .outputs.model.indicator.field.related_model.objects.create(
                name=f"Indikator {n}", unit="unit"
            )
            .pk,
            target_quantity=5,
            village=village,
            latitude="-6.02",
            longitude="106.03",
        )
    assert [queries_for(planner_client, url) for url in urls] == before


# ---- public pages ----


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("draft", False),
        ("submitted", False),
        ("revision", False),
        ("rejected", False),
        ("approved", True),
        ("in_progress", True),
        ("completed", True),
        ("cancelled", False),
    ],
)
def test_public_pages_show_only_committed_programs(
    client, plan, company_a, tegal_ratu_need, village, status, shown
):
    program = ProgramFactory(
        company=company_a, plan=plan, status=status, title="Program rahasia-atau-publik"
    )
    program.villages.set([village])
    PledgeFactory(program=program, need=tegal_ratu_need, quantity=2)
    for url in [
        reverse("insight:village", args=[village.code]),
        reverse("insight:district", args=[village.parent.code]),
    ]:
        page = client.get(url).content.decode()
        assert ("Program rahasia-atau-publik" in page) is shown, (status, url)


def test_public_pages_show_no_person_and_no_file(
    client, committed, officer_a, planner, village, plan
):
    program = committed["approved"]
    Attachment.objects.create(
        program=program,
        file="attachments/rahasia.pdf",
        original_name="proposal-rahasia.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=officer_a,
    )
    type(officer_a).objects.filter(pk=officer_a.pk).update(first_name="Siti", last_name="Rahayu")
    program.company.__class__.objects.filter(pk=program.company_id).update(
        contact_person="Budi Santoso", email="budi@krakatau.example", phone="0254-123456"
    )
    pages = [
        client.get(url).content.decode()
        for url in [
            reverse("insight:public"),
            reverse("insight:map"),
            reverse("insight:village", args=[village.code]),
            reverse("insight:district", args=[village.parent.code]),
        ]
    ]
    for page in pages:
        for private in [
            "Budi Santoso",
            "budi@krakatau.example",
            "0254-123456",
            "rahasia",
            "Siti Rahayu",
            "/attachments/",
            "/reports/",
        ]:
            assert private not in page
    assert "Disetujui" in pages[2]


def test_a_kelurahan_outside_the_city_has_no_public_page(client, plan, outside_village):
    assert client.get(reverse("insight:village", args=[outside_village.code])).status_code == 404
    assert client.get(reverse("insight:village", args=["36.72.04"])).status_code == 404


def test_verified_output_achievement_is_shown(client, committed, village):
    running = committed["running"]
    indicator = OutputIndicator.objects.create(name="Lampu tenaga surya", unit="unit")
    output = running.outputs.create(indicator=indicator, target_quantity=11, village=village)
    for status, start, quantity in [("verified", 1, 6), ("submitted", 4, 5)]:
        report = Report.objects.create(
            program=running,
            period_start=datetime.date(2026, start, 1),
            period_end=datetime.date(2026, start + 2, 28),
            status=status,
        )
        OutputLine.objects.create(report=report, output=output, quantity=quantity)
    response = client.get(reverse("insight:village", args=[village.code]))
    shown = next(p for p in response.context["programs"] if p.pk == running.pk)
    assert shown.outputs.all()[0].achieved == 6  # the submitted report is not verified yet


def test_public_pages_page_through_many_programs(client, plan, company_a, village):
    for n in range(23):
        program = ProgramFactory(company=company_a, plan=plan, status="approved", title=f"P{n:02d}")
        program.villages.set([village])
    for url in (
        reverse("insight:village", args=[village.code]),
        reverse("insight:district", args=[village.parent.code]),
    ):
        first = client.get(url).context
        second = client.get(url + "?page=2").context
        assert [p.title for p in first["programs"]] == [f"P{n:02d}" for n in range(20)]
        assert [p.title for p in second["programs"]] == ["P20", "P21", "P22"]
        assert client.get(url + "?page=x").context["page_obj"].number == 1


def test_the_kelurahan_page_draws_its_needs_again_once_one_changes(
    client, plan, planner, tegal_ratu_need, village
):
    url = reverse("insight:village", args=[village.code])
    assert "Rutilahu Tegal Ratu" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert len(warm) == 1  # the kelurahan: its needs and programs are drawn already
    tegal_ratu_need.title = "Rutilahu Tegal Ratu (data 2027)"
    planning_services.need_save(need=tegal_ratu_need, by=planner, fields=["title"])
    assert "Rutilahu Tegal Ratu (data 2027)" in client.get(url).content.decode()


def test_the_public_pages_keep_a_drawing_per_language(client, committed, village):
    url = reverse("insight:village", args=[village.code])
    indonesian = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    badge = '<span class="badge status-approved">{}</span>'
    assert badge.format("Approved") in english and badge.format("Disetujui") not in english
    assert badge.format("Disetujui") in indonesian and badge.format("Approved") not in indonesian


@pytest.mark.parametrize("raw", ["²", "٣", "1e3", "-1", "99999999999999999999", ""])
def test_numbers_in_the_address_that_are_no_whole_number_are_ignored(
    client, planner_client, village, plan, raw
):
    """Superscript and Arabic-Indic digits are digits to Python, but no page or year."""
    assert (
        client.get(reverse("insight:village", args=[village.code]), {"page": raw}).status_code
        == 200
    )
    assert planner_client.get(reverse("insight:dashboard"), {"year": raw}).status_code == 200
    assert client.get(reverse("insight:map"), {"priority": raw}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_drawn_fragment_is_drawn_again_when_another_process_changes_a_need(
    client, plan, tegal_ratu_need, village, shared_cache
):
    """The kelurahan page's needs are kept drawn in Redis under the needs version; a need saved
    in another process (another gunicorn worker, the admin on another machine) takes a new
    version there, and this process's next view draws the table again."""
    url = reverse("insight:village", args=[village.code])
    assert "Rutilahu Tegal Ratu" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert len(warm) == 1  # the kelurahan only: the table comes from Redis
    shared_cache(
        "from planning.models import Need; "
        f"need = Need.objects.get(pk={tegal_ratu_need.pk}); "
        "need.title = 'Diubah di proses lain'; need.save()"
    )
    assert "Diubah di proses lain" in client.get(url).content.decode()


def test_the_share_of_csr_in_the_plan_is_the_same_on_the_dashboard_and_in_the_export(
    planner_client, committed, company_a, plan
):
    """Two committed programs pledge (100 and 80 million of 400 and 300 million budgets); a
    third, outside the plan, pledges nothing (200 million): 2 of 3 programs, 180 of 900
    million. The program list's download says which are in the plan."""
    import csv
    import io

    from programs.models import Program

    Program.objects.filter(pk=committed["approved"].pk).update(budget=400_000_000)
    Program.objects.filter(pk=committed["running"].pk).update(budget=300_000_000)
    ProgramFactory(
        company=company_a,
        plan=plan,
        status="in_progress",
        title="City Cleaning",
        budget=200_000_000,
    )
    aligned = planner_client.get(reverse("insight:dashboard")).context["aligned"]
    assert (aligned.programs, aligned.programs_in_plan) == (3, 2)
    assert (aligned.budget, aligned.in_plan_rupiah, aligned.rupiah_percent) == (
        900_000_000,
        180_000_000,
        20,
    )
    download = planner_client.get(reverse("programs:list"), {"export": "csv"})
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    committed_rows = [r for r in rows if r["Status"] in ("Disetujui", "Berjalan", "Selesai")]
    in_plan = [r for r in committed_rows if r["Dalam rencana"] == "ya"]
    assert (len(committed_rows), len(in_plan)) == (aligned.programs, aligned.programs_in_plan)
