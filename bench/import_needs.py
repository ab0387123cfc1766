"""Benchmark: preview and import a 5,000-row needs workbook, then preview it again; the same
for a 5,000-household register (its NIKs hashed at upload, every household matched on the
second upload); and how fast, and with how little memory, hostile workbooks (zip bombs) are
refused.

Runs on a throwaway test database (SQLite, or PostgreSQL with DATABASE_URL=postgres://...):
    make bench-import            # or: DATABASE_URL=postgres://... make bench-import
"""

import io
import os
import random
import time

from django.db import connection
from openpyxl import Workbook
from throwaway import city_database  # sets Django up before any model is imported

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


def household_workbook(plan) -> bytes:
    """A register of ROWS made-up households in Cilegon's kelurahan, as e-RTLH exports it."""
    from csrportal.demo.units import HOUSEHOLD_HEADER, fictional_households

    needs = plan.priorities.get(code="RUTILAHU").needs
    villages = list(needs.values_list("village__code", flat=True))
    rng = random.Random(2)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HOUSEHOLD_HEADER)
    for number in range(ROWS):
        sheet.append(*fictional_households(rng, rng.choice(villages), 1, number))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def households(plan, user, read_table) -> list:
    """Upload (read, hash, preview), confirm, upload again: seconds a step."""
    from planning.models import NeedImport
    from planning.unit_imports import apply_units, preview_units, protect_table

    kind, priority = NeedImport.Kind.HOUSEHOLDS, plan.priorities.get(code="RUTILAHU")
    data, results = household_workbook(plan), []

    def upload():
        table = protect_table(read_table(data, "rtlh.xlsx"), kind, plan.city.code)
        return preview_units(plan, priority, kind, table)

    preview = timed("households: upload + preview", results, upload)
    assert not preview.errors, preview.errors[:3]
    created = timed("households: import", results, lambda: apply_units(preview, by=user, data={}))
    again = timed("households: upload again", results, upload)
    assert created == ROWS and again.as_json()["counts"]["matched"] == ROWS
    return results


def timed(label, results, fn):
    started = time.perf_counter()
    value = fn()
    results.append((label, time.perf_counter() - started))
    return value


def bombs():
    """Each hostile workbook: its size, the time to refuse (or read) it, the peak memory."""
    import tracemalloc

    from core.spreadsheets import SpreadsheetError
    from core.spreadsheets import read_table as read_spreadsheet
    from tests.core.test_spreadsheets import (
        dimension_bomb,
        inflation_bomb,
        row_number_bomb,
        wide_rows_bomb,
    )

    print(
        f"\n| {'hostile workbook':<34} | {'KiB':>6} | {'seconds':>7} | {'peak MiB':>8} | outcome |"
    )
    print(f"|{'-' * 36}|{'-' * 8}|{'-' * 9}|{'-' * 10}|---|")
    for label, build in [
        ("dimension A1:XFD20000 (2 rows)", dimension_bomb),
        ("row numbered 1,048,576", row_number_bomb),
        ("sheet unpacking to 48 MB", inflation_bomb),
        ("60 rows of 16,384 cells", wide_rows_bomb),
    ]:
        data = build()
        tracemalloc.start()
        started = time.perf_counter()
        try:
            rows = read_spreadsheet(data, "bomb.xlsx", max_rows=20_000)
            outcome = f"read, {len(rows)} rows"
        except SpreadsheetError:
            outcome = "refused"
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(
            f"| {label:<34} | {len(data) / 1024:6.0f} | {seconds:7.3f} | {peak:8.1f} | {outcome} |"
        )


def main():
    with city_database() as plan:
        from accounts.models import User
        from core.spreadsheets import read_table as read_spreadsheet
        from planning.imports import MAX_ROWS, apply_needs, preview_needs

        def read_table(data, name):
            return read_spreadsheet(data, name, max_rows=MAX_ROWS)

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
        results += households(plan, user, read_table)
        print(f"\n{ROWS:,} rows, {len(data) / 1024:.0f} KiB, {connection.vendor}")
        print(f"| {'step':<30} | {'seconds':>7} |")
        print(f"|{'-' * 32}|{'-' * 9}|")
        for label, seconds in results:
            print(f"| {label:<30} | {seconds:7.2f} |")
        bombs()


if __name__ == "__main__":
    main()
