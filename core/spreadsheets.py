"""Reading people's spreadsheets (.xlsx or .csv) safely, once.

An .xlsx file is a zip archive of XML: a 2 KB upload can declare a sheet of 16,384 columns by
20,000 rows, inflate one cell to hundreds of megabytes, or hold millions of tiny elements in
any of its parts. So, before anything is parsed, the archive's table of contents is checked
(entries, unpacked size) and its XML elements are counted by a byte scan; then the file is
parsed in a child process that may use a few seconds of CPU and a bounded amount of memory
and is killed beyond them, with entity expansion refused (defusedxml). The sheet's declared
dimension is ignored, rows, columns, cell lengths and the total text are capped, and every
cell comes back as a value JSON and PostgreSQL can keep. Everything a person can get wrong is
a `SpreadsheetError` with a message in the interface's language.
"""

import csv
import datetime
import io
import math
import multiprocessing
import os
import re
import resource
import unicodedata
import zipfile
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .exports import unguarded

XLSX_MAGIC = b"PK\x03\x04"
# An honest workbook of 20,000 rows unpacks to a few megabytes; 40 MB leaves room for styles.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 1_000
MAX_COLUMNS = 40
# Excel itself stops a cell at 32,767 characters.
MAX_CELL_CHARS = 32_767
# All the text of a sheet: 20,000 rows of 12 cells of 40 characters is 10 million.
MAX_TEXT_CHARS = 10_000_000
# Parsing costs a few microseconds an XML element: a workbook may hold about 16 a row (a cell
# is 2 to 4 elements, its shared string 2 more), so that no upload keeps a worker busy long.
ELEMENTS_PER_ROW = 60
TAG = re.compile(rb"<[A-Za-z_]")
# Every other part (styles, names, themes) is small in an honest file: Excel's own styles are
# a few hundred elements.
OTHER_PART_ELEMENTS = 50_000
# The parsing child's limits: beyond them it is killed and the file refused.
PARSE_CPU_SECONDS = 5
PARSE_MEMORY_BYTES = 768 * 1024 * 1024
PARSE_WALL_SECONDS = 20


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message says why, for the person who sent it."""


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def read_table(data: bytes, name: str, *, max_rows: int) -> list[list]:
    """All rows (header first) of the first sheet of an .xlsx, or of a .csv file, as plain
    values (text, whole or decimal numbers, dates as text); at most `max_rows` data rows."""
    if data.startswith(XLSX_MAGIC):
        _check_archive(data, max_rows)
        return _in_child(_read_xlsx, data, max_rows)
    if name.lower().endswith(".xlsx"):
        raise SpreadsheetError(_("This file is not a valid Excel (.xlsx) workbook."))
    return _read_csv(data, max_rows)


def _too_many_rows(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The file has more than %(rows)s rows; split it into smaller files.")
        % {"rows": _thousands(max_rows)}
    )


def _not_a_workbook() -> SpreadsheetError:
    return SpreadsheetError(_("This file is not a valid Excel (.xlsx) workbook."))


def _check_archive(data: bytes, max_rows: int) -> None:
    """Refuse an archive whose table of contents promises too much, before unpacking any of
    it (Python's zipfile never unpacks more than an entry declares: a lie ends in a CRC
    error, so the declared sizes bound the real work), then one whose parts hold more XML
    elements than rows of the allowed length would, counted by a byte scan far cheaper than
    parsing (every part: cells, shared strings, styles, names, wherever they are stored)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise _not_a_workbook() from e
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ARCHIVE_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            _(
                "This workbook unpacks to %(size)s, more than the %(limit)s a list of needs "
                "could take. Save the sheet again as a new file, or as CSV."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(MAX_UNPACKED_BYTES)}
        )
    elements, other = 0, 0
    try:
        for entry in entries:
            count = _count_elements(archive, entry.filename)
            elements += count
            name = entry.filename
            if not (name.startswith("xl/worksheets/") or name.endswith("sharedStrings.xml")):
                other = max(other, count)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
        raise _not_a_workbook() from e
    if elements > ELEMENTS_PER_ROW * (max_rows + 1) or other > OTHER_PART_ELEMENTS:
        raise SpreadsheetError(
            _(
                "This workbook holds %(cells)s XML elements, more than a list of needs of "
                "%(rows)s rows could. Delete the unused columns and sheets, or save it as CSV."
            )
            % {"cells": _thousands(elements), "rows": _thousands(max_rows)}
        )


