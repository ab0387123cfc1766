"""Region outlines from a GeoJSON FeatureCollection keyed by Kepmendagri code.

    {"type": "FeatureCollection", "features": [{"type": "Feature",
      "properties": {"code": "36.72.01.1001", "name": "Cibeber", "centroid": [106.07, -6.03]},
      "geometry": {"type": "Polygon", "coordinates": [[[106.07, -6.04], ...]]}}]}

Coordinates are WGS84 [longitude, latitude]; `centroid` is optional (the mean of the outer
ring's vertices otherwise). Every feature is checked before anything is written: one bad
feature and nothing is imported, with every error listed.
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit

from .models import Boundary, Region

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_POSITIONS = 2_000_000  # about 25 times Batang's 248 villages at 1 m precision


class BoundaryImportError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} invalid features")


@dataclass
class BoundaryImportResult:
    created: int = 0
    updated: int = 0
    per_level: dict[int, int] = field(default_factory=dict)


def _is_position(value) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= 2
        and all(isinstance(x, int | float) and math.isfinite(x) for x in value[:2])
        and -180 <= value[0] <= 180
        and -90 <= value[1] <= 90
    )


def _polygon_positions(polygon) -> int | None:
    """Number of positions of a valid polygon (rings of 4+ positions), None if invalid."""
    if not isinstance(polygon, list) or not polygon:
        return None
    count = 0
    for ring in polygon:
        if not isinstance(ring, list) or len(ring) < 4 or not all(map(_is_position, ring)):
            return None
        count += len(ring)
    return count


def _shape(geometry) -> tuple[str, list, int] | None:
    """(shape, coordinates with positions cut to [lng, lat], positions) or None if invalid."""
    if not isinstance(geometry, dict):
        return None
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == Boundary.Shape.POLYGON:
        polygons = [coordinates]
    elif kind == Boundary.Shape.MULTIPOLYGON and isinstance(coordinates, list) and coordinates:
        polygons = coordinates
    else:
        return None
    total = 0
    for polygon in polygons:
        count = _polygon_positions(polygon)
        if count is None:
            return None
        total += count
    flat = [[[[p[0], p[1]] for p in ring] for ring in polygon] for polygon in polygons]
    return kind, flat[0] if kind == Boundary.Shape.POLYGON else flat, total


def _centroid(properties: dict, polygons: list) -> tuple[float, float]:
    given = properties.get("centroid")
    if _is_position(given):
        return float(given[0]), float(given[1])
    outer = max((polygon[0] for polygon in polygons), key=len)
    return (
        sum(p[0] for p in outer) / len(outer),
        sum(p[1] for p in outer) / len(outer),
    )


def read_boundaries(path: str | Path) -> list[dict]:
    """The features of a GeoJSON file; BoundaryImportError when it is not one."""
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BoundaryImportError([_("The file is larger than 64 MB.")])
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, RecursionError) as e:
        raise BoundaryImportError([_("The file is not JSON: %(error)s") % {"error": e}]) from e
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundaryImportError([_("The file is not a GeoJSON FeatureCollection.")])
    features = data.get("features")
    if not isinstance(features, list):
        raise BoundaryImportError([_("The FeatureCollection has no list of features.")])
    return features


def import_boundaries(features: list, *, source: str = "", by=None) -> BoundaryImportResult:
    """Create or replace the boundary of each feature's region, all or nothing."""
    errors, rows, positions = [], {}, 0
    codes = [
        f.get("properties", {}).get("code")
        for f in features
        if isinstance(f, dict) and isinstance(f.get("properties"), dict)
    ]
    regions = Region.objects.in_bulk([c for c in codes if isinstance(c, str)], field_name="code")
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get("code") if isinstance(properties, dict) else None
        where = _("feature %(number)s (%(code)s)") % {"number": number, "code": code or "?"}
        if not isinstance(code, str) or code not in regions:
            errors.append(_("%(where)s: no region has this code.") % {"where": where})
            continue
        if code in rows:
            errors.append(_("%(where)s: the code appears twice.") % {"where": where})
            continue
        shape = _shape(feature.get("geometry"))
        if shape is None:
            errors.append(
                _("%(where)s: the geometry is not a valid Polygon or MultiPolygon.")
                % {"where": where}
            )
            continue
        kind, coordinates, count = shape
        positions += count
        polygons = [coordinates] if kind == Boundary.Shape.POLYGON else coordinates
        lng, lat = _centroid(properties, polygons)
        rows[code] = Boundary(
            region=regions[code],
            shape=kind,
            coordinates=coordinates,
            centroid_lng=lng,
            centroid_lat=lat,
            source=source[:255],
        )
    if positions > MAX_POSITIONS:
        errors.append(
            _("The file has %(count)s positions; at most %(limit)s are accepted.")
            % {"count": f"{positions:,}", "limit": f"{MAX_POSITIONS:,}"}
        )
    if errors:
        raise BoundaryImportError(errors)
    result = BoundaryImportResult()
    with transaction.atomic():
        existing = set(
            Boundary.objects.filter(region__in=[b.region for b in rows.values()]).values_list(
                "region_id", flat=True
            )
        )
        Boundary.objects.filter(region_id__in=existing).delete()
        Boundary.objects.bulk_create(rows.values(), batch_size=200)
        for boundary in rows.values():
            level = boundary.region.level
            result.per_level[level] = result.per_level.get(level, 0) + 1
        result.updated = len(existing)
        result.created = len(rows) - result.updated
        audit.record_many(
            (
                (
                    b,
                    audit.Action.UPDATE if b.region_id in existing else audit.Action.CREATE,
                    {"source": ("", b.source)},
                )
                for b in rows.values()
            ),
            by=by,
            data={"import": "boundaries"},
        )
    return result
