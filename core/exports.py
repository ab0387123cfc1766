"""Lists leave the portal as CSV or Excel, streamed so that memory stays flat.

A list names its columns once (`Column`: a translated header and how to read the value from a
row); `export_response` writes them as CSV (streamed row by row, UTF-8 with a byte-order mark so
that Excel reads the accents) or as an Excel workbook (XlsxWriter's constant-memory mode writes
each row to a temporary file as it comes; the file is then streamed). Numbers stay numbers and
dates stay dates; Rupiah get Excel's Indonesian currency format (`Rp 1.250.000` in an Indonesian
Excel). Every sheet prints: landscape A4, fitted to the page's width, its header row repeated
on each page, and a page header naming the list, its filters and the date.

No cell ever runs as a formula: in the workbook every text is written as a string (XlsxWriter's
plain `write` would turn "=..." into a formula). A CSV comes in two dialects: with commas
(RFC 4180), and with semicolons and decimal commas, as Indonesian Excel saves and opens it. In
both every text is quoted, and an apostrophe guards every = + - @ tab or carriage return that
starts the text or follows a comma, semicolon, tab or line break (OWASP's advice for CSV
injection): whichever separator a spreadsheet program splits on, and even if it ignores the
quotes, no cell starts a formula. `unguarded` takes exactly those apostrophes away again, so
that a list exported and imported back (planning's needs) is unchanged.
"""

import csv
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _

from . import replica

# ?export= values: the comma CSV, the semicolon CSV for Indonesian Excel, the workbook.
CSV_DIALECTS = {"csv": ",", "csv-semicolon": ";"}
FORMATS = (*CSV_DIALECTS, "xlsx")
# A formula's first character, at the start of a text or after a separator (and spaces);
# the guard goes before it and before any apostrophes already there.
# (Spaces and quotation marks before it too: a program that splits on the separator and strips
# the quotes would otherwise meet `"=`.)
_GUARD = re.compile(r"(^|[,;\t\r\n])([ \"]*)('*)(?=[=+\-@\t\r])")
_GUARDED = re.compile(r"(^|[,;\t\r\n])([ \"]*)'('*)(?=[=+\-@\t\r])")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's currency format in the Indonesian locale (0x421): "Rp 1.250.000" there.
RUPIAH_FORMAT = "[$Rp-421] #,##0"
A4 = 9  # Excel's paper size code
CHUNK = 2000  # rows read from the database at a time


@dataclass(frozen=True)
class Column:
    header: Any  # a (lazy) translated string
    value: Callable[[Any], Any]
    kind: str = "text"  # text, number, rupiah, date
    total: bool = False  # a workbook sheet ends with this column's sum

    def read(self, row):
        value = self.value(row)
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
        return value


def safe_text(value: str) -> str:
    """A text no spreadsheet program reads as a formula, however it splits it into cells."""
    return _GUARD.sub(r"\1\2'\3", value)


def unguarded(value: str) -> str:
    """The text `safe_text` guarded, as it was (for reading an exported CSV back)."""
    return _GUARDED.sub(r"\1\2\3", value)


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value, delimiter: str):
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):  # a decimal comma beside semicolons
        return value if delimiter == "," else str(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return safe_text(force_str(value))


def _csv_lines(columns, rows, delimiter: str):
    writer = csv.writer(_Echo(), delimiter=delimiter, quoting=csv.QUOTE_NONNUMERIC)
    yield "\ufeff" + writer.writerow([force_str(c.header) for c in columns])
    for row in rows:
        yield writer.writerow([_csv_cell(c.read(row), delimiter) for c in columns])


def _disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def csv_response(
    filename: str, columns: list[Column], rows: Iterable, *, delimiter: str = ","
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_lines(columns, rows, delimiter), content_type="text/csv; charset=utf-8"
    )
    suffix = "" if delimiter == "," else "-excel"
    response["Content-Disposition"] = _disposition(f"{filename}{suffix}.csv")
    return response


def write_sheet(
    workbook, title: str, columns: list[Column], rows: Iterable, *, caption: str = ""
) -> int:
    """One sheet of `rows` under a bold header row, set up to print (`caption`: the filters
    that chose the rows); returns the number of rows written."""
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#E9ECEF", "text_wrap": True}),
        "rupiah": workbook.add_format({"num_format": RUPIAH_FORMAT}),
        "number": workbook.add_format({"num_format": "#,##0"}),
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
    }
    sheet = workbook.add_worksheet(title[:31])
    _print_setup(sheet, title, caption)
    for col, column in enumerate(columns):
        sheet.write_string(0, col, force_str(column.header), formats["header"])
        sheet.set_column(col, col, 14 if column.kind != "text" else 24)
    sheet.freeze_panes(1, 0)
    count = 0
    sums = [0] * len(columns)
    for count, row in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            value = column.read(row)
            if value is None or value == "":
                continue
            if column.total:
                sums[col] += value
            if isinstance(value, bool):
                sheet.write_boolean(count, col, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(count, col, value, formats.get(column.kind))
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(count, col, value, formats["datetime"])
            elif isinstance(value, datetime.date):
                sheet.write_datetime(count, col, value, formats["date"])
            else:
                sheet.write_string(count, col, force_str(value))
    if count:
        sheet.autofilter(0, 0, count, len(columns) - 1)
    if any(column.total for column in columns):
        bold = {
            kind: workbook.add_format({"bold": True, "num_format": number_format})
            for kind, number_format in (("rupiah", RUPIAH_FORMAT), ("number", "#,##0"))
        }
        _write_totals(sheet, columns, sums, count + 1, bold)
    return count


def _print_setup(sheet, title: str, caption: str) -> None:
    """Landscape A4, as wide as the page and as many pages long as needed, the header row on
    each page; the page header names the list and its filters, the date on its right, the
    page number in the footer."""
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.5)
    today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    left = " · ".join(part for part in (title, caption) if part).replace("&", "&&")
    sheet.set_header(f"&L&B{left[:180]}&B&R{today}")
    sheet.set_footer(f"&C{force_str(_('Page'))} &P / &N")


