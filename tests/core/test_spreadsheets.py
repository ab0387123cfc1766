"""Spreadsheets are archives: sizes are checked before parsing, dimensions are not trusted."""

import contextlib
import datetime
import io
import re
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from core.spreadsheets import MAX_UNPACKED_BYTES, SpreadsheetError, read_table


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The same workbook with its first sheet's XML passed through `change`."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(item, content)
    return out.getvalue()


def dimension_bomb() -> bytes:
    """A 2-row workbook declaring a sheet of 16,384 columns by 20,000 rows."""
    return rewrite_sheet(
        workbook([["kode", "nama"], ["RUTILAHU", "Tegal Ratu"]]),
        lambda xml: re.sub(r"<dimension [^>]*/>", '<dimension ref="A1:XFD20000"/>', xml),
    )


def row_number_bomb() -> bytes:
    """A 2-row workbook whose second row is numbered 1,048,576."""
    return rewrite_sheet(
        workbook([["kode"], ["a"]]), lambda xml: xml.replace('r="2"', 'r="1048576"')
    )


def wide_rows_bomb(rows: int = 60) -> bytes:
    """Rows of 16,384 cells each, as much as fits under the unpacked-size limit."""
    cells = "".join(f'<c r="A{{row}}" t="n"><v>{i}</v></c>' for i in range(16_384))

    def widen(xml: str) -> str:
        data = "".join(f'<row r="{r}">{cells.format(row=r)}</row>' for r in range(1, rows + 1))
        return re.sub(
            r"<sheetData>.*</sheetData>|<sheetData/>", f"<sheetData>{data}</sheetData>", xml
        )

    return rewrite_sheet(workbook([["a"]]), widen)


def test_rows_of_thousands_of_cells_are_refused_before_parsing():
    with pytest.raises(SpreadsheetError, match="XML"):
        read_table(wide_rows_bomb(rows=3), "wide.xlsx", max_rows=100)