def _count_elements(archive: zipfile.ZipFile, name: str) -> int:
    count, tail = 0, b""
    with archive.open(name) as stream:
        while chunk := stream.read(1 << 20):
            # A tag cut by the chunk's end starts within the last byte, kept for the next.
            block = tail + chunk
            count += len(TAG.findall(block))
            tail = block[-1:]
    return count


def _plain(value):
    """A cell as JSON and PostgreSQL's jsonb can keep it: dates and times as ISO text,
    decimals and numbers beyond a float's range as text, no NUL character."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):  # an [h]:mm:ss cell
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")  # refused on its row by the import
    return value


class _Rows:
    """Rows as they are read, with the caps on rows, columns, cell and total text."""

    def __init__(self, max_rows: int):
        self.max_rows, self.rows, self.text = max_rows, [], 0

    def add(self, cells) -> None:
        number = len(self.rows) + 1
        if number > self.max_rows + 1:
            raise _too_many_rows(self.max_rows)
        row = [_plain(value) for value in list(cells)[:MAX_COLUMNS]]
        while row and row[-1] in (None, ""):
            row.pop()
        for value in row:
            if isinstance(value, str):
                if len(value) > MAX_CELL_CHARS:
                    raise SpreadsheetError(
                        _("Row %(row)s has a cell of more than %(chars)s characters.")
                        % {"row": number, "chars": _thousands(MAX_CELL_CHARS)}
                    )
                self.text += len(value)
        if self.text > MAX_TEXT_CHARS:
            raise SpreadsheetError(
                _("The file holds more than %(chars)s characters of text; split it.")
                % {"chars": _thousands(MAX_TEXT_CHARS)}
            )
        self.rows.append(row)


def _read_xlsx(data: bytes, max_rows: int) -> list[list]:
    """The first sheet's rows, as written from A1, each cell's value as last calculated.

    calamine (Rust) reads a workbook about ten times faster than openpyxl: 20,000 rows in
    0.1 s of CPU instead of 1.3 s, well inside the reading child's limits."""
    from python_calamine import CalamineWorkbook

    rows = _Rows(max_rows)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        sheet = workbook.get_sheet_by_index(0)
        for cells in sheet.iter_rows():
            rows.add(cells)
        return rows.rows
    finally:
        workbook.close()


def _read_csv(data: bytes, max_rows: int) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # CSV saved by Excel on Windows
    head = text[:8192]
    # A binary file is mostly control characters; a text file may hold a stray NUL in a cell,
    # which the import then reports on its row.
    if sum(1 for char in head if char < " " and char not in "\t\r\n") > len(head) // 20:
        raise SpreadsheetError(_("This file is neither an Excel workbook nor a CSV text file."))
    first_line = text.splitlines()[0] if text else ""
    # Indonesian Excel writes ";" because "," is the decimal separator.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    rows = _Rows(max_rows)
    try:
        # newline="": the csv module then ends lines at \r\n, \n and old Macs' \r alike.
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.add([unguarded(cell) for cell in cells])  # the apostrophes an export adds
    except csv.Error as e:
        raise SpreadsheetError(
            _("Row %(row)s cannot be read: a cell is too long, or a quotation mark is not closed.")
            % {"row": len(rows.rows) + 1}
        ) from e
    return rows.rows


def _child(reader, data: bytes, max_rows: int, connection) -> None:
    """Runs in the forked child: limits first, then the reader; the outcome goes back
    through `connection` (rows, or a message)."""
    try:
        os.environ["RUST_BACKTRACE"] = "0"  # a refused allocation is one line in the log
        resource.setrlimit(resource.RLIMIT_CPU, (PARSE_CPU_SECONDS, PARSE_CPU_SECONDS + 1))
        memory = _memory_in_use() + PARSE_MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        connection.send(("rows", reader(data, max_rows)))
    except SpreadsheetError as e:
        connection.send(("error", str(e)))
    except MemoryError:
        connection.send(("error", _too_large_to_read()))
    except Exception:  # any parser failure (bad XML, missing part, entities...)
        connection.send(("error", str(_not_a_workbook())))
    finally:
        connection.close()
        os._exit(0)  # no cleanup of the parent's resources (its database connection)


