"""Import needs from the planners' spreadsheets (.xlsx or .csv), with a dry run first.

The file is read once, at upload (core.spreadsheets: bounded, bomb-proof), and its cells are
kept with the import. `preview_needs` checks every row against the plan without writing; the
preview is kept too, so showing it never reads the file again. `apply_needs` writes the rows
without errors in one transaction (the planner chooses to skip the others), updating needs
already imported (by external reference, or by kelurahan and title) instead of duplicating
them. Headers and sources are read as planners write them: any case and spacing, Indonesian
variants, "kode/nama kelurahan", agencies' names for the source.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, versions
from core.audit import Action
from core.limits import MAX_QUANTITY, MAX_UNIT_COST
from regions.models import Region

from .models import DevelopmentPlan, Need, SourceAlias

MAX_ROWS = 20_000

# (field, header in the template, other accepted headers). Headers are compared by `_key`:
# without case, accents, punctuation, or anything in parentheses, so "Biaya satuan (Rp)",
# "BIAYA_SATUAN" and "biaya satuan" are one header.
COLUMNS = [
    (
        "priority",
        gettext_lazy("Priority code"),
        ["kode prioritas", "prioritas", "program prioritas", "priority code", "priority"],
    ),
    (
        "village",
        gettext_lazy("Kelurahan code or name"),
        [
            "kode atau nama kelurahan",
            "kode nama kelurahan",
            "kode kelurahan",
            "nama kelurahan",
            "kelurahan",
            "desa",
            "kelurahan desa",
            "kode nama kelurahan desa",
            "lokasi",
            "lokasi kelurahan",
            "village",
            "village code or name",
        ],
    ),
    (
        "title",
        gettext_lazy("Title"),
        ["judul", "nama kebutuhan", "uraian kebutuhan", "kebutuhan", "uraian", "title"],
    ),
    ("quantity", gettext_lazy("Quantity"), ["jumlah", "jml", "volume", "vol", "quantity"]),
    (
        "unit_cost",
        gettext_lazy("Unit cost (Rp)"),
        [
            "biaya satuan",
            "harga satuan",
            "biaya per unit",
            "satuan biaya",
            "nilai satuan",
            "unit cost",
        ],
    ),
    ("source", gettext_lazy("Source"), ["sumber", "sumber data", "asal usulan", "source"]),
    (
        "external_ref",
        gettext_lazy("External reference"),
        ["referensi", "no referensi", "nomor referensi", "kode usulan", "reference", "ref"],
    ),
    (
        "description",
        gettext_lazy("Description"),
        ["keterangan", "ket", "deskripsi", "catatan", "description"],
    ),
]
REQUIRED = {"priority", "village", "title", "quantity", "unit_cost"}
# Built-in source names; administrators add their own spellings as SourceAliases.
SOURCE_NAMES = {
    Need.Source.AGENCY: [
        "agency",
        "agency data",
        "data opd",
        "opd",
        "skpd",
        "data dinas",
        "dinas",
        "bappeda",
        "bappedalitbang",
    ],
    Need.Source.MUSRENBANG: ["musrenbang", "musrenbangkel", "musrenbangcam", "musrenbang kota"],
    Need.Source.VILLAGE: [
        "village",
        "village proposal",
        "usulan kelurahan",
        "usulan desa",
        "usulan",
        "proposal",
        "usulan rt rw",
    ],
}
# Agencies are named in countless ways ("Disperkim", "Dinas Perkim", "Badan ..."): a source that
# starts with one of these words is agency data.
AGENCY_WORDS = re.compile(r"^(dinas|dis|din|badan|bappeda|kantor|bagian|satpol|rsud|dpu)", re.I)
VILLAGE_PREFIX = re.compile(r"^(kelurahan|kel\.?|desa|ds\.?)\s+", re.IGNORECASE)
VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
GROUPED_INT = re.compile(r"^\d{1,3}([.,]\d{3})+$")
# Control characters (NUL among them) have no place in a cell; tabs and line breaks do. The
# replacement character stands for one that could not be read (a NUL, an undecodable byte).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
MAX_DESCRIPTION = 10_000


class ImportFileError(Exception):
    """The file as a whole cannot be imported: no header, a required column missing, no rows."""


def _key(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    text = re.sub(r"\(.*?\)", " ", text.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass
class RowResult:
    number: int  # the spreadsheet's own row number
    values: dict
    errors: list[str] = field(default_factory=list)
    need: Need | None = None
    action: str = ""  # "create", "update" or "unchanged"

    def as_json(self) -> dict:
        """What the preview page shows of the row, kept with the import."""
        need = self.need
        return {
            "number": self.number,
            "values": self.values,
            "errors": self.errors,
            "action": self.action,
            "village": need.village.name if need else None,
            "quantity": need.quantity if need else None,
            "unit_cost": need.estimated_unit_cost if need else None,
            # The need as it stood when checked: saved since (a planner's edit), the file is
            # checked again before it can overwrite the edit.
            "stored": need.updated_at.isoformat() if self.action == "update" else None,
        }


@dataclass
class Preview:
    rows: list[RowResult]
    ignored_columns: list[str] = field(default_factory=list)

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

    def as_json(self) -> dict:
        return {
            "rows": [row.as_json() for row in self.rows],
            "ignored_columns": self.ignored_columns,
            "counts": {
                "create": self.new_count,
                "update": self.update_count,
                "unchanged": self.unchanged_count,
                "rows_with_errors": len(self.errors),
                "errors": self.error_count,
            },
        }


def same_outcome(checked: dict, kept: dict) -> bool:
    """Whether a file checked again would do what the kept preview showed: the same counts, and
    each row the same action on a need in the same state (in any language)."""

    def outcome(preview: dict) -> tuple:
        rows = [(r["number"], r["action"], r.get("stored")) for r in preview.get("rows", [])]
        return preview.get("counts"), rows

    return outcome(checked) == outcome(kept)


class _Context:
    """What every row is checked against, loaded once per file."""

    def __init__(self, plan: DevelopmentPlan):
        self.plan = plan
        self.priorities = {_key(p.code): p for p in plan.priorities.all()}
        villages = list(Region.objects.villages().within(plan.city).select_related("parent"))
        self.villages_by_code = {v.code: v for v in villages}
        self.villages_by_pk = {v.pk: v for v in villages}
        self.villages_by_name: dict[str, list[Region]] = {}
        for village in villages:
            self.villages_by_name.setdefault(_key(village.name), []).append(village)
        self.sources = {
            _key(name): source for source, names in SOURCE_NAMES.items() for name in names
        }
        self.sources.update({_key(label): value for value, label in Need.Source.choices})
        self.sources.update({_key(value): value for value in Need.Source.values})
        self.sources.update(
            {_key(a.text): a.source for a in SourceAlias.objects.all()}  # administrators' own
        )
        self.existing: dict[tuple, Need] = {}
        for need in Need.objects.filter(priority__plan=plan):
            if need.external_ref:
                self.existing[(need.priority_id, "ref", need.external_ref.lower())] = need
            self.existing.setdefault(
                (need.priority_id, "title", need.village_id, _key(need.title)), need
            )

    def source(self, value) -> str | None:
        key = _key(value)
        if not key:
            return Need.Source.AGENCY
        if key in self.sources:
            return self.sources[key]
        if AGENCY_WORDS.match(key):
            return Need.Source.AGENCY
        if key.startswith("musrenbang"):
            return Need.Source.MUSRENBANG
        if key.startswith("usulan"):
            return Need.Source.VILLAGE
        return None

    def village(self, text: str, errors: list[str], label: str) -> Region | None:
        """A kelurahan by its code, its name, or both ("36.72.04.1002 / Tegal Ratu")."""
        if not text:
            errors.append(_("%(column)s is empty.") % {"column": label})
            return None
        code = VILLAGE_CODE.search(text)
        if code:
            if code.group(0) in self.villages_by_code:
                return self.villages_by_code[code.group(0)]
            errors.append(
                _('Unknown kelurahan code "%(code)s" in %(city)s.')
                % {"code": code.group(0), "city": self.plan.city.name}
            )
            return None
        matches = self.villages_by_name.get(_key(VILLAGE_PREFIX.sub("", text)), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            errors.append(
                _(
                    'The kelurahan name "%(name)s" is ambiguous in %(city)s (%(options)s); use its code.'
                )
                % {
                    "name": text,
                    "city": self.plan.city.name,
                    "options": ", ".join(f"{v.code} Kec. {v.parent.name}" for v in matches),
                }
            )
        else:
            errors.append(
                _('Unknown kelurahan "%(name)s" in %(city)s.')
                % {"name": text, "city": self.plan.city.name}
            )
        return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


FRACTION = object()


def _number(value, label, errors, *, minimum: int, maximum: int) -> int | None:
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
            % {"column": label, "value": _text(value)[:40]}
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


def _map_headers(header: list) -> tuple[dict[str, int], list[str]]:
    """Where each field stands, and the headers no field takes (ignored, and said so)."""
    accepted = {}
    for name, template_header, aliases in COLUMNS:
        for alias in [template_header, *aliases]:
            accepted[_key(alias)] = name
    positions: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(header):
        name = accepted.get(_key(cell))
        if name and name not in positions:
            positions[name] = index
        elif _text(cell):
            ignored.append(_text(cell)[:60])
    missing = [str(h) for n, h, _a in COLUMNS if n in REQUIRED and n not in positions]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(columns)s. Use the template.")
            % {"columns": ", ".join(missing)}
        )
    return positions, ignored


def _checked_text(cell, label: str, errors: list[str], *, limit: int) -> str:
    text = _text(cell)
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


def preview_needs(plan: DevelopmentPlan, table: list[list]) -> Preview:
    """Check every row of `table` (header first) against `plan`; write nothing."""
    if not table or not any(_text(c) for c in table[0]):
        raise ImportFileError(_("The file is empty."))
    positions, ignored = _map_headers(table[0])
    labels = {name: str(header) for name, header, _a in COLUMNS}
    context = _Context(plan)
    rows: list[RowResult] = []
    first_seen: dict[tuple, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if not any(_text(c) for c in cells):
            continue
        cell = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
        row = RowResult(number, {name: _text(value)[:200] for name, value in cell.items()})
        rows.append(row)
        errors = row.errors

        code = _text(cell["priority"])
        priority = context.priorities.get(_key(code))
        if priority is None:
            errors.append(_('Unknown priority code "%(code)s".') % {"code": code[:40]})
        village = context.village(
            _checked_text(cell["village"], labels["village"], errors, limit=200),
            errors,
            labels["village"],
        )
        title = _checked_text(cell["title"], labels["title"], errors, limit=255)
        if not title and not any(labels["title"] in e for e in errors):
            errors.append(_("%(column)s is empty.") % {"column": labels["title"]})
        quantity = _number(
            cell["quantity"], labels["quantity"], errors, minimum=1, maximum=MAX_QUANTITY
        )
        unit_cost = _number(
            cell["unit_cost"], labels["unit_cost"], errors, minimum=0, maximum=MAX_UNIT_COST
        )
        source = context.source(cell.get("source"))
        if source is None:
            errors.append(
                _('Unknown source "%(value)s"; use Data OPD, Musrenbang or Usulan kelurahan.')
                % {"value": _text(cell.get("source"))[:60]}
            )
        ref = _checked_text(cell.get("external_ref"), labels["external_ref"], errors, limit=64)
        description = _checked_text(
            cell.get("description"), labels["description"], errors, limit=MAX_DESCRIPTION
        )

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
            continue
        if quantity < need.pledged_quantity:
            errors.append(
                _("%(pledged)s are already pledged to this need; the quantity cannot be lower.")
                % {"pledged": need.pledged_quantity}
            )
            continue
        # Compare the village by id: reading `need.village` would cost a query per row.
        changed = need.village_id != village.pk or any(
            getattr(need, name) != value for name, value in fields.items() if name != "village"
        )
        if changed:
            need = Need(
                pk=need.pk,
                priority=priority,
                pledged_quantity=need.pledged_quantity,
                updated_at=need.updated_at,  # the state the preview saw (`same_outcome`)
            )
        for name, value in fields.items():
            setattr(need, name, value)
        row.need, row.action = need, ("update" if changed else "unchanged")
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return Preview(rows, ignored)


UPDATED_FIELDS = [
    "village",
    "title",
    "quantity",
    "estimated_unit_cost",
    "source",
    "external_ref",
    "description",
]


def apply_needs(preview: Preview, *, by, data: dict | None = None) -> tuple[int, int]:
    """Write the preview's rows without errors in one transaction; (created, updated).

    The needs to update are locked and read again: an approval may have pledged more since
    the preview. Each need created or changed gets its audit entry with its old and new
    values and `data` (the import's id)."""
    valid = [row for row in preview.rows if not row.errors]
    created = [row.need for row in valid if row.action == "create"]
    updated = [row.need for row in valid if row.action == "update"]
    for need in created:
        need.created_by = by
    with transaction.atomic():
        before = Need.objects.select_for_update().in_bulk([need.pk for need in updated])
        if any(need.quantity < before[need.pk].pledged_quantity for need in updated):
            raise ImportFileError(_("Pledges changed since the preview; preview the file again."))
        try:
            with transaction.atomic():
                Need.objects.bulk_create(created, batch_size=1000)
                now = timezone.now()
                for need in updated:
                    need.updated_at = now  # bulk writes stamp nothing themselves
                Need.objects.bulk_update(updated, [*UPDATED_FIELDS, "updated_at"], batch_size=1000)
                versions.bump("needs")  # bulk writes send no signal
        except IntegrityError as e:  # a need saved meanwhile took a reference of the file
            raise ImportFileError(
                _("Needs changed since the preview; preview the file again.")
            ) from e
        villages = {v.pk: v for v in Region.objects.filter(pk__in=_village_ids(before, updated))}
        audit.record_many(
            [
                (
                    need,
                    Action.CREATE,
                    {name: (None, getattr(need, name)) for name in UPDATED_FIELDS},
                )
                for need in created
            ]
            + [
                (need, Action.UPDATE, _changes(before[need.pk], need, villages)) for need in updated
            ],
            by=by,
            data=data,
        )
    return len(created), len(updated)


def _village_ids(before: dict[int, Need], updated: list[Need]) -> set[int]:
    return {before[need.pk].village_id for need in updated} | {n.village_id for n in updated}


def _changes(old: Need, new: Need, villages: dict[int, Region]) -> dict[str, tuple]:
    changes = {
        name: (getattr(old, name), getattr(new, name))
        for name in UPDATED_FIELDS
        if name != "village" and getattr(old, name) != getattr(new, name)
    }
    if old.village_id != new.village_id:
        changes["village"] = (villages[old.village_id], villages[new.village_id])
    return changes
