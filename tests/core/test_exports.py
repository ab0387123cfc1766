"""Every filtered list leaves the portal as CSV and Excel: the filters' rows (not one page),
Indonesian headers, numbers as numbers, dates as dates, and no cell that runs as a formula."""

import csv
import datetime
import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from core.exports import safe_text, unguarded
from core.spreadsheets import read_table
from delivery.models import Report, ReportLine
from planning.imports import preview_needs
from programs.models import Program
from tests.factories import CompanyFactory, NeedFactory, PledgeFactory, ProgramFactory

S = Program.Status
FORMULA = '=HYPERLINK("http://evil.example","klik")'


def content(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def read_csv(response) -> list[list[str]]:
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the accents
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    return workbook.worksheets[0]


@pytest.fixture
def programs(plan, company_a, village, rutilahu):
    need = NeedFactory(priority=rutilahu, village=village, quantity=50)
    made = []
    for n, status in enumerate([S.SUBMITTED, S.SUBMITTED, S.APPROVED, S.DRAFT]):
        program = ProgramFactory(
            company=company_a,
            plan=plan,
            status=status,
            title=FORMULA if n == 0 else f"Program {n}",
            budget=1_500_000_000 + n,
        )
        program.villages.set([village])
        PledgeFactory(program=program, need=need, quantity=2, amount=300_000_000)
        made.append(program)
    return made


def test_safe_text_defuses_every_formula_start():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\r1"):
        assert safe_text(text) == "'" + text
    assert safe_text("aman;=cmd|' /C calc'!A0") == "aman;'=cmd|' /C calc'!A0"
    assert safe_text("a, -b") == "a, '-b"
    assert safe_text("Bedah rumah, Rp 1,5 M") == "Bedah rumah, Rp 1,5 M"


SEPARATORS = ",;\t\r\n"
TRIGGERS = "=+-@\t\r"


@given(st.text(alphabet=st.sampled_from([*SEPARATORS, *TRIGGERS, " ", "'", '"', "a", "1"])))
def test_no_cell_of_a_guarded_text_starts_a_formula_and_the_guard_comes_off(text):
    guarded = safe_text(text)
    assert unguarded(guarded) == text
    for piece in re.split(r"[,;\n]", guarded):  # however a spreadsheet splits it
        assert not piece.lstrip(' "').startswith(tuple("=+-@")), (text, guarded)
        assert not piece.startswith(("\t", "\r"))


@pytest.mark.parametrize("dialect", ["csv", "csv-semicolon"])
def test_a_csv_opened_with_either_separator_starts_no_formula(planner_client, programs, dialect):
    Program.objects.filter(pk=programs[1].pk).update(title="aman;=cmd|' /C calc'!A0, +1")
    response = planner_client.get(reverse("programs:list") + f"?export={dialect}")
    text = content(response).decode("utf-8")[1:]
    for delimiter in ",;":
        quoted = [
            cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row
        ]
        naive = [cell for line in text.splitlines() for cell in line.split(delimiter)]
        for cell in quoted + naive:
            assert not cell.strip(' "').startswith(tuple("=+-@")), (delimiter, cell)
    own = list(csv.reader(io.StringIO(text), delimiter=(dialect == "csv" and ",") or ";"))
    assert any("aman;'=cmd|' /C calc'!A0, '+1" in row for row in own)  # quoted: one cell


@pytest.mark.parametrize("dialect", ["csv", "csv-semicolon"])
def test_exported_needs_csv_imports_back_with_no_change(
    planner_client, plan, rutilahu, village, dialect
):
    NeedFactory(priority=rutilahu, village=village, title="=2 rumah; -lansia", external_ref="R-1")
    NeedFactory(priority=rutilahu, village=village, title="+62 254 Tegal Ratu", external_ref="R-2")
    NeedFactory(priority=rutilahu, village=village, title="'@ apostrof", external_ref="R-3")
    response = planner_client.get(reverse("planning:need_list") + f"?export={dialect}")
    table = read_table(content(response), "kebutuhan.csv", max_rows=100)
    preview = preview_needs(plan, table)
    assert [row.errors for row in preview.rows] == [[], [], []]
    assert preview.unchanged_count == 3 and preview.update_count == 0


def test_programs_as_csv_follow_the_filters_not_the_page(planner_client, programs):
    url = reverse("programs:list") + "?status=submitted&export=csv"
    rows = read_csv(planner_client.get(url))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["ID", "Judul", "Perusahaan", "Status"]
    assert len(body) == 2 and {row[3] for row in body} == {"Diajukan"}
    defused = next(row for row in body if row[0] == str(programs[0].pk))
    assert defused[1] == "'" + FORMULA
    budget = header.index("Anggaran (Rp)")
    assert defused[budget] == "1500000000"  # a plain number, no thousands dots
    assert defused[header.index("Tanggal mulai")] == "2026-01-01"
    assert defused[-1].startswith("http://testserver/programs/")


def test_programs_as_excel_keep_numbers_dates_and_no_formula(planner_client, programs):
    sheet = read_xlsx(planner_client.get(reverse("programs:list") + "?export=xlsx"))
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["ID", "Judul", "Perusahaan"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {p.pk for p in programs[:3]}  # planners never see drafts
    first = rows[programs[0].pk]
    title = first[header.index("Judul")]
    assert (title.value, title.data_type) == (FORMULA, "s")  # text, not a formula
    assert first[header.index("Anggaran (Rp)")].value == 1_500_000_000
    assert first[header.index("Tanggal mulai")].value == datetime.datetime(2026, 1, 1)
    assert first[header.index("Kelurahan")].value == "Tegal Ratu"


def test_the_pledges_of_the_listed_programs(planner_client, programs):
    url = reverse("programs:list") + "?status=approved&export=xlsx&kind=pledges"
    sheet = read_xlsx(planner_client.get(url))
    header = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert (row["ID program"], row["Nilai (Rp)"], row["Kelurahan"]) == (
        programs[2].pk,
        300_000_000,
        "Tegal Ratu",
    )


def test_an_officer_exports_only_its_companys_programs(client_for, officer_b, programs):
    rows = read_csv(client_for(officer_b).get(reverse("programs:list") + "?export=csv"))
    assert rows[1:] == []


def test_bad_filters_or_formats_show_the_page(planner_client, programs):
    response = planner_client.get(reverse("programs:list") + "?status=nonsense&export=csv")
    assert response["Content-Type"].startswith("text/html")
    assert response.context["filter"].errors
    for query in ("export=pdf", "export=csv&kind=secrets"):
        response = planner_client.get(reverse("programs:list") + "?" + query)
        assert response["Content-Type"].startswith("text/html"), query


def test_an_export_runs_a_constant_number_of_queries(planner_client, programs, plan, company_a):
    url = reverse("programs:list") + "?export=xlsx"

    def queries():
        cache.clear()  # cold each time: the user's roles are kept between requests
        with CaptureQueriesContext(connection) as ctx:
            content(planner_client.get(url))
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(40):
        ProgramFactory(company=CompanyFactory(), plan=plan, status=S.SUBMITTED)
    assert queries() == few


def test_exported_needs_import_back_without_error(planner_client, plan, rutilahu, village):
    NeedFactory(
        priority=rutilahu, village=village, quantity=7, title="-2 rumah", external_ref="R-1"
    )
    NeedFactory(priority=rutilahu, village=village, quantity=3, pledged_quantity=1)
    sheet = read_xlsx(planner_client.get(reverse("planning:need_list") + "?export=xlsx"))
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = table[0]
    by_ref = {row[header.index("Referensi")]: row for row in table[1:]}
    assert by_ref["R-1"][header.index("Judul")] == "-2 rumah"  # a string cell, as typed
    assert sorted(row[header.index("Kekurangan")] for row in table[1:]) == [2, 7]
    preview = preview_needs(plan, table)
    assert [row.errors for row in preview.rows] == [[], []]


def test_reports_and_companies_export(planner_client, world):
    rows = read_csv(planner_client.get(reverse("delivery:list") + "?export=csv"))
    header = rows[0]
    submitted = next(r for r in rows[1:] if r[header.index("Status")] == "Diajukan")
    report = Report.objects.get(pk=submitted[0])
    spent = sum(line.amount for line in ReportLine.objects.filter(report=report))
    assert submitted[header.index("Terserap (Rp)")] == str(spent)
    companies = read_csv(planner_client.get(reverse("companies:list") + "?export=csv"))
    assert companies[0][:3] == ["Nama", "Nama badan hukum", "Sektor"]
    listed = planner_client.get(reverse("companies:list")).context["paginator"].count
    assert len(companies) - 1 == listed


def test_the_lists_link_to_their_downloads_with_the_filters(planner_client, programs):
    page = planner_client.get(reverse("programs:list") + "?status=submitted").content.decode()
    assert "?status=submitted&amp;export=xlsx&amp;kind=pledges" in page


EXCEL_EXPORTS = [
    ("programs:list", "programs", "?export=xlsx&status=submitted"),
    ("programs:list", "programs", "?export=xlsx&kind=pledges"),
    ("planning:need_list", "needs", "?export=xlsx"),
    ("delivery:list", "reports", "?export=xlsx"),
    ("delivery:compliance", "compliance", "?export=xlsx"),
    ("companies:list", "companies", "?export=xlsx"),
]


@pytest.mark.parametrize(("name", "kind", "query"), EXCEL_EXPORTS)
def test_every_excel_export_prints_on_landscape_a4_with_its_title_and_filters(
    planner_client, world, name, kind, query
):
    """Read back with openpyxl: landscape A4, one page wide, the header row on every page,
    the list, its filters and the date in the page header; Rupiah in the Indonesian currency
    format."""
    from django.utils import formats, timezone

    sheet = read_xlsx(planner_client.get(reverse(name) + query))
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (1, Excel's default, left out of the file), as many long as needed (0).
    assert (setup.fitToWidth or 1, int(setup.fitToHeight)) == (1, 0)
    assert sheet.print_title_rows == "$1:$1"
    header = sheet.oddHeader
    assert formats.date_format(timezone.localdate(), "DATE_FORMAT") in header.right.text
    assert sheet.title in header.left.text
    if "status=submitted" in query:
        assert "Status: Diajukan" in header.left.text
    rupiah = [
        cell.number_format
        for cell in next(sheet.iter_rows(min_row=2, max_row=2), [])
        if isinstance(cell.value, int) and "Rp" in str(cell.number_format)
    ]
    headers = [str(cell.value) for cell in sheet[1]]
    if any("(Rp)" in h for h in headers) and sheet.max_row > 1:
        assert rupiah and all(f == "[$Rp-421] #,##0" for f in rupiah)


def test_the_round_workbook_prints_too(world):
    import io

    import openpyxl

    from insight import workbook
    from programs.models import Round

    round = Round.objects.first()
    buffer = io.BytesIO()
    workbook.write(round, buffer)
    for sheet in openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
        assert round.title in sheet.oddHeader.left.text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is absent")
def test_the_programs_export_prints_landscape_and_uncut_through_libreoffice(
    planner_client, programs, tmp_path
):
    """LibreOffice prints the programs list as Excel would: landscape pages, every column on
    the first page (the last column's header is there, nothing cut onto a second page)."""
    from pypdf import PdfReader

    response = planner_client.get(reverse("programs:list") + "?export=xlsx")
    workbook = tmp_path / "programs.xlsx"
    workbook.write_bytes(content(response))
    headers = [str(cell.value) for cell in openpyxl.load_workbook(workbook).worksheets[0][1]]
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = PdfReader(tmp_path / "programs.pdf")
    first = pdf.pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)  # landscape
    text = " ".join(first.extract_text().split())
    assert headers[0] in text and headers[-1] in text  # the first and the last column
    assert len(pdf.pages) == 1  # four programs: one page, no column pushed onto another