def inflation_bomb() -> bytes:
    """A small file whose sheet unpacks to more than the limit (one huge run of zeros)."""
    source, out = zipfile.ZipFile(io.BytesIO(workbook([["a"]]))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(item, source.read(item.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"0" * (1 << 20)
            for _ in range(MAX_UNPACKED_BYTES // len(chunk) + 8):
                sheet.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def inflating_workbook() -> bytes:
    return inflation_bomb()


def peak_memory(function) -> int:
    tracemalloc.start()
    with contextlib.suppress(SpreadsheetError):
        function()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_a_declared_dimension_of_16384_columns_is_not_trusted():
    data = dimension_bomb()
    assert len(data) < 10_000
    assert read_table(data, "bom.xlsx", max_rows=100) == [
        ["kode", "nama"],
        ["RUTILAHU", "Tegal Ratu"],
    ]
    assert peak_memory(lambda: read_table(data, "bom.xlsx", max_rows=100)) < 5_000_000


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_parsing(inflating_workbook):
    assert len(inflating_workbook) < MAX_UNPACKED_BYTES // 100
    with pytest.raises(SpreadsheetError, match="40"):
        read_table(inflating_workbook, "bom.xlsx", max_rows=100)
    # Only the archive's table of contents was read: no megabytes were unpacked.
    assert peak_memory(lambda: read_table(inflating_workbook, "b.xlsx", max_rows=100)) < 2_000_000


def test_a_row_numbered_a_million_never_makes_a_million_rows():
    try:
        rows = read_table(row_number_bomb(), "rows.xlsx", max_rows=100)
    except SpreadsheetError as e:
        assert "100" in str(e)
    else:
        assert len(rows) <= 101


@pytest.mark.parametrize("far", ["A500000", "XFD1048575"])
def test_a_cell_far_from_the_others_is_refused_not_padded(far):
    """A few cells spread over a million rows or columns would be a dense grid of billions
    of cells: refused at the row cap, or by the reading child's memory limit."""
    book = Workbook()
    book.active["A1"], book.active[far] = "kode", "x"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(SpreadsheetError):
        read_table(buffer.getvalue(), "far.xlsx", max_rows=20_000)


def test_columns_beyond_the_cap_are_dropped():
    data = workbook([list(range(200))])
    assert len(read_table(data, "wide.xlsx", max_rows=100)[0]) == 40


@pytest.mark.parametrize("ending", [b"\r\n", b"\n", b"\r"])
def test_csv_lines_end_as_any_platform_ends_them(ending):
    data = ending.join([b"kode;nama", b"RUTILAHU;Tegal Ratu", b'RKB;"Kubang\nsari"'])
    rows = read_table(data, "needs.csv", max_rows=10)
    assert rows[:2] == [["kode", "nama"], ["RUTILAHU", "Tegal Ratu"]]


def test_a_csv_cell_over_the_limit_is_refused_with_its_row():
    data = b"kode;nama\nRUTILAHU;" + b"x" * 200_000
    with pytest.raises(SpreadsheetError, match="2"):
        read_table(data, "needs.csv", max_rows=10)


def test_a_csv_with_more_rows_than_allowed_is_refused():
    data = b"\n".join([b"kode"] + [b"a"] * 20)
    with pytest.raises(SpreadsheetError):
        read_table(data, "needs.csv", max_rows=10)


def test_cells_come_back_as_values_json_can_keep():
    import datetime
    import json

    data = workbook([["tanggal", "jumlah"], [datetime.datetime(2026, 1, 8), 40.0]])
    rows = read_table(data, "dates.xlsx", max_rows=10)
    assert rows[1] == ["2026-01-08", 40]  # a date at midnight is a day
    json.dumps(rows)


def rewrite_part(data: bytes, name: str, change) -> bytes:
    """The same workbook with the XML part `name` passed through `change` (added if absent)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    names = {item.filename for item in source.infolist()}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = change(content.decode()).encode()
            target.writestr(item, content)
        if name not in names:
            target.writestr(name, change(""))
    return out.getvalue()


PLAIN = [["kode", "nama"], ["RUTILAHU", "Tegal Ratu"]]


def with_entity(xml: str) -> str:
    declaration, _, body = xml.rpartition("?>")
    doctype = '<!DOCTYPE sst [<!ENTITY a "aaaa">]>'
    head = f"{declaration}?>" if declaration else ""
    return head + doctype + body.replace("RUTILAHU", "&a;")


@pytest.mark.parametrize(
    ("part", "change"),
    [
        # Prefixed cells that a byte scan of "<c" would miss: counted all the same.
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(
                "</sheetData>",
                '<row r="3">'
                + '<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
                * 400_000
                + "</row></sheetData>",
            ),
        ),
        # Hundreds of thousands of styles, of names: refused before parsing.
        ("xl/styles.xml", lambda xml: xml.replace("</cellXfs>", "<xf/>" * 300_000 + "</cellXfs>")),
    ],
    ids=["prefixed cells", "styles"],
)
def test_millions_of_small_elements_anywhere_are_refused_before_parsing(part, change):
    data = rewrite_part(workbook(PLAIN), part, change)
    with pytest.raises(SpreadsheetError, match="XML"):
        read_table(data, "bom.xlsx", max_rows=1000)


@pytest.mark.parametrize(
    ("part", "change"),
    [
        ("xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2]),  # cut in the middle
        ("xl/worksheets/sheet1.xml", lambda xml: "this is not XML at all"),
        (
            "xl/sharedStrings.xml",  # an entity: defusedxml refuses it
            lambda xml: with_entity(xml),
        ),
        (
            "xl/worksheets/sheet1.xml",  # a shared string that does not exist
            lambda xml: re.sub(r'(<c r="A2"[^>]*t="s"[^>]*><v>)\d+', r"\g<1>999", xml),
        ),
        ("xl/_rels/workbook.xml.rels", lambda xml: xml.replace("sheet1.xml", "nowhere.xml")),
        ("xl/worksheets/sheet1.xml", lambda xml: xml.replace("<v>", "<v>1E999", 1)),
    ],
    ids=["cut", "not xml", "entity", "missing string", "missing sheet", "1E999"],
)
def test_broken_workbooks_are_refused_or_read_never_crash(part, change):
    data = rewrite_part(workbook(PLAIN), part, change)
    try:
        rows = read_table(data, "broken.xlsx", max_rows=10)
    except SpreadsheetError:
        return
    import json

    json.dumps(rows, allow_nan=False)  # what is read can be kept in PostgreSQL's jsonb


def test_a_sheet_of_long_texts_is_refused_by_its_total():
    long_text = "x" * 32_000
    data = workbook([["kode"], *([long_text] * 12 for _ in range(40))])
    with pytest.raises(SpreadsheetError, match=r"karakter|characters"):
        read_table(data, "long.xlsx", max_rows=1000)


def test_a_nul_anywhere_in_a_csv_stays_out_of_what_is_kept():
    data = b"kode;nama\n" + b"RUTILAHU;Tegal Ratu\n" * 600 + b"RKB;ab\x00cd\n"
    rows = read_table(data, "needs.csv", max_rows=1000)
    assert rows[-1] == ["RKB", "ab\ufffdcd"]


def test_a_duration_cell_comes_back_as_text_json_can_keep():
    import json

    data = workbook([["kode", "durasi"], ["a", datetime.timedelta(hours=30, minutes=5)]])
    rows = read_table(data, "durations.xlsx", max_rows=10)
    assert rows[1] == ["a", "1 day, 6:05:00"]
    json.dumps(rows)
