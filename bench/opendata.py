"""Benchmark: writing the IATI open-data files (opendata.iati.write) for 2,000 and then 20,000
committed programs, each with a kelurahan, a partner and an output: seconds, file size, and the
peak Python memory while writing (tracemalloc, on a second write) — flat when the activities are
written one at a time, whatever their number.

Runs on a throwaway test database (SQLite, or PostgreSQL with DATABASE_URL=postgres://...):
    make bench-opendata          # or: DATABASE_URL=postgres://... make bench-opendata
"""

import datetime
import tempfile
import time
import tracemalloc

from django.db import connection
from throwaway import city_database  # sets Django up before any model is imported

SIZES = (2_000, 20_000)


def seed(plan, company, villages, indicator, upto: int) -> None:
    """Top the plan up to `upto` approved programs, each in a kelurahan with a partner and an
    output."""
    from programs.models import Program, ProgramOutput, ProgramPartner

    have = Program.objects.count()
    programs = Program.objects.bulk_create(
        Program(
            company=company,
            plan=plan,
            title=f"Program terbuka {i}",
            summary="Ringkasan program untuk data terbuka",
            pillar="infrastructure",
            status=Program.Status.APPROVED,
            budget=1_000_000 * (i + 1),
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 12, 31),
        )
        for i in range(have, upto)
    )
    through = Program.villages.through
    through.objects.bulk_create(
        through(program_id=p.pk, region_id=villages[i % len(villages)].pk)
        for i, p in enumerate(programs)
    )
    ProgramPartner.objects.bulk_create(
        ProgramPartner(program=p, kind="community", name="KSM Uji", role="Pelaksana")
        for p in programs
    )
    ProgramOutput.objects.bulk_create(
        ProgramOutput(program=p, indicator=indicator, target_quantity=5) for p in programs
    )


def write(plan, fmt: str) -> tuple[float, float, int]:
    """Seconds (without tracemalloc, which slows Python several times), then the peak Python
    memory of a second write, and the file's size."""
    from django.utils import translation

    from opendata import iati

    with tempfile.TemporaryFile() as file, translation.override("id"):
        started = time.perf_counter()
        iati.write([plan], file, fmt)
        seconds = time.perf_counter() - started
        size = file.tell()
    with tempfile.TemporaryFile() as file, translation.override("id"):
        tracemalloc.start()
        iati.write([plan], file, fmt)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, peak, size


def main():
    with city_database() as plan:
        from companies.models import Company
        from programs.models import OutputIndicator
        from regions.models import Region

        company = Company.objects.create(name="PT Uji", slug="pt-uji", sector_id="logistics")
        villages = list(Region.objects.villages().within(plan.city))
        indicator = OutputIndicator.objects.create(name="Rumah dibedah", unit="rumah")
        print(f"\n{connection.vendor}; IATI files written activity by activity")
        print("| activities | format | seconds | ms per activity | peak MiB | MiB written |")
        print("|---:|---|---:|---:|---:|---:|")
        for size in SIZES:
            seed(plan, company, villages, indicator, size)
            for fmt in ("xml", "json"):
                seconds, peak, written = write(plan, fmt)
                print(
                    f"| {size:,} | {fmt} | {seconds:.1f} | {1000 * seconds / size:.2f} "
                    f"| {peak:.1f} | {written / 2**20:.1f} |"
                )


if __name__ == "__main__":
    main()
