"""Import needs from the planners' spreadsheets (.xlsx or .csv), with a dry run first.

`read_table` turns a file into rows of cells; `preview_needs` checks every row against the
plan without writing; `apply_needs` writes a file that previews without errors, all rows in
one transaction, updating needs already imported (by external reference, or by village and
title when a row has none) instead of duplicating them.
"""

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Region

from .models import DevelopmentPlan, Need

XLSX_MAGIC = b"PK\x03\x04"
MAX_ROWS = 20_000

# (field, header in the template, other accepted headers). Headers are matched without case,
# spaces or anything in parentheses, so "Biaya satuan (Rp)" and "biaya satuan" both work.
COLUMNS = [
    (
        "priority",
        gettext_lazy("Priority code"),
        ["kode prioritas", "prioritas", "priority code", "priority"],
    ),
    (
        "village",
        gettext_lazy("Kelurahan code or name"),
        [
            "kode atau nama kelurahan",
            "kelurahan",
            "desa",
            "kelurahan/desa",
            "village",
            "village code or name",
        ],
    ),
    ("title", gettext_lazy("Title"), ["judul", "title", "nama kebutuhan"]),
    ("quantity", gettext_lazy("Quantity"), ["jumlah", "quantity", "volume"]),
    ("unit_cost", gettext_lazy("Unit cost (Rp)"), ["biaya satuan", "unit cost", "harga satuan"]),
    ("source", gettext_lazy("Source"), ["sumber", "source"]),
    (
        "external_ref",
        gettext_lazy("External reference"),
        ["referensi", "no referensi", "external reference", "reference", "ref"],
    ),
    ("description", gettext_lazy("Description"), ["keterangan", "deskripsi", "description"]),
]
REQUIRED = {"priority", "village", "title", "quantity", "unit_cost"}
SOURCE_NAMES = {
    Need.Source.AGENCY: ["agency", "agency data", "data opd", "opd", "data dinas"],
    Need.Source.MUSRENBANG: ["musrenbang"],
    Need.Source.VILLAGE: [
        "village",
        "village proposal",
        "usulan kelurahan",
        "usulan desa",
        "usulan",
    ],
}
VILLAGE_PREFIX = re.compile(r"^(kelurahan|kel\.?|desa|ds\.?)\s+", re.IGNORECASE)
GROUPED_INT = re.compile(r"^\d{1,3}([.,]\d{3})+$")


class ImportFileError(Exception):
    """The file as a whole cannot be read: not a spreadsheet, no header, too many rows."""


def _key(text) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\(.*?\)", "", str(text or ""))).strip().lower()


def read_table(data: bytes, name: str) -> list[list]:
    """All rows (header first) of the first sheet of an .xlsx, or of a .csv file."""
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if name.lower().endswith(".xlsx"):
        raise ImportFileError(_("This file is not a valid Excel (.xlsx) workbook."))
    return _read_csv(data)


