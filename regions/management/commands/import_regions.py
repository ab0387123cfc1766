import time

from django.core.management.base import BaseCommand, CommandError

from regions.models import Region
from regions.services import RegionImportError, import_regions, read_region_csv

MAX_ERRORS_SHOWN = 100


class Command(BaseCommand):
    help = "Import or update regions from a Kepmendagri CSV (columns kode,nama)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file, e.g. wilayah_kepmendagri_2025.csv")

    def handle(self, *args, path, **options):
        started = time.monotonic()
        try:
            result = import_regions(read_region_csv(path))
        except OSError as e:
            raise CommandError(f"Cannot read {path}: {e}") from e
        except RegionImportError as e:
            for error in e.errors[:MAX_ERRORS_SHOWN]:
                self.stderr.write(str(error))
            if len(e.errors) > MAX_ERRORS_SHOWN:
                self.stderr.write(f"... and {len(e.errors) - MAX_ERRORS_SHOWN} more")
            raise CommandError(
                f"{len(e.errors)} invalid rows in {path}; nothing was imported."
            ) from e
        seconds = time.monotonic() - started
        counts = ", ".join(
            f"{Region.Level(level).label.lower()}: {n}" for level, n in result.per_level.items()
        )
        self.stdout.write(f"Read {sum(result.per_level.values())} regions ({counts}).")
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {result.created}, updated {result.updated}, "
                    f"unchanged {result.unchanged} in {seconds:.1f} s."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Nothing to change: all {result.unchanged} regions are up to date "
                    f"({seconds:.1f} s)."
                )
            )
