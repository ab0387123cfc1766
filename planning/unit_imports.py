"""Import the households or schools behind a priority's needs, as the registers export them
(e-RTLH and DTSEN for houses, Dapodik for schools), without ever counting one twice.

Each row names a kelurahan: the unit joins the open need of the chosen priority there. A
household is recognised by the keyed hash of its NIK (core.identity), a school by its NPSN,
across every need and region of the deployment: a unit already registered is matched, not
added, and the preview says where it is; a row repeating an earlier row of the file is
matched to it; a household erased on request is not registered again. A re-import changes
nothing. A need counts at least the units it holds: importing 30 households into a need of 40
identifies 30 of them; importing 45 raises it to 45.

The raw NIK never reaches the database: the upload's cells are kept with the NIK replaced by
its hash, mask and verdict (`protect_table`), the file itself is not kept, and the cells are
dropped once imported.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, identity, versions
from core.audit import Action
from core.spreadsheets import cell_checked_text, cell_text, header_key
from regions.models import Boundary

from .columns import COLUMNS as NEED_COLUMNS
from .columns import ImportFileError, map_headers
from .imports import PlanContext
from .models import Condition, DevelopmentPlan, Need, NeedImport, Priority, TargetUnit

VILLAGE = next(column for column in NEED_COLUMNS if column[0] == "village")
SOURCE = ("source", gettext_lazy("Source"), ["sumber", "sumber data", "source"])
SOURCE_DATE = (
    "source_date",
    gettext_lazy("Data date"),
    ["tanggal data", "tanggal pendataan", "tgl data", "tanggal verifikasi", "data date"],
)
LATITUDE = ("latitude", gettext_lazy("Latitude"), ["lintang", "lat", "latitude", "koordinat y"])
LONGITUDE = (
    "longitude",
    gettext_lazy("Longitude"),
    ["bujur", "long", "lon", "lng", "longitude", "koordinat x"],
)

HOUSEHOLD_COLUMNS = [
    ("nik", gettext_lazy("NIK"), ["nik", "nik kepala keluarga", "nik kk", "no nik", "nomor nik"]),
    (
        "name",
        gettext_lazy("Head of household"),
        ["nama kepala keluarga", "nama kk", "kepala keluarga", "nama", "nama penerima"],
    ),
    VILLAGE,
    ("address", gettext_lazy("Address"), ["alamat", "alamat rumah", "address"]),
    ("rt", "RT", ["rt"]),
    ("rw", "RW", ["rw"]),
    ("decile", gettext_lazy("Decile"), ["desil", "desil kesejahteraan", "desil dtsen", "decile"]),
    ("roof", gettext_lazy("Roof"), ["kondisi atap", "atap", "roof"]),
    ("walls", gettext_lazy("Walls"), ["kondisi dinding", "dinding", "walls"]),
    ("floor", gettext_lazy("Floor"), ["kondisi lantai", "lantai", "floor"]),
    LATITUDE,
    LONGITUDE,
    SOURCE,
    SOURCE_DATE,
]
SCHOOL_COLUMNS = [
    ("npsn", "NPSN", ["npsn", "no npsn"]),
    ("name", gettext_lazy("School"), ["nama sekolah", "sekolah", "nama satuan pendidikan"]),
    ("level", gettext_lazy("Level"), ["jenjang", "bentuk pendidikan", "level"]),
    VILLAGE,
    (
        "classrooms",
        gettext_lazy("Classrooms needed"),
        [
            "ruang kelas rusak",
            "jumlah ruang kelas rusak",
            "kekurangan ruang kelas",
            "ruang kelas dibutuhkan",
            "classrooms",
        ],
    ),
    ("address", gettext_lazy("Address"), ["alamat", "alamat sekolah", "address"]),
    LATITUDE,
    LONGITUDE,
    SOURCE,
    SOURCE_DATE,
]
LAYOUTS = {
    NeedImport.Kind.HOUSEHOLDS: (HOUSEHOLD_COLUMNS, {"nik", "name", "village"}),
    NeedImport.Kind.SCHOOLS: (SCHOOL_COLUMNS, {"npsn", "name", "village"}),
}
MAX_UNIT_ROWS = 20_000
CONDITIONS = {
    "baik": Condition.GOOD,
    "layak": Condition.GOOD,
    "good": Condition.GOOD,
    "rusak ringan": Condition.LIGHT,
    "ringan": Condition.LIGHT,
    "light": Condition.LIGHT,
    "rusak sedang": Condition.MODERATE,
    "sedang": Condition.MODERATE,
    "moderate": Condition.MODERATE,
    "rusak berat": Condition.HEAVY,
    "berat": Condition.HEAVY,
    "tidak layak": Condition.HEAVY,
    "heavy": Condition.HEAVY,
}
LEVELS = {
    "paud": "paud",
    "tk": "paud",
    "ra": "paud",
    "sd": "sd",
    "mi": "sd",
    "smp": "smp",
    "mts": "smp",
    "sma": "sma",
    "smk": "sma",
    "ma": "sma",
}
DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# Indonesia from Sabang to Merauke, Miangas to Rote.
LATITUDES, LONGITUDES = (Decimal("-11.5"), Decimal("6.5")), (Decimal("94.5"), Decimal("141.5"))
NIK_CELL = "§nik"  # the key of a protected NIK cell (`protect_table`)


def protect_table(table: list[list], kind: str, regency_code: str) -> list[list]:
    """The cells to keep: a household file's NIK column replaced, cell by cell, by its keyed
    hash, its masked form and what is wrong with it (checked here, as the raw number is not
    kept), and the columns the import does not read emptied. A NIK typed as a number (Excel
    keeps 15 significant digits) is refused. The rest (names, addresses) is kept until the
    import is confirmed, or for HOUSEHOLD_CELLS_HOURS (planning.services.forget_household_cells)."""
    if kind != NeedImport.Kind.HOUSEHOLDS or not table:
        return table
    positions, _ignored = map_headers(table[0], *LAYOUTS[kind])
    column, read = positions["nik"], set(positions.values())
    kept = [table[0]]
    for cells in table[1:]:
        # A column the import does not read ("NIK istri", "No KK", a phone) is not kept.
        cells = [cell if index in read else None for index, cell in enumerate(cells)]
        if column < len(cells) and cell_text(cells[column]):
            value = cells[column]
            nik = identity.nik_digits(value)
            if isinstance(value, int | float):
                problem = _(
                    "The NIK was typed as a number, which Excel rounds after 15 digits: "
                    "format the column as text and type it again."
                )
            else:
                problem = identity.nik_problem(nik, regency_code)
            valid = problem is None
            cells[column] = {
                NIK_CELL: identity.nik_hash(nik) if valid else "",
                "masked": identity.nik_masked(nik) if valid else "",
                "problem": problem or "",
            }
        kept.append(cells)
    return kept


@dataclass
class UnitRow:
    number: int
    values: dict  # what the preview shows: nothing personal
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "create", "matched" (registered already) or "repeated" (in the file)
    unit: TargetUnit | None = None
    note: str = ""

    def as_json(self) -> dict:
        return {
            "number": self.number,
            "values": self.values,
            "errors": self.errors,
            "action": self.action,
            "note": self.note,
        }


@dataclass
class UnitPreview:
    rows: list[UnitRow]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[UnitRow]:
        return [row for row in self.rows if row.errors]

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)

    def as_json(self) -> dict:
        actions = Counter(row.action for row in self.rows if not row.errors)
        return {
            "rows": [row.as_json() for row in self.rows],
            "ignored_columns": self.ignored_columns,
            "counts": {
                "create": actions["create"],
                "matched": actions["matched"] + actions["repeated"],
                "rows_with_errors": len(self.errors),
                "errors": self.error_count,
            },
        }


class _UnitContext(PlanContext):
    """The plan's villages (as the needs import reads them), the priority's open needs by
    kelurahan, and the units already registered that the file names."""

    def __init__(self, plan: DevelopmentPlan, priority: Priority, kind: str, keys: set[str]):
        super().__init__(plan)
        self.kind = kind
        self.needs = {
            need.village_id: need
            for need in Need.objects.filter(priority=priority, status=Need.Status.OPEN).order_by(
                "-pk"
            )
        }
        self.outlines: dict[int, object] | None = None  # read at the first coordinates
        key_field = "nik_hash" if kind == NeedImport.Kind.HOUSEHOLDS else "npsn"
        registered = TargetUnit.objects.filter(**{f"{key_field}__in": keys}).select_related(
            "need__village", "need__priority__plan__city"
        )
        self.registered = {getattr(unit, key_field): unit for unit in registered}

    def outside(self, village, latitude, longitude) -> bool:
        """The point lies outside the kelurahan's outline, when one is known (the plan's
        outlines read once, at the first row with coordinates)."""
        if self.outlines is None:
            boundaries = Boundary.objects.in_bulk(list(self.villages_by_pk))
            self.outlines = {pk: boundary.outline() for pk, boundary in boundaries.items()}
        outline = self.outlines.get(village.pk)
        return outline is not None and not Boundary.holds(
            outline, float(longitude), float(latitude)
        )


def preview_units(
    plan: DevelopmentPlan, priority: Priority, kind: str, table: list[list]
) -> UnitPreview:
    """Check every row of a protected `table` (header first); write nothing."""
    if not table or not any(cell_text(c) for c in table[0]):
        raise ImportFileError(_("The file is empty."))
    columns, required = LAYOUTS[kind]
    positions, ignored = map_headers(table[0], columns, required)
    cells_by_row = []
    for number, cells in enumerate(table[1:], start=2):
        if any(cell_text(c) if not isinstance(c, dict) else True for c in cells):
            cell = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
            cells_by_row.append((number, cell))
    if not cells_by_row:
        raise ImportFileError(_("The file has a header but no rows."))
    keys = {_key(kind, cell) for _n, cell in cells_by_row} - {""}
    context = _UnitContext(plan, priority, kind, keys)
    first_seen: dict[str, int] = {}
    labels = {name: str(label) for name, label, _aliases in columns}
    rows = [_check_row(context, number, cell, labels, first_seen) for number, cell in cells_by_row]
    return UnitPreview(rows, ignored)


def _key(kind: str, cell: dict) -> str:
    if kind == NeedImport.Kind.HOUSEHOLDS:
        nik = cell.get("nik")
        return nik.get(NIK_CELL, "") if isinstance(nik, dict) else ""
    return identity.npsn_normal(cell.get("npsn"))


def _check_row(context: _UnitContext, number: int, cell: dict, labels: dict, first_seen: dict):
    kind = context.kind
    households = kind == NeedImport.Kind.HOUSEHOLDS
    errors: list[str] = []
    fields: dict = {}
    key = _key(kind, cell)
    if households:
        nik = cell.get("nik")
        if not isinstance(nik, dict):
            errors.append(_("The NIK is empty."))
        elif nik["problem"]:
            errors.append(nik["problem"])
        else:
            fields |= {"nik_hash": key, "nik_masked": nik["masked"]}
    else:
        if problem := identity.npsn_problem(key):
            errors.append(problem)
        fields["npsn"] = key
    village_text = cell_checked_text(cell.get("village"), labels["village"], errors, limit=200)
    village = context.village(village_text, errors, labels["village"])
    fields["name"] = cell_checked_text(cell.get("name"), labels["name"], errors, limit=200)
    if not fields["name"] and not any(labels["name"] in e for e in errors):
        errors.append(_("%(column)s is empty.") % {"column": labels["name"]})
    fields["address"] = cell_checked_text(cell.get("address"), labels["address"], errors, limit=255)
    fields["source"] = cell_checked_text(cell.get("source"), labels["source"], errors, limit=100)
    fields["source_date"] = _date(cell.get("source_date"), labels["source_date"], errors)
    fields["latitude"] = _degrees(cell.get("latitude"), labels["latitude"], LATITUDES, errors)
    fields["longitude"] = _degrees(cell.get("longitude"), labels["longitude"], LONGITUDES, errors)
    if households:
        for part in ("rt", "rw"):
            text = cell_text(cell.get(part))
            if text and not (text.isdigit() and len(text) <= 3):
                errors.append(
                    _("%(column)s is a number of up to 3 digits.") % {"column": part.upper()}
                )
            fields[part] = text.zfill(3) if text.isdigit() and len(text) <= 3 else ""
        fields["decile"] = _whole(cell.get("decile"), labels["decile"], 1, 10, errors)
        for part in ("roof", "walls", "floor"):
            fields[part] = _condition(cell.get(part), labels[part], errors)
    else:
        level = header_key(cell.get("level")).split(" ")[0] if cell_text(cell.get("level")) else ""
        if level and level not in LEVELS:
            errors.append(
                _('Unknown school level "%(value)s".')
                % {"value": cell_text(cell.get("level"))[:20]}
            )
        fields["level"] = LEVELS.get(level, "")
        fields["classrooms"] = _whole(cell.get("classrooms"), labels["classrooms"], 0, 500, errors)
    row = UnitRow(number, _shown(kind, fields, village))
    row.errors = errors
    if errors or village is None:
        return row
    located = fields["latitude"] is not None and fields["longitude"] is not None
    if located and context.outside(village, fields["latitude"], fields["longitude"]):
        errors.append(
            _("The coordinates lie outside %(village)s: check latitude and longitude.")
            % {"village": village.name}
        )
        return row
    if key in first_seen:
        row.action, row.note = (
            "repeated",
            _("The same %(what)s as row %(row)s.")
            % {
                "what": _("household") if households else _("school"),
                "row": first_seen[key],
            },
        )
        return row
    first_seen[key] = number
    registered = context.registered.get(key)
    if registered is not None:
        row.action = "matched"
        if registered.erased_at:
            row.note = _("Erased on request: not registered again.")
        elif registered.need.priority.plan.city_id != context.plan.city_id:
            # Where a household is registered in another region is not this region's to know.
            row.note = _("Registered already in another region: not added.")
        else:
            need = registered.need
            row.note = _("Registered already as %(ref)s in “%(need)s” (%(region)s).") % {
                "ref": registered.reference,
                "need": need.title,
                "region": need.priority.plan.city.name,
            }
        return row
    need = context.needs.get(village.pk)
    if need is None:
        errors.append(
            _("No open need of this priority in %(village)s: add the need first.")
            % {"village": village.name}
        )
        return row
    row.action = "create"
    row.unit = TargetUnit(
        need=need,
        kind=TargetUnit.Kind.HOUSEHOLD if households else TargetUnit.Kind.SCHOOL,
        **fields,
    )
    return row


def _shown(kind: str, fields: dict, village) -> dict:
    """What the preview keeps of a row: the masked NIK, never a name or an address."""
    shown = {"village": village.name if village else ""}
    if kind == NeedImport.Kind.HOUSEHOLDS:
        shown |= {"nik": fields.get("nik_masked", ""), "decile": fields.get("decile")}
    else:
        shown |= {"npsn": fields.get("npsn", ""), "name": fields.get("name", "")}
    return shown


def _whole(value, label, low: int, high: int, errors: list[str]) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        errors.append(
            _("%(column)s must be a whole number from %(low)s to %(high)s.")
            % {"column": label, "low": low, "high": high}
        )
        return None
    return int(text)


def _condition(value, label, errors: list[str]) -> str:
    text = header_key(value)
    if not text:
        return ""
    if text not in CONDITIONS:
        errors.append(
            _('%(column)s: "%(value)s" is not baik, rusak ringan, rusak sedang or rusak berat.')
            % {"column": label, "value": cell_text(value)[:30]}
        )
        return ""
    return CONDITIONS[text]


def _degrees(value, label, bounds: tuple[Decimal, Decimal], errors: list[str]) -> Decimal | None:
    text = cell_text(value).replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not bounds[0] <= number <= bounds[1]:
        errors.append(
            _("%(column)s must be a decimal degree within Indonesia (%(low)s to %(high)s).")
            % {"column": label, "low": bounds[0], "high": bounds[1]}
        )
        return None
    return round(number, 6)


def _date(value, label, errors: list[str]) -> datetime.date | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        if match := DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        errors.append(_("%(column)s is not a date (dd/mm/yyyy).") % {"column": label})
        return None


def apply_units(preview: UnitPreview, *, by, data: dict) -> int:
    """Register the preview's new units in one transaction; each need they join counts at
    least its units (locked, raised with an audit entry). Returns how many were added."""
    created = [row.unit for row in preview.rows if row.action == "create" and not row.errors]
    for unit in created:
        unit.created_by = by
    if not created:
        return 0
    with transaction.atomic():
        needs = {
            need.pk: need
            for need in Need.objects.select_for_update()
            .filter(pk__in={unit.need_id for unit in created})
            .order_by("pk")
        }
        try:
            with transaction.atomic():
                TargetUnit.objects.bulk_create(created, batch_size=1000)
        except IntegrityError as e:  # registered meanwhile (another import)
            raise ImportFileError(
                _("Units changed since the preview; preview the file again.")
            ) from e
        counts = dict(
            TargetUnit.objects.filter(need__in=needs)
            .values("need")
            .annotate(n=Count("pk"))
            .values_list("need", "n")
        )
        raised = []
        for pk, need in needs.items():
            if counts.get(pk, 0) > need.quantity:
                Need.objects.filter(pk=pk).update(quantity=counts[pk])
                raised.append((need, Action.UPDATE, {"quantity": (need.quantity, counts[pk])}))
        versions.bump("needs")
        audit.record_many(
            [(unit, Action.CREATE, _unit_changes(unit)) for unit in created] + raised,
            by=by,
            data=data,
        )
    return len(created)


def _unit_changes(unit: TargetUnit) -> dict:
    """What the audit trail keeps of a new unit: nothing personal."""
    kept = ("kind", "npsn", "decile", "roof", "walls", "floor", "level", "classrooms", "source")
    return {
        name: (None, getattr(unit, name)) for name in kept if getattr(unit, name) not in ("", None)
    }
