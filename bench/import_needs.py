"""Benchmark: preview and import a 5,000-row needs workbook, then preview it again.

Runs on a throwaway test database (SQLite, or PostgreSQL with DATABASE_URL=postgres://...):
    make bench-import            # or: DATABASE_URL=postgres://... make bench-import
"""

import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csrportal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from openpyxl import Workbook  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))


def workbook(plan) -> bytes:
    from planning.imports import COLUMNS
    from regions.models import Region

    villages = list(Region.objects.villages().within(plan.city).values_list("code", "name"))
    codes = list(plan.priorities.values_list("code", flat=True))
    rng = random.Random(1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([str(h) for _n, h, _a in COLUMNS])
    for i in range(ROWS):
        code, name = rng.choice(villages)
        sheet.append(
            [
                rng.choice(codes),
                code if i % 2 else name,
                f"Kebutuhan uji {i}",
                rng.randint(1, 50),
                rng.randint(1, 300) * 1_000_000,
                "Musrenbang",
                f"BENCH-{i:05d}",
                "Baris benchmark",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(label, results, fn):
    started = time.perf_counter()
    value = fn()
    results.append((label, time.perf_counter() - started))
    return value


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.models import User
        from csrportal.demo.seed import seed_plan, seed_regions
        from planning.imports import apply_needs, preview_needs, read_table
        from planning.models import DevelopmentPlan

        seed_regions()
        seed_plan()
        plan = DevelopmentPlan.objects.current()
        user = User.objects.create(username="bench")
        data = workbook(plan)
        results = []
        table = timed("read .xlsx", results, lambda: read_table(data, "bench.xlsx"))
        preview = timed("preview (dry run)", results, lambda: preview_needs(plan, table))
        assert not preview.errors, preview.errors[:3]
        created, _updated = timed(
            "import (one transaction)", results, lambda: apply_needs(preview, by=user)
        )
        again = timed(
            "re-read + preview again",
            results,
            lambda: preview_needs(plan, read_table(data, "bench.xlsx")),
        )
        assert again.unchanged_count == ROWS and created == ROWS
        print(f"\n{ROWS:,} rows, {len(data) / 1024:.0f} KiB, {connection.vendor}")
        print(f"| {'step':<26} | {'seconds':>7} |")
        print(f"|{'-' * 28}|{'-' * 9}|")
        for label, seconds in results:
            print(f"| {label:<26} | {seconds:7.2f} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
