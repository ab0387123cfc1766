"""Target units: identity numbers, the register import that never double counts, erasure."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from core import identity
from planning import services
from planning.models import Need, NeedImport, TargetUnit
from planning.unit_imports import preview_units, protect_table


@pytest.fixture(autouse=True)
def english():
    """The services' messages compared in English."""
    with translation.override("en"):
        yield


HEADER = ["NIK", "Nama Kepala Keluarga", "Kelurahan", "Alamat", "RT", "RW", "Desil", "Kondisi Atap"]


def household(number: int, village="36.72.04.1002", decile=2) -> list:
    return [
        f"367204120180{number:04d}",
        f"Warga Fiktif {number}",
        village,
        f"Jl. Contoh {number}",
        "3",
        "5",
        decile,
        "rusak berat",
    ]


def run_import(plan, priority, rows, planner, kind=NeedImport.Kind.HOUSEHOLDS, header=HEADER):
    """Upload, preview and confirm, as the pages do."""
    table = protect_table([header, *rows], kind, plan.city.code)
    preview = preview_units(plan, priority, kind, table)
    need_import = NeedImport.objects.create(
        plan=plan,
        kind=kind,
        priority=priority,
        original_name="rtlh.xlsx",
        uploaded_by=planner,
        table=table,
        preview=preview.as_json(),
        row_count=len(preview.rows),
    )
    outcome = services.need_import_confirm(need_import=need_import, by=planner, skip_errors=True)
    return preview, outcome


def test_a_nik_is_checked_for_shape_birth_date_and_region():
    assert identity.nik_problem("3672041201800012", "36.72") is None
    assert identity.nik_problem("3672045201800012", "36.72") is None  # a woman: day + 40
    assert "16 digits" in identity.nik_problem("367204120180001", "36.72")
    assert "date of birth" in identity.nik_problem("3672043201800012", "36.72")
    assert "issued in region 64.71" in identity.nik_problem("6471041201800012", "36.72")


def test_the_nik_hash_depends_on_the_key(settings):
    first = identity.nik_hash("3672041201800012")
    settings.NIK_HASH_KEY = "another-key"
    assert identity.nik_hash("3672041201800012") != first
    assert identity.nik_masked("3672041201800012") == "3672••••••••0012"


def test_households_are_registered_and_a_reimport_changes_nothing(
    plan, rutilahu, tegal_ratu_need, planner
):
    rows = [household(n) for n in range(1, 6)]
    preview, outcome = run_import(plan, rutilahu, rows, planner)
    assert outcome.imported and preview.as_json()["counts"]["create"] == 5
    assert tegal_ratu_need.units.count() == 5
    before = Need.objects.get(pk=tegal_ratu_need.pk).quantity

    preview, outcome = run_import(plan, rutilahu, rows, planner)
    counts = preview.as_json()["counts"]
    assert (counts["create"], counts["matched"]) == (0, 5)
    assert "Registered already as RT-" in preview.rows[0].note
    assert TargetUnit.objects.count() == 5
    assert Need.objects.get(pk=tegal_ratu_need.pk).quantity == before


def test_a_row_repeated_in_the_file_is_matched_to_the_first(
    plan, rutilahu, tegal_ratu_need, planner
):
    preview, _outcome = run_import(
        plan, rutilahu, [household(1), household(2), household(1)], planner
    )
    assert [row.action for row in preview.rows] == ["create", "create", "repeated"]
    assert "row 2" in preview.rows[2].note
    assert TargetUnit.objects.count() == 2


def test_units_identify_the_need_count_and_raise_it_only_beyond(
    plan, rutilahu, tegal_ratu_need, planner
):
    """Importing 12 households into a need of 10 houses: the need counts 12, not 22."""
    quantity = tegal_ratu_need.quantity
    run_import(plan, rutilahu, [household(n) for n in range(1, quantity + 3)], planner)
    assert Need.objects.get(pk=tegal_ratu_need.pk).quantity == quantity + 2


def test_a_household_of_another_region_is_matched_not_added(
    plan, rutilahu, tegal_ratu_need, planner, balikpapan
):
    """The deployment knows each household once, whatever need or region holds it; where,
    in another region, is not this region's to know."""
    run_import(plan, rutilahu, [household(1)], planner)
    TargetUnit.objects.update(need=Need.objects.get(priority__code="RTLH-BPN"))
    preview, _outcome = run_import(plan, rutilahu, [household(1)], planner)
    assert preview.rows[0].action == "matched"
    assert preview.rows[0].note == "Registered already in another region: not added."
    assert TargetUnit.objects.count() == 1


def test_wrong_rows_say_why(plan, rutilahu, tegal_ratu_need, planner):
    rows = [
        ["6471041201800012", "A", "36.72.04.1002", "", "", "", 2, ""],  # another region
        [3672041201800013, "B", "36.72.04.1002", "", "", "", 2, ""],  # typed as a number
        ["3672041201800014", "C", "36.72.04.1002", "", "", "", 11, "bagus"],
        ["3672041201800015", "", "Atlantis", "", "x", "", 1, ""],
    ]
    preview, _outcome = run_import(plan, rutilahu, rows, planner)
    errors = [" ".join(row.errors) for row in preview.rows]
    assert "issued in region 64.71" in errors[0]
    assert "typed as a number" in errors[1]
    assert "from 1 to 10" in errors[2] and "rusak berat" in errors[2]
    assert "Atlantis" in errors[3] and "RT" in errors[3]
    assert TargetUnit.objects.count() == 0


