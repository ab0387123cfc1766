import csv
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from core import versions

from .models import Region


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self):
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class RegionImportError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} invalid rows")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    per_level: dict[int, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class _Row:
    line: int
    code: str
    name: str
    level: int
    parent_code: str | None
    kind: str


def read_region_csv(path) -> list[tuple[int, list[str]]]:
    """(line number, cells) for each data row of a Kepmendagri `kode,nama` CSV."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header[:2]] != ["kode", "nama"]:
            raise RegionImportError([RowError(1, _('the header must be "kode,nama"'))])
        return [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]


def _validate(rows: Iterable[tuple[int, list[str]]], existing: set[str]):
    parsed: list[_Row] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        if len(cells) != 2:
            errors.append(
                RowError(line, _("expected 2 columns (kode,nama), found %d") % len(cells))
            )
            continue
        code, name = cells[0].strip(), " ".join(cells[1].split())
        try:
            level, parent_code = Region.parse_code(code)
        except ValueError:
            errors.append(RowError(line, _('"%s" is not a region code like 36.72.04.1002') % code))
            continue
        if not name:
            errors.append(RowError(line, _("the name of %s is empty") % code))
            continue
        if len(name) > Region._meta.get_field("name").max_length:
            errors.append(RowError(line, _("the name of %s is too long") % code))
            continue
        if code in seen:
            errors.append(
                RowError(
                    line,
                    _("%(code)s appears again (first on line %(first)s)")
                    % {"code": code, "first": seen[code]},
                )
            )
            continue
        seen[code] = line
        parsed.append(
            _Row(line, code, name, level, parent_code, Region.kind_for(code, name, level))
        )
    for row in parsed:
        if row.parent_code and row.parent_code not in seen and row.parent_code not in existing:
            errors.append(
                RowError(row.line, _("the parent region %s is unknown") % row.parent_code)
            )
    errors.sort(key=lambda e: e.line)
    return parsed, errors


def import_regions(rows: Iterable[tuple[int, list[str]]]) -> ImportResult:
    """Create or update regions from (line, [kode, nama]) rows; all or nothing.

    Parents are derived from the codes. Regions missing from the rows are left alone (they
    may be referenced by companies and needs). Raises RegionImportError listing every bad row.
    """
    current = {
        code: (pk, name, kind, parent_id)
        for code, pk, name, kind, parent_id in Region.objects.values_list(
            "code", "pk", "name", "kind", "parent_id"
        )
    }
    parsed, errors = _validate(rows, set(current))
    if errors:
        raise RegionImportError(errors)

    result = ImportResult()
    ids = {code: values[0] for code, values in current.items()}
    with transaction.atomic():
        for level in Region.Level.values:
            to_create, to_update = [], []
            for row in (r for r in parsed if r.level == level):
                result.per_level[level] = result.per_level.get(level, 0) + 1
                parent_id = ids[row.parent_code] if row.parent_code else None
                if row.code not in current:
                    to_create.append(
                        Region(
                            code=row.code,
                            name=row.name,
                            level=level,
                            kind=row.kind,
                            parent_id=parent_id,
                        )
                    )
                elif current[row.code][1:] != (row.name, row.kind, parent_id):
                    to_update.append(
                        Region(
                            pk=current[row.code][0],
                            name=row.name,
                            kind=row.kind,
                            parent_id=parent_id,
                        )
                    )
                else:
                    result.unchanged += 1
            Region.objects.bulk_create(to_create, batch_size=2000)
            Region.objects.bulk_update(to_update, ["name", "kind", "parent"], batch_size=2000)
            result.created += len(to_create)
            result.updated += len(to_update)
            if to_create:
                # Children of the next level need the new primary keys.
                ids.update(Region.objects.filter(level=level).values_list("code", "pk"))
    if result.created or result.updated:
        versions.bump("filter_choices")  # bulk writes send no signal
    return result