def _write_totals(sheet, columns, sums: list, row: int, bold: dict) -> None:
    """A last row of SUM formulas under the columns marked `total`, with their values cached
    (so that a reader that does not calculate, such as openpyxl, sees them too)."""
    from xlsxwriter.utility import xl_col_to_name

    sheet.write_string(row, 0, force_str(_("Total")), bold["number"])
    for col, column in enumerate(columns):
        if column.total:
            letter = xl_col_to_name(col)
            formula = f"=SUM({letter}2:{letter}{row})" if row > 1 else "=0"
            style = bold["rupiah" if column.kind == "rupiah" else "number"]
            sheet.write_formula(row, col, formula, style, sums[col])


def write_workbook(file, fill: Callable) -> None:
    """Into `file` (opened for binary writing), an Excel workbook that `fill(workbook)` writes,
    in constant memory."""
    # Imported when a workbook is written, not with every page: about 10 MB in each web
    # process that never writes one.
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        file, {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "in_memory": False}
    )
    fill(workbook)
    workbook.close()


def workbook_response(filename: str, fill: Callable) -> FileResponse:
    """An Excel workbook that `fill(workbook)` writes, in constant memory, then streamed from
    its temporary file."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    try:
        write_workbook(file, fill)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_TYPE,
    )


def export_response(
    fmt: str, filename: str, title: str, columns: list[Column], rows: Iterable, caption: str = ""
):
    """The rows as a CSV or Excel download (`fmt` one of FORMATS; `caption`: the filters,
    printed in the workbook's page header)."""
    if fmt in CSV_DIALECTS:
        return csv_response(filename, columns, rows, delimiter=CSV_DIALECTS[fmt])
    return workbook_response(
        filename, lambda wb: write_sheet(wb, title, columns, rows, caption=caption)
    )


def describe_filters(filterset) -> str:
    """The filters a list was chosen by, as people read them ("Status: Diajukan; Pilar: ...")."""
    form, parts = filterset.form, []
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], ()) or name not in form.fields:
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "choices", []) or [])
        values = value if isinstance(value, list | tuple) else [value]
        shown = ", ".join(force_str(choices.get(v, v)) for v in values)
        parts.append(f"{force_str(field.label or name)}: {shown}")
    return "; ".join(parts)


class ExportMixin:
    """A filtered list view (django-filter's FilterView) that also answers `?export=csv` or
    `?export=xlsx` with every row its filters select, in the list's order, not one page.

    `exports` names what the list can export ({kind: sheet title}, the first the list's own
    rows; another, e.g. the pledges of the listed programs, is asked for with `&kind=`);
    `export(kind, queryset)` returns its columns and rows. Filters that do not validate show
    the page with their errors, as without the export."""

    exports: dict = {}

    def export(self, kind: str, queryset) -> tuple[list[Column], Iterable]:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        fmt, kind = request.GET.get("export"), request.GET.get("kind") or next(iter(self.exports))
        if fmt not in FORMATS or kind not in self.exports:
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            return super().get(request, *args, **kwargs)
        columns, rows = self.export(kind, filterset.qs)
        filename = f"{kind}-{timezone.localdate().isoformat()}"
        rows = _lagging(rows, request)  # read while the file streams: from a replica if any
        title = force_str(self.exports[kind])
        caption = describe_filters(filterset)
        return export_response(fmt, filename, title, columns, rows, caption)


def _lagging(rows: Iterable, request) -> Iterable:
    """`rows` read on the replica (core.replica) as the file is written."""
    with replica.lagging_reads(request):
        yield from rows