def test_the_raw_nik_and_names_never_reach_the_database(plan, rutilahu, tegal_ratu_need, planner):
    nik = household(1)[0]
    run_import(plan, rutilahu, [household(1)], planner)
    dumped = []
    with connection.cursor() as cursor:
        for table in ("planning_needimport", "planning_targetunit", "auditlog_logentry"):
            cursor.execute(f"SELECT * FROM {table}")
            dumped += [str(row) for row in cursor.fetchall()]
    text = " ".join(dumped)
    assert nik not in text
    # The name is kept on the unit only: not in the kept cells (dropped once imported), the
    # preview or the audit trail.
    assert text.count("Warga Fiktif 1") == 1
    assert NeedImport.objects.get().table == []
    assert not NeedImport.objects.get().file


def test_schools_are_matched_by_npsn(plan, classrooms, planner, village):
    Need.objects.create(
        priority=classrooms, village=village, title="RKB SDN 1", quantity=3, estimated_unit_cost=1
    )
    header = ["NPSN", "Nama Sekolah", "Jenjang", "Kelurahan", "Ruang kelas rusak"]
    rows = [
        ["20601234", "SDN Tegal Ratu 1", "SD", "36.72.04.1002", 3],
        ["2060", "X", "SD", "36.72.04.1002", 1],
    ]
    preview, _outcome = run_import(plan, classrooms, rows, planner, NeedImport.Kind.SCHOOLS, header)
    assert preview.rows[0].action == "create"
    assert "8 characters" in preview.rows[1].errors[0]
    school = TargetUnit.objects.get()
    assert (school.npsn, school.level, school.classrooms) == ("20601234", "sd", 3)
    preview, _outcome = run_import(
        plan, classrooms, rows[:1], planner, NeedImport.Kind.SCHOOLS, header
    )
    assert preview.rows[0].action == "matched"


def test_erasure_removes_the_personal_data_and_keeps_the_counts(
    plan, rutilahu, tegal_ratu_need, planner
):
    run_import(plan, rutilahu, [household(1), household(2)], planner)
    unit = TargetUnit.objects.order_by("pk").first()
    quantity = Need.objects.get(pk=tegal_ratu_need.pk).quantity
    with pytest.raises(ValidationError):
        services.unit_erase(unit=unit, by=planner, reason=" ")
    masked = unit.nik_masked
    services.unit_erase(unit=unit, by=planner, reason="Permintaan tertulis 3 Des 2026")
    unit.refresh_from_db()
    assert masked not in str(list(NeedImport.objects.values_list("preview", flat=True)))
    assert (unit.name, unit.nik_masked, unit.address, unit.rt, unit.latitude) == (
        "",
        "",
        "",
        "",
        None,
    )
    assert unit.erased_at and unit.decile == 2 and unit.nik_hash
    assert Need.objects.get(pk=tegal_ratu_need.pk).quantity == quantity
    assert tegal_ratu_need.units.count() == 2
    # A re-import of the register does not bring the erased household back.
    preview, _outcome = run_import(plan, rutilahu, [household(1)], planner)
    assert "Erased on request" in preview.rows[0].note


def test_columns_the_import_does_not_read_are_not_kept(plan):
    header = [*HEADER, "NIK Istri", "No HP"]
    table = protect_table(
        [header, [*household(1), "3672045501900001", "08123456789"]],
        NeedImport.Kind.HOUSEHOLDS,
        plan.city.code,
    )
    assert table[1][-2:] == [None, None]
    assert "3672041201800001" not in str(table)


def test_household_cells_are_dropped_a_day_after_an_unconfirmed_preview(plan, rutilahu, planner):
    import datetime

    from django.utils import timezone

    table = protect_table([HEADER, household(1)], NeedImport.Kind.HOUSEHOLDS, plan.city.code)
    kept = NeedImport.objects.create(
        plan=plan,
        kind=NeedImport.Kind.HOUSEHOLDS,
        priority=rutilahu,
        original_name="a.csv",
        uploaded_by=planner,
        table=table,
    )
    assert services.forget_household_cells() == 0
    NeedImport.objects.filter(pk=kept.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert services.forget_household_cells() == 1
    assert NeedImport.objects.get(pk=kept.pk).table == []


def test_the_sample_register_in_docs_shows_the_match(plan, rutilahu, planner):
    from pathlib import Path

    from core.spreadsheets import read_table
    from regions.models import Region

    Need.objects.create(
        priority=rutilahu,
        village=Region.objects.get(code="36.72.08.1006"),
        title="Rutilahu Samangraya",
        quantity=35,
        estimated_unit_cost=1,
    )
    path = Path(__file__).resolve().parents[2] / "docs" / "sample-households.csv"
    table = read_table(path.read_bytes(), path.name, max_rows=100)
    table = protect_table(table, NeedImport.Kind.HOUSEHOLDS, plan.city.code)
    counts = preview_units(plan, rutilahu, NeedImport.Kind.HOUSEHOLDS, table).as_json()["counts"]
    assert (counts["create"], counts["matched"], counts["errors"]) == (10, 1, 0)


def test_coordinates_must_lie_in_the_kelurahan(plan, rutilahu, tegal_ratu_need, planner, village):
    from regions.models import Boundary

    square = [[[105.97, -6.03], [105.99, -6.03], [105.99, -6.01], [105.97, -6.01], [105.97, -6.03]]]
    Boundary.objects.create(
        region=village, shape="Polygon", coordinates=square, centroid_lng=105.98, centroid_lat=-6.02
    )
    header = [*HEADER, "Lintang", "Bujur"]
    rows = [[*household(1), "-6.02", "105.98"], [*household(2), "-6.50", "106.50"]]
    table = protect_table([header, *rows], NeedImport.Kind.HOUSEHOLDS, plan.city.code)
    preview = preview_units(plan, rutilahu, NeedImport.Kind.HOUSEHOLDS, table)
    assert preview.rows[0].errors == []
    assert "outside Tegal Ratu" in preview.rows[1].errors[0]
