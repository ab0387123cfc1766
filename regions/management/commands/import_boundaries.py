from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from regions.boundaries import BoundaryImportError, import_boundaries, read_boundaries
from regions.models import Region

MAX_ERRORS_SHOWN = 100


class Command(BaseCommand):
    help = (
        "Import or replace region boundaries from a GeoJSON FeatureCollection whose features "
        "carry properties.code (Kepmendagri); import the regions first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="GeoJSON file, e.g. 36.72-cilegon.geojson")
        parser.add_argument(
            "--source", default="", help="where the boundaries come from (kept with each one)"
        )

    def handle(self, *args, path, source, **options):
        try:
            result = import_boundaries(read_boundaries(path), source=source or Path(path).name)
        except OSError as e:
            raise CommandError(f"Cannot read {path}: {e}") from e
        except BoundaryImportError as e:
            for error in e.errors[:MAX_ERRORS_SHOWN]:
                self.stderr.write(str(error))
            if len(e.errors) > MAX_ERRORS_SHOWN:
                self.stderr.write(f"... and {len(e.errors) - MAX_ERRORS_SHOWN} more")
            raise CommandError(f"{len(e.errors)} errors in {path}; nothing was imported.") from e
        counts = ", ".join(
            f"{Region.Level(level).label.lower()}: {n}"
            for level, n in sorted(result.per_level.items())
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Boundaries created {result.created}, replaced {result.updated} ({counts})."
            )
        )
