import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.spreadsheets import read_table as read_spreadsheet
from planning.imports import MAX_ROWS, ImportFileError, apply_needs, preview_needs
from planning.models import Need, NeedImport
from tests.factories import NeedFactory

HEADER = [
    "Kode prioritas",
    "Kode atau nama kelurahan",
    "Judul",
    "Jumlah",
    "Biaya satuan (Rp)",
    "Sumber",
    "Referensi",
    "Keterangan",
]
GOOD_ROWS = [
    ["RUTILAHU", "36.72.04.1002", "Rutilahu Tegal Ratu", 40, 20000000, "Data OPD", "R-1", ""],
    [
        "RUTILAHU",
        "Kubangsari",
        "Rutilahu Kubangsari",
        "25",
        "Rp 20.000.000",
        "Musrenbang",
        "R-2",
        "",
    ],
    [
        "RKB",
        "kelurahan samangraya",
        "Ruang kelas SDN Samangraya 1",
        2,
        250000000,
        "",
        "K-1",
        "2 lokal",
    ],
]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=";") -> bytes:
    lines = [delimiter.join(str(c) for c in row) for row in [HEADER, *rows]]
    return "\n".join(lines).encode()


def read_table(data: bytes, name: str) -> list[list]:
    return read_spreadsheet(data, name, max_rows=MAX_ROWS)


def preview(plan, rows):
    return preview_needs(plan, read_table(xlsx(rows), "needs.xlsx"))


def errors_of(result) -> list[tuple[int, str]]:
    return [(row.number, error) for row in result.errors for error in row.errors]


@pytest.fixture
def priorities(rutilahu, classrooms):
    return rutilahu, classrooms


def test_a_good_file_previews_without_writing_then_imports(plan, priorities, planner):
    result = preview(plan, GOOD_ROWS)

    assert errors_of(result) == []
    assert result.new_count == 3
    assert not Need.objects.exists()

    assert apply_needs(result, by=planner) == (3, 0)
    kubangsari = Need.objects.get(external_ref="R-2")
    assert (kubangsari.village.code, kubangsari.quantity, kubangsari.estimated_unit_cost) == (
        "36.72.04.1003",
        25,
        20_000_000,
    )
    assert kubangsari.source == Need.Source.MUSRENBANG
    assert Need.objects.get(external_ref="K-1").village.name == "Samangraya"
    assert kubangsari.created_by == planner


def test_importing_the_same_file_again_updates_instead_of_duplicating(plan, priorities, planner):
    apply_needs(preview(plan, GOOD_ROWS), by=planner)
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][3] = 45

    result = preview(plan, changed)

    assert (result.new_count, result.update_count, result.unchanged_count) == (0, 1, 2)
    apply_needs(result, by=planner)
    assert Need.objects.count() == 3
    assert Need.objects.get(external_ref="R-1").quantity == 45


def test_rows_without_reference_are_matched_by_kelurahan_and_title(plan, priorities, planner):
    rows = [[*row[:6], "", row[7]] for row in GOOD_ROWS]
    apply_needs(preview(plan, rows), by=planner)
    assert preview(plan, rows).unchanged_count == 3
    assert Need.objects.count() == 3


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (["RUTILAHU", "Atlantis", "x", 1, 1, "", "B-1", ""], 'Kelurahan "Atlantis" tidak dikenal'),
        (
            ["NOPE", "36.72.04.1002", "x", 1, 1, "", "B-1", ""],
            'Kode prioritas "NOPE" tidak dikenal',
        ),
        (["RUTILAHU", "36.72.04.1002", "x", 0, 1, "", "B-1", ""], "paling sedikit 1"),
        (["RUTILAHU", "36.72.04.1002", "x", -3, 1, "", "B-1", ""], "paling sedikit 1"),
        (["RUTILAHU", "36.72.04.1002", "x", 2.5, 1, "", "B-1", ""], "bilangan bulat"),
        (
            ["RUTILAHU", "36.72.04.1002", "x", "tiga", 1, "", "B-1", ""],
            'harus berupa angka, ditemukan "tiga"',
        ),
        (
            ["RUTILAHU", "36.72.04.1002", "x", 3, "dua juta", "", "B-1", ""],
            'harus berupa angka, ditemukan "dua juta"',
        ),
        (["RUTILAHU", "36.72.04.1002", "x", 3, -5, "", "B-1", ""], "paling sedikit 0"),
        (["RUTILAHU", "36.72.04.1002", "", 3, 5, "", "B-1", ""], "Judul kosong"),
        (
            ["RUTILAHU", "36.72.04.1002", "x", 3, 5, "Koran", "B-1", ""],
            'Sumber "Koran" tidak dikenal',
        ),
        (
            ["RUTILAHU", "36.72.04.1002", "x", 3, 5, "", "R-1", ""],
            "referensi R-1 yang sama dengan baris 2",
        ),
    ],
)
def test_each_kind_of_bad_row_is_reported_in_indonesian_with_its_row(
    plan, priorities, bad_row, message
):
    result = preview(plan, [*GOOD_ROWS, bad_row])

    assert [number for number, _error in errors_of(result)] == [5]
    assert message in errors_of(result)[0][1]