def _read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ImportFileError(_("This file is not a valid Excel (.xlsx) workbook.")) from e
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError(_("The file has more than %d rows.") % MAX_ROWS)
        return rows
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[list]:
    if b"\x00" in data[:8192]:
        raise ImportFileError(_("This file is neither an Excel workbook nor a CSV text file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # CSV saved by Excel on Windows
    first_line = text.split("\n", 1)[0]
    # Indonesian Excel writes ";" because "," is the decimal separator.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(_("The file has more than %d rows.") % MAX_ROWS)
    return rows


@dataclass
class RowResult:
    number: int  # the spreadsheet's own row number
    values: dict
    errors: list[str] = field(default_factory=list)
    need: Need | None = None
    action: str = ""  # "create", "update" or "unchanged"


@dataclass
class Preview:
    rows: list[RowResult]

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def new_count(self) -> int:
        return self.count("create")

    @property
    def update_count(self) -> int:
        return self.count("update")

    @property
    def unchanged_count(self) -> int:
        return self.count("unchanged")


class _Context:
    """What every row is checked against, loaded once per file."""

    def __init__(self, plan: DevelopmentPlan):
        self.plan = plan
        self.priorities = {p.code.lower(): p for p in plan.priorities.all()}
        villages = Region.objects.villages().within(plan.city).select_related("parent")
        self.villages_by_code = {v.code: v for v in villages}
        self.villages_by_name: dict[str, list[Region]] = {}
        for village in self.villages_by_code.values():
            self.villages_by_name.setdefault(_key(village.name), []).append(village)
        self.existing: dict[tuple, Need] = {}
        for need in Need.objects.filter(priority__plan=plan):
            if need.external_ref:
                self.existing[(need.priority_id, "ref", need.external_ref.lower())] = need
            self.existing.setdefault(
                (need.priority_id, "title", need.village_id, _key(need.title)), need
            )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


FRACTION = object()


def _number(value, label, errors, *, positive: bool) -> int | None:
    """A whole number from a cell: 1250, 1250.0, "1.250", "Rp 1.250.000,00"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(_("%(column)s is empty.") % {"column": label})
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float | Decimal):
        if math.isfinite(value):
            number = int(value) if value == int(value) else FRACTION
    elif isinstance(value, str):
        text = value.strip().removeprefix("Rp").removeprefix("rp").strip().replace(" ", "")
        text = re.sub(r"[.,]00$", "", text)
        if GROUPED_INT.match(text):
            text = re.sub(r"[.,]", "", text)
        if re.fullmatch(r"-?\d+", text):
            number = int(text)
        elif re.fullmatch(r"-?\d+[.,]\d+", text):
            number = FRACTION
    if number is FRACTION:
        errors.append(
            _("%(column)s must be a whole number, found %(value)s.")
            % {"column": label, "value": value}
        )
        return None
    if number is None:
        errors.append(
            _('%(column)s must be a number, found "%(value)s".') % {"column": label, "value": value}
        )
        return None
    if positive and number <= 0:
        errors.append(
            _("%(column)s must be a positive whole number, found %(value)s.")
            % {"column": label, "value": number}
        )
        return None
    if number < 0:
        errors.append(_("%(column)s cannot be negative.") % {"column": label})
        return None
    return number


def _map_headers(header: list) -> dict[str, int]:
    accepted = {}
    for name, template_header, aliases in COLUMNS:
        for alias in [_key(template_header), *aliases]:
            accepted[_key(alias)] = name
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = accepted.get(_key(cell))
        if name and name not in positions:
            positions[name] = index
    missing = [str(h) for n, h, _a in COLUMNS if n in REQUIRED and n not in positions]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(columns)s. Use the template.")
            % {"columns": ", ".join(missing)}
        )
    return positions


def _source(value) -> str | None:
    key = _key(value)
    if not key:
        return Need.Source.AGENCY
    for source, names in SOURCE_NAMES.items():
        if key == source or key in names or key == _key(source.label):
            return source
    return None


def preview_needs(plan: DevelopmentPlan, table: list[list]) -> Preview:
    """Check every row of `table` (header first) against `plan`; write nothing."""
    if not table or not any(_text(c) for c in table[0]):
        raise ImportFileError(_("The file is empty."))
    positions = _map_headers(table[0])
    labels = {name: str(header) for name, header, _a in COLUMNS}
    context = _Context(plan)
    rows: list[RowResult] = []
    first_seen: dict[tuple, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(_text(c) for c in cells):
            continue
        cell = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
        row = RowResult(number, {name: _text(value) for name, value in cell.items()})
        rows.append(row)
        errors = row.errors

        priority = context.priorities.get(_text(cell["priority"]).lower())
        if priority is None:
            errors.append(
                _('Unknown priority code "%(code)s".') % {"code": _text(cell["priority"])}
            )

        village = None
        village_text = _text(cell["village"])
        if not village_text:
            errors.append(_("%(column)s is empty.") % {"column": labels["village"]})
        elif village_text in context.villages_by_code:
            village = context.villages_by_code[village_text]
        else:
            matches = context.villages_by_name.get(_key(VILLAGE_PREFIX.sub("", village_text)), [])
            if len(matches) == 1:
                village = matches[0]
            elif matches:
                errors.append(
                    _(
                        'The kelurahan name "%(name)s" is ambiguous in %(city)s (%(options)s); use its code.'
                    )
                    % {
                        "name": village_text,
                        "city": plan.city.name,
                        "options": ", ".join(f"{v.code} Kec. {v.parent.name}" for v in matches),
                    }
                )
            else:
                errors.append(
                    _('Unknown kelurahan "%(name)s" in %(city)s.')
                    % {"name": village_text, "city": plan.city.name}
                )

        title = _text(cell["title"])
        if not title:
            errors.append(_("%(column)s is empty.") % {"column": labels["title"]})
        elif len(title) > 255:
            errors.append(
                _("%(column)s is longer than 255 characters.") % {"column": labels["title"]}
            )
        quantity = _number(cell["quantity"], labels["quantity"], errors, positive=True)
        unit_cost = _number(cell["unit_cost"], labels["unit_cost"], errors, positive=False)
        source = _source(cell.get("source"))
        if source is None:
            errors.append(
                _('Unknown source "%(value)s"; use Data OPD, Musrenbang or Usulan kelurahan.')
                % {"value": _text(cell.get("source"))}
            )
        ref = _text(cell.get("external_ref"))[:64]
        description = _text(cell.get("description")) if cell.get("description") is not None else ""

        if priority is None or village is None or not title:
            continue
        key = (
            (priority.pk, "ref", ref.lower())
            if ref
            else (priority.pk, "title", village.pk, _key(title))
        )
        if key in first_seen:
            what = _("reference %(ref)s") % {"ref": ref} if ref else _("title and kelurahan")
            errors.append(
                _("The same %(what)s as row %(row)s for this priority.")
                % {"what": what, "row": first_seen[key]}
            )
            continue
        first_seen[key] = number
        if errors:
            continue

        need = context.existing.get(key)
        fields = {
            "village": village,
            "title": title,
            "quantity": quantity,
            "estimated_unit_cost": unit_cost,
            "source": source,
            "external_ref": ref,
            "description": description,
        }
        if need is None:
            row.need, row.action = Need(priority=priority, **fields), "create"
        else:
            # Compare the village by id: reading `need.village` would cost a query per row.
            changed = need.village_id != village.pk or any(
                getattr(need, f) != v for f, v in fields.items() if f != "village"
            )
            if quantity < need.pledged_quantity:
                errors.append(
                    _("%(pledged)s are already pledged to this need; the quantity cannot be lower.")
                    % {"pledged": need.pledged_quantity}
                )
                continue
            for name, value in fields.items():
                setattr(need, name, value)
            row.need, row.action = need, ("update" if changed else "unchanged")
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return Preview(rows)


UPDATED_FIELDS = [
    "village",
    "title",
    "quantity",
    "estimated_unit_cost",
    "source",
    "external_ref",
    "description",
]


def apply_needs(preview: Preview, *, by) -> tuple[int, int]:
    """Write a preview without errors in one transaction; (created, updated)."""
    if preview.errors:
        raise ValueError("a preview with errors cannot be imported")
    created = [r.need for r in preview.rows if r.action == "create"]
    updated = [r.need for r in preview.rows if r.action == "update"]
    for need in created:
        need.created_by = by
    with transaction.atomic():
        # Lock the needs being updated: an approval may have pledged more since the preview.
        pledged = dict(
            Need.objects.select_for_update()
            .filter(pk__in=[n.pk for n in updated])
            .values_list("pk", "pledged_quantity")
        )
        if any(need.quantity < pledged[need.pk] for need in updated):
            raise ImportFileError(_("Pledges changed since the preview; preview the file again."))
        Need.objects.bulk_create(created, batch_size=1000)
        Need.objects.bulk_update(updated, UPDATED_FIELDS, batch_size=1000)
    return len(created), len(updated)
