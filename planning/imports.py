"""Import needs from the planners' spreadsheets (.xlsx or .csv), with a dry run first.

The file is read once, at upload (core.spreadsheets: bounded, bomb-proof), and its cells are
kept with the import. `preview_needs` checks every row against the plan without writing; the
preview is kept too, so showing it never reads the file again. `apply_needs` writes the rows
without errors in one transaction (the planner chooses to skip the others), updating needs
already imported (by external reference, or by kelurahan and title) instead of duplicating
them. Headers and sources are read as planners write them: any case and spacing, Indonesian
variants, "kode/nama kelurahan", agencies' names for the source.
"""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, versions
from core.audit import Action
from core.limits import MAX_QUANTITY, MAX_UNIT_COST
from core.spreadsheets import cell_checked_text, cell_number, cell_text, header_key
from regions.models import Region

from .columns import COLUMNS, MAX_ROWS, ImportFileError, map_headers  # noqa: F401 (the app's API)
from .models import DevelopmentPlan, Need, SourceAlias

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
MAX_DESCRIPTION = 10_000


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


class PlanContext:
    """What every row is checked against, loaded once per file."""

    def __init__(self, plan: DevelopmentPlan):
        self.plan = plan
        self.priorities = {header_key(p.code): p for p in plan.priorities.all()}
        villages = list(Region.objects.villages().within(plan.city).select_related("parent"))
        self.villages_by_code = {v.code: v for v in villages}
        self.villages_by_pk = {v.pk: v for v in villages}
        self.villages_by_name: dict[str, list[Region]] = {}
        for village in villages:
            self.villages_by_name.setdefault(header_key(village.name), []).append(village)
        self.sources = {
            header_key(name): source for source, names in SOURCE_NAMES.items() for name in names
        }
        self.sources.update({header_key(label): value for value, label in Need.Source.choices})
        self.sources.update({header_key(value): value for value in Need.Source.values})
        self.sources.update(
            {header_key(a.text): a.source for a in SourceAlias.objects.all()}  # administrators' own
        )
        self.existing: dict[tuple, Need] = {}
        for need in Need.objects.filter(priority__plan=plan).annotate(identified=Count("units")):
            if need.external_ref:
                self.existing[(need.priority_id, "ref", need.external_ref.lower())] = need
            self.existing.setdefault(
                (need.priority_id, "title", need.village_id, header_key(need.title)), need
            )

    def source(self, value) -> str | None:
        key = header_key(value)
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
        matches = self.villages_by_name.get(header_key(VILLAGE_PREFIX.sub("", text)), [])
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


def preview_needs(plan: DevelopmentPlan, table: list[list]) -> Preview:
    """Check every row of `table` (header first) against `plan`; write nothing."""
    if not table or not any(cell_text(c) for c in table[0]):
        raise ImportFileError(_("The file is empty."))
    positions, ignored = map_headers(table[0])
    context = PlanContext(plan)
    rows: list[RowResult] = []
    first_seen: dict[tuple, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if any(cell_text(c) for c in cells):
            cell = {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}
            rows.append(_check_row(context, number, cell, first_seen))
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return Preview(rows, ignored)


LABELS = {name: header for name, header, _aliases in COLUMNS}


def _read_row(context: "PlanContext", cell: dict, errors: list[str]) -> dict:
    """The row's values, each checked; what is wrong is added to `errors` (and read as None
    or "")."""
    labels = {name: str(label) for name, label in LABELS.items()}
    code = cell_text(cell["priority"])
    priority = context.priorities.get(header_key(code))
    if priority is None:
        errors.append(_('Unknown priority code "%(code)s".') % {"code": code[:40]})
    village = context.village(
        cell_checked_text(cell["village"], labels["village"], errors, limit=200),
        errors,
        labels["village"],
    )
    title = cell_checked_text(cell["title"], labels["title"], errors, limit=255)
    if not title and not any(labels["title"] in e for e in errors):
        errors.append(_("%(column)s is empty.") % {"column": labels["title"]})
    quantity = cell_number(
        cell["quantity"], labels["quantity"], errors, minimum=1, maximum=MAX_QUANTITY
    )
    unit_cost = cell_number(
        cell["unit_cost"], labels["unit_cost"], errors, minimum=0, maximum=MAX_UNIT_COST
    )
    source = context.source(cell.get("source"))
    if source is None:
        errors.append(
            _('Unknown source "%(value)s"; use Data OPD, Musrenbang or Usulan kelurahan.')
            % {"value": cell_text(cell.get("source"))[:60]}
        )
    ref = cell_checked_text(cell.get("external_ref"), labels["external_ref"], errors, limit=64)
    description = cell_checked_text(
        cell.get("description"), labels["description"], errors, limit=MAX_DESCRIPTION
    )
    return {
        "priority": priority,
        "village": village,
        "title": title,
        "quantity": quantity,
        "estimated_unit_cost": unit_cost,
        "source": source,
        "external_ref": ref,
        "description": description,
    }


def _check_row(context: "PlanContext", number: int, cell: dict, first_seen: dict) -> RowResult:
    """One row: its values checked, then what it would do (create or update a need, or
    nothing), or why it cannot. `first_seen` keeps the rows' keys: a need named twice in
    the file is an error on the second row."""
    row = RowResult(number, {name: cell_text(value)[:200] for name, value in cell.items()})
    errors = row.errors
    fields = _read_row(context, cell, errors)
    priority, village, title = fields.pop("priority"), fields["village"], fields["title"]
    if priority is None or village is None or not title:
        return row
    ref = fields["external_ref"]
    key = (
        (priority.pk, "ref", ref.lower())
        if ref
        else (priority.pk, "title", village.pk, header_key(title))
    )
    if key in first_seen:
        what = _("reference %(ref)s") % {"ref": ref} if ref else _("title and kelurahan")
        errors.append(
            _("The same %(what)s as row %(row)s for this priority.")
            % {"what": what, "row": first_seen[key]}
        )
        return row
    first_seen[key] = number
    if errors:
        return row
    need = context.existing.get(key)
    if need is None:
        row.need, row.action = Need(priority=priority, **fields), "create"
        return row
    if fields["quantity"] < need.pledged_quantity:
        errors.append(
            _("%(pledged)s are already pledged to this need; the quantity cannot be lower.")
            % {"pledged": need.pledged_quantity}
        )
        return row
    if fields["quantity"] < need.identified:
        errors.append(
            _(
                "%(units)s households or schools of this need are identified; the quantity "
                "cannot be lower."
            )
            % {"units": need.identified}
        )
        return row
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
    return row


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