def test_an_ambiguous_kelurahan_name_asks_for_the_code(plan, priorities):
    # Two kelurahan named alike in the city: "Cibeber" only exists once, so add a twin.
    from regions.models import Region

    Region.objects.create(
        code="36.72.02.1099",
        name="Kubangsari",
        level=4,
        kind="kelurahan",
        parent=Region.objects.get(code="36.72.02"),
    )
    result = preview(plan, GOOD_ROWS)
    assert errors_of(result) == [(3, result.errors[0].errors[0])]
    assert "ambigu" in errors_of(result)[0][1]
    assert "36.72.04.1003" in errors_of(result)[0][1] and "36.72.02.1099" in errors_of(result)[0][1]


def test_every_bad_row_is_listed_and_skipped_only_when_the_planner_says_so(
    plan, priorities, planner_client
):
    rows = [*GOOD_ROWS, ["NOPE", "Atlantis", "", "x", "y", "", "", ""]]
    upload = SimpleUploadedFile("kebutuhan.xlsx", xlsx(rows))

    response = planner_client.post(reverse("planning:import"), {"file": upload})
    detail = planner_client.get(response.url)

    assert detail.status_code == 200
    assert [len(row["errors"]) for row in detail.context["error_rows"]] == [5]
    assert 'name="skip_errors"' in detail.content.decode()
    assert planner_client.post(response.url).status_code == 302  # not confirmed: nothing
    assert not Need.objects.exists()
    assert NeedImport.objects.get().error_count == 5
    planner_client.post(response.url, {"skip_errors": "1"})
    assert Need.objects.count() == 3
    need_import = NeedImport.objects.get()
    assert (need_import.created_count, need_import.skipped_count) == (3, 1)


def test_a_file_where_every_row_is_wrong_offers_no_import(plan, priorities, planner_client):
    rows = [["NOPE", "Atlantis", "", "x", "y", "", "", ""]]
    upload = SimpleUploadedFile("kebutuhan.xlsx", xlsx(rows))
    response = planner_client.post(reverse("planning:import"), {"file": upload})
    detail = planner_client.get(response.url).content.decode()
    assert 'name="skip_errors"' not in detail and "Impor:" not in detail
    planner_client.post(response.url, {"skip_errors": "1"})
    assert not Need.objects.exists()


def test_the_fixed_file_imports_once_through_the_pages(plan, priorities, planner_client):
    response = planner_client.post(
        reverse("planning:import"), {"file": SimpleUploadedFile("kebutuhan.xlsx", xlsx(GOOD_ROWS))}
    )
    confirm = planner_client.post(response.url)

    assert confirm.status_code == 302
    assert Need.objects.count() == 3
    need_import = NeedImport.objects.get()
    assert (need_import.status, need_import.created_count) == ("imported", 3)
    planner_client.post(response.url)  # a double click imports nothing more
    assert Need.objects.count() == 3


def test_a_semicolon_csv_from_indonesian_excel_imports(plan, priorities, planner):
    result = preview_needs(plan, read_table(csv_bytes(GOOD_ROWS, ";"), "needs.csv"))
    assert errors_of(result) == [] and result.new_count == 3


def test_a_comma_csv_with_a_bom_imports(plan, priorities):
    data = "\ufeff".encode() + csv_bytes(
        [[*r[:4], str(r[4]).replace(".", ""), *r[5:]] for r in GOOD_ROWS], ","
    )
    assert errors_of(preview_needs(plan, read_table(data, "needs.csv"))) == []


def test_a_file_missing_required_columns_is_refused_as_a_whole(plan, priorities):
    with pytest.raises(ImportFileError, match="Judul"):
        preview_needs(
            plan, read_table(xlsx(GOOD_ROWS, header=["Kode prioritas", "Kelurahan"]), "x.xlsx")
        )


