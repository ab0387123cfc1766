"""An output's site lies in its kelurahan; the public map shows each site with its output and
what verified reports say it achieved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from csrportal.demo.seed import BOUNDARIES
from delivery.models import OutputLine, Report
from insight import figures, maps
from programs.models import OutputIndicator, Program, ProgramOutput
from regions.models import Boundary, Region
from tests.factories import ProgramFactory


@pytest.fixture
def outlines(cilegon):
    call_command("import_boundaries", str(BOUNDARIES), verbosity=0)


def site(program, village, latitude, longitude):
    indicator, _ = OutputIndicator.objects.get_or_create(name="Lampu taman", unit="unit")
    return ProgramOutput(
        program=program,
        indicator=indicator,
        target_quantity=11,
        village=village,
        site="Taman Geger Cilegon",
        latitude=latitude,
        longitude=longitude,
    )


def test_a_site_must_lie_in_its_kelurahan(outlines, program_a, village):
    inside = Boundary.objects.get(region=village)
    site(program_a, village, f"{inside.centroid_lat:.5f}", f"{inside.centroid_lng:.5f}").clean()
    elsewhere = Boundary.objects.get(region=Region.objects.get(code="36.72.05.1003"))
    with pytest.raises(ValidationError) as refused:
        site(
            program_a, village, f"{elsewhere.centroid_lat:.5f}", f"{elsewhere.centroid_lng:.5f}"
        ).clean()
    assert "latitude" in refused.value.message_dict


def test_without_an_outline_any_point_in_indonesia_is_taken(program_a, village):
    site(program_a, village, "-6.01000", "106.05000").clean()


def test_the_map_shows_each_site_with_its_output_and_verified_progress(
    outlines, company_a, plan, village
):
    program = ProgramFactory(
        company=company_a, plan=plan, title="KP Sisterhood", status=Program.Status.IN_PROGRESS
    )
    inside = Boundary.objects.get(region=village)
    output = site(program, village, f"{inside.centroid_lat:.5f}", f"{inside.centroid_lng:.5f}")
    output.save()
    for status, quantity in [(Report.Status.VERIFIED, 6), (Report.Status.SUBMITTED, 3)]:
        report = Report.objects.create(
            program=program,
            period_start=datetime.date(2026, 1, 1 if quantity == 6 else 2),
            period_end=datetime.date(2026, 3, 31),
            status=status,
        )
        OutputLine.objects.create(report=report, output=output, quantity=quantity)
    (found,) = figures.output_sites(plan)
    assert found.achieved == 6  # the submitted report is not verified yet
    drawn = maps.draw(plan.city, {}, link=lambda region: "", sites=[found])
    assert [point.title for point in drawn.points] == [
        "Taman Geger Cilegon · Lampu taman 6/11 unit · KP Sisterhood"
    ]


def test_a_kelurahans_outline_is_drawn_to_place_a_site_on(outlines, client, village):
    from django.urls import reverse

    page = client.get(reverse("insight:village_outline", args=[village.pk]))
    assert page.status_code == 200
    outline = page.context["outline"]
    west, north = outline.west, outline.north
    assert 105.9 < west < 106.0 and -6.02 < north < -6.0  # Tegal Ratu's north-west corner
    assert 'data-west="' in page.content.decode() and "Tegal Ratu" in page.content.decode()
    district = Region.objects.get(code="36.72.04")  # a kecamatan is no site's kelurahan
    assert client.get(reverse("insight:village_outline", args=[district.pk])).status_code == 404