def _memory_in_use() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _too_large_to_read() -> str:
    return _(
        "This workbook takes more time or memory to read than a list of needs could. Save the "
        "sheet again as a new file, or as CSV."
    )


def _in_child(reader, data: bytes, max_rows: int) -> list[list]:
    """`reader(data, max_rows)` in a forked child with CPU and memory limits: a file that
    would take a worker for a minute or all its memory costs seconds and is refused."""
    if not hasattr(os, "fork") or not os.path.exists("/proc/self/status"):
        return reader(data, max_rows)  # no fork (not Linux): the byte scan still bounds it
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(reader, data, max_rows, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(PARSE_WALL_SECONDS):
            raise SpreadsheetError(_too_large_to_read())
        outcome, value = receiver.recv()
    except EOFError:  # killed at its CPU or memory limit
        raise SpreadsheetError(_too_large_to_read()) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(timeout=5)
    if outcome == "error":
        raise SpreadsheetError(value)
    return value


# Reading a table's cells as planners type them (what an import checks row by row).

GROUPED_INT = re.compile(r"^\d{1,3}([.,]\d{3})+$")
# Control characters (NUL among them) have no place in a cell; tabs and line breaks do. The
# replacement character stands for one that could not be read (a NUL, an undecodable byte).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
FRACTION = object()


def header_key(text) -> str:
    """A header or a name as compared: without case, accents, punctuation, or anything in
    parentheses ("Biaya satuan (Rp)", "BIAYA_SATUAN" and "biaya satuan" are one)."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    text = re.sub(r"\(.*?\)", " ", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def cell_text(value) -> str:
    """A cell as text: whole floats without ".0", runs of white space as one space."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def cell_number(value, label, errors, *, minimum: int, maximum: int) -> int | None:
    """A whole number from a cell: 1250, 1250.0, "1.250", "Rp 1.250.000,00"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(_("%(column)s is empty.") % {"column": label})
        return None
    number = None
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if math.isfinite(value):
            number = int(value) if value == int(value) else FRACTION
    elif isinstance(value, str):
        text = value.strip().removeprefix("Rp").removeprefix("rp").strip().replace(" ", "")
        text = re.sub(r"[.,]00$", "", text)
        if GROUPED_INT.match(text):
            text = re.sub(r"[.,]", "", text)
        if re.fullmatch(r"-?\d{1,30}", text):
            number = int(text)
        elif re.fullmatch(r"-?\d+[.,]\d+", text):
            number = FRACTION
        else:
            try:  # 1e30 and the like, as a spreadsheet may write a huge number
                parsed = Decimal(text)
                if parsed.is_finite() and parsed == parsed.to_integral_value():
                    number = int(min(max(parsed, -(10**31)), 10**31))
            except (InvalidOperation, ValueError):
                pass
    if number is FRACTION:
        errors.append(
            _("%(column)s must be a whole number, found %(value)s.")
            % {"column": label, "value": value}
        )
        return None
    if number is None:
        errors.append(
            _('%(column)s must be a number, found "%(value)s".')
            % {"column": label, "value": cell_text(value)[:40]}
        )
        return None
    if number < minimum:
        errors.append(
            _("%(column)s must be at least %(minimum)s, found %(value)s.")
            % {"column": label, "minimum": minimum, "value": number}
        )
        return None
    if number > maximum:
        errors.append(
            _("%(column)s is larger than %(maximum)s, the most the portal accepts.")
            % {"column": label, "maximum": f"{maximum:,}".replace(",", ".")}
        )
        return None
    return number


def cell_checked_text(cell, label: str, errors: list[str], *, limit: int) -> str:
    """A text cell, or "" with an error on its row: no control character, at most `limit`."""
    text = cell_text(cell)
    if CONTROL.search(text):
        errors.append(
            _("%(column)s contains an invisible control character; retype it.") % {"column": label}
        )
        return ""
    if len(text) > limit:
        errors.append(
            _("%(column)s is longer than %(limit)s characters.") % {"column": label, "limit": limit}
        )
        return ""
    return text