def test_a_quantity_below_what_is_pledged_is_refused(plan, rutilahu, classrooms, planner):
    NeedFactory(priority=rutilahu, external_ref="R-1", quantity=40, pledged_quantity=30)
    rows = [row[:] for row in GOOD_ROWS]
    rows[0][3] = 20
    assert "30" in errors_of(preview(plan, rows))[0][1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kebutuhan.pdf", b"%PDF-1.4 ...", "Unggah berkas Excel (.xlsx) atau CSV (.csv)"),
        (
            "kebutuhan.xlsx",
            b"<html>not a workbook</html>",
            "bukan buku kerja Excel (.xlsx) yang sah",
        ),
        ("kebutuhan.csv", b"MZ\x90\x00\x03\x00\x00\x00", "bukan berkas teks CSV"),
        ("kebutuhan.xlsx", b"PK\x03\x04broken zip", "bukan buku kerja Excel (.xlsx) yang sah"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_clearly(
    plan, planner_client, name, content, message
):
    response = planner_client.post(
        reverse("planning:import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NeedImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(plan, planner_client, settings):
    settings.NEED_IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("kebutuhan.csv", b"a" * 2000)
    response = planner_client.post(reverse("planning:import"), {"file": upload})
    assert "batasnya" in response.content.decode()


def test_the_template_s_examples_are_never_imported(plan, priorities, planner_client, planner):
    response = planner_client.get(reverse("planning:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    needs_sheet, examples = workbook.worksheets[:2]
    assert [c.value for c in needs_sheet[1]][:3] == HEADER[:3]
    assert needs_sheet.max_row == 1  # the imported sheet holds the header only
    # A planner fills the template in below the header: the examples stay out.
    needs_sheet.append(["RUTILAHU", "36.72.04.1002", "Rutilahu Tegal Ratu", 12, 20_000_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = preview_needs(plan, read_table(buffer.getvalue(), "template.xlsx"))
    assert errors_of(result) == [] and result.new_count == 1
    # The examples themselves are valid rows, as a planner would copy them.
    example_rows = [[c.value for c in row] for row in examples.iter_rows()]
    result = preview_needs(plan, example_rows)
    assert errors_of(result) == [] and result.new_count == 2


def test_a_preview_runs_a_constant_number_of_queries(plan, priorities, planner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(n):
        return [
            ["RUTILAHU", "36.72.04.1002", f"Rutilahu {i}", 5, 1000, "", f"Q-{i}", ""]
            for i in range(n)
        ]

    for n in (3, 60):
        apply_needs(preview(plan, rows(n)), by=planner)  # the second preview updates existing needs
    with CaptureQueriesContext(connection) as few:
        preview(plan, rows(3))
    with CaptureQueriesContext(connection) as many:
        preview(plan, rows(60))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_import_leaves_an_audit_entry_per_need_with_old_and_new_values(
    plan, priorities, planner
):
    from auditlog.models import LogEntry

    rows = [["RUTILAHU", "36.72.04.1002", "Rutilahu Tegal Ratu", 40, 20_000_000, "", "R-1", ""]]
    apply_needs(preview(plan, rows), by=planner, data={"import": 7})
    need = Need.objects.get(external_ref="R-1")
    created = LogEntry.objects.get_for_object(need).get()
    assert (created.action, created.actor, created.additional_data) == (
        LogEntry.Action.CREATE,
        planner,
        {"import": 7},
    )
    rows[0][3], rows[0][1] = 35, "Kubangsari"
    apply_needs(preview(plan, rows), by=planner, data={"import": 8})
    updated = LogEntry.objects.get_for_object(need).order_by("pk").last()
    assert updated.changes_dict["quantity"] == ["40", "35"]
    assert updated.changes_dict["village"] == ["Tegal Ratu", "Kubangsari"]


def test_headers_and_sources_are_read_as_planners_write_them(plan, priorities):
    from planning.models import SourceAlias

    SourceAlias.objects.create(text="Hasil reses DPRD", source=Need.Source.VILLAGE)
    header = ["No.", "KODE_PRIORITAS", "Kode/Nama Kelurahan", "Uraian Kebutuhan", "Jml",
              "Harga Satuan (Rp.)", "Sumber Data", "No Referensi", "Ket."]  # fmt: skip
    rows = [
        [1, "rutilahu", "36.72.04.1002 / Tegal Ratu", "A", 4, 20_000_000, "Disperkim", "S-1", ""],
        [2, "RUTILAHU", "Kel. Kubangsari", "B", 4, 20_000_000, "Dinas Perkim", "S-2", ""],
        [3, "RKB", "samangraya", "C", 1, 250_000_000, "Bappeda", "S-3", ""],
        [4, "RKB", "Samangraya", "D", 1, 250_000_000, "Musrenbangkel 2025", "S-4", ""],
        [5, "RKB", "Samangraya", "E", 1, 250_000_000, "hasil reses dprd", "S-5", ""],
    ]
    result = preview_needs(plan, [header, *rows])
    assert errors_of(result) == []
    assert result.ignored_columns == ["No."]
    sources = [row.need.source for row in result.rows]
    assert sources == ["agency", "agency", "agency", "musrenbang", "village"]
    assert [row.need.village.name for row in result.rows[:2]] == ["Tegal Ratu", "Kubangsari"]


@pytest.mark.parametrize(
    ("quantity", "unit_cost", "message"),
    [
        (99_999_999_999, 1, "lebih besar dari 10.000.000"),
        (3, "1e20", "lebih besar dari 1.000.000.000.000"),
        (3, 10**20, "lebih besar dari 1.000.000.000.000"),
        ("1e400", 1, "lebih besar dari 10.000.000"),
    ],
)
def test_figures_beyond_the_columns_are_row_errors_never_database_errors(
    plan, priorities, quantity, unit_cost, message
):
    row = ["RUTILAHU", "36.72.04.1002", "x", quantity, unit_cost, "", "B-1", ""]
    errors = errors_of(preview(plan, [row]))
    assert len(errors) == 1 and message in errors[0][1]


def test_a_nul_or_control_character_in_a_cell_is_a_row_error(plan, priorities):
    data = csv_bytes([["RUTILAHU", "36.72.04.1002", "Rutilahu\x00 Tegal", 3, 5, "", "N-1", ""]])
    errors = errors_of(preview_needs(plan, read_table(data, "needs.csv")))
    assert len(errors) == 1 and "karakter kontrol" in errors[0][1]


def test_the_preview_is_kept_and_never_reads_the_file_again(plan, priorities, planner_client):
    response = planner_client.post(
        reverse("planning:import"), {"file": SimpleUploadedFile("kebutuhan.xlsx", xlsx(GOOD_ROWS))}
    )
    need_import = NeedImport.objects.get()
    need_import.file.delete(save=False)  # gone from storage: the page and the import go on
    page = planner_client.get(response.url)
    assert page.status_code == 200 and "Rutilahu Kubangsari" in page.content.decode()
    planner_client.post(response.url)
    assert Need.objects.count() == 3


def test_a_preview_that_went_stale_is_shown_again_instead_of_imported(
    plan, rutilahu, classrooms, planner_client
):
    response = planner_client.post(
        reverse("planning:import"), {"file": SimpleUploadedFile("kebutuhan.xlsx", xlsx(GOOD_ROWS))}
    )
    classrooms.delete()  # the plan changed: the RKB row no longer has its priority
    planner_client.post(response.url)
    assert not Need.objects.exists()
    assert NeedImport.objects.get().preview["counts"]["rows_with_errors"] == 1


def test_an_import_file_10_mb_and_one_byte_says_the_sizes_apart(planner_client, plan, settings):
    settings.NEED_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    upload = SimpleUploadedFile("kebutuhan.csv", b"a" * (10 * 1024 * 1024 + 1))
    html = planner_client.post(reverse("planning:import"), {"file": upload}).content.decode()
    assert "10.485.761 bita" in html and "10.485.760 bita" in html


def test_a_long_file_name_is_kept_shortened(plan, priorities, planner_client):
    name = "daftar-kebutuhan-" + "x" * 300 + ".xlsx"
    planner_client.post(
        reverse("planning:import"), {"file": SimpleUploadedFile(name, xlsx(GOOD_ROWS))}
    )
    kept = NeedImport.objects.get().original_name
    assert len(kept) == 255 and kept.endswith(".xlsx")


def test_a_need_edited_after_the_upload_is_not_overwritten_unseen(
    plan, priorities, planner, planner_client
):
    """The file would update a need; a planner edits that need before the import is
    confirmed: the file is checked again and its preview shown, never applied blind."""
    apply_needs(preview(plan, GOOD_ROWS), by=planner)
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][2] = "Rutilahu Tegal Ratu (data dinas)"
    response = planner_client.post(
        reverse("planning:import"), {"file": SimpleUploadedFile("kebutuhan.xlsx", xlsx(changed))}
    )
    need = Need.objects.get(external_ref="R-1")
    need.title = "Rutilahu Tegal Ratu (diperbaiki perencana)"
    need.save()  # after the upload, before the confirmation
    planner_client.post(response.url)
    assert Need.objects.get(pk=need.pk).title == "Rutilahu Tegal Ratu (diperbaiki perencana)"
    assert NeedImport.objects.get().status != NeedImport.Status.IMPORTED
