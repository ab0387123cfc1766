"""The households and schools behind Cilegon's rutilahu and classroom needs, for the demo:
obviously fictional names, NIK-shaped numbers with Cilegon's prefix (36.72) that belong to no
one, registered through the import a planner uses (planning.unit_imports). The houses of KP
Sisterhood's Tegal Ratu pledge are taken by it, as its approval would have left them.

Everything else goes through the services a person's click would call."""

import random

from accounts.models import User
from planning.models import DevelopmentPlan, NeedImport
from planning.unit_imports import apply_units, preview_units, protect_table
from programs.models import Pledge, UnitClaim

from . import planning as plan_data
from . import programs as program_data

# The kelurahan whose rutilahu are identified house by house (code, households at most).
HOUSEHOLD_VILLAGES = [
    ("36.72.04.1002", 80),  # Tegal Ratu
    ("36.72.04.1003", 60),  # Kubangsari
    ("36.72.08.1006", 60),  # Samangraya
    ("36.72.03.1004", 50),  # Suralaya
    ("36.72.06.1004", 50),  # Gerem
]
FIRST = ["Ahmad", "Siti", "Budi", "Dewi", "Rudi", "Nur", "Agus", "Rina", "Joko", "Wati"]
CONDITIONS = ["rusak berat", "rusak sedang", "rusak ringan", "baik"]


def fictional_households(rng: random.Random, code: str, count: int, start: int) -> list[list]:
    """`count` register rows (HOUSEHOLD_HEADER) of made-up households of the kelurahan `code`,
    numbered from `start`: NIK-shaped numbers of its kecamatan that belong to no one."""
    kecamatan = code.split(".")[2]
    rows = []
    for number in range(start, start + count):
        # A date of birth (women's day plus 40) and a serial number: unique up to 10,000 rows.
        day, month, year = 1 + number % 28, 1 + number // 28 % 12, 40 + number // 336 % 60
        woman = rng.random() < 0.3
        serial = number % 10_000
        nik = f"3672{kecamatan}{day + (40 if woman else 0):02d}{month:02d}{year:02d}{serial:04d}"
        rows.append(
            [
                nik,
                f"{rng.choice(FIRST)} Fiktif {number:03d}",
                code,
                f"Jl. Contoh No. {number}",
                str(rng.randint(1, 12)),
                str(rng.randint(1, 6)),
                rng.choice([1, 1, 2, 2, 3, 4, 5, 6]),
                rng.choice(CONDITIONS[:3]),
                rng.choice(CONDITIONS),
                rng.choice(CONDITIONS),
                "e-RTLH 2025",
                "30/06/2025",
            ]
        )
    return rows


HOUSEHOLD_HEADER = [
    "NIK",
    "Nama Kepala Keluarga",
    "Kode Kelurahan",
    "Alamat",
    "RT",
    "RW",
    "Desil",
    "Kondisi Atap",
    "Kondisi Dinding",
    "Kondisi Lantai",
    "Sumber",
    "Tanggal Data",
]


def seed_units() -> int:
    """Register the demo's households and schools; returns how many."""
    plan = DevelopmentPlan.objects.current()
    planner = User.objects.get(username="planner")
    rng = random.Random("demo-households")
    rows, start = [], 1
    rutilahu = plan.priorities.get(code="RUTILAHU")
    quantities = dict(rutilahu.needs.values_list("village__code", "quantity"))
    for code, most in HOUSEHOLD_VILLAGES:
        count = min(most, quantities.get(code, 0))
        rows += fictional_households(rng, code, count, start)
        start += count
    made = _register(plan, rutilahu, NeedImport.Kind.HOUSEHOLDS, [HOUSEHOLD_HEADER, *rows], planner)
    schools = [["NPSN", "Nama Sekolah", "Jenjang", "Kode Kelurahan", "Ruang Kelas Rusak"]]
    for number, (code, school, classrooms) in enumerate(plan_data.SCHOOLS, start=1):
        level = "SMP" if school.startswith("SMP") else "SD"
        schools.append([f"2060{number:04d}", school, level, code, classrooms])
    made += _register(
        plan, plan.priorities.get(code="RKB"), NeedImport.Kind.SCHOOLS, schools, planner
    )
    _sisterhood_takes_houses()
    return made


def _register(plan, priority, kind, table, planner) -> int:
    table = protect_table(table, kind, plan.city.code)
    preview = preview_units(plan, priority, kind, table)
    return apply_units(preview, by=planner, data={"demo": True})


def _sisterhood_takes_houses() -> None:
    """KP Sisterhood was approved in January: its Tegal Ratu pledge's ten houses, the poorest
    first, are the ones it took (the state programs.claims.take leaves at an approval), those
    its verified reports delivered marked so."""
    pledge = Pledge.objects.get(
        program__title=program_data.SISTERHOOD["title"], need__external_ref="RUTILAHU-36.72.04.1002"
    )
    units = pledge.need.units.neediest_first()[: pledge.quantity]
    UnitClaim.objects.bulk_create(
        # As many delivered as its verified reports delivered (reported before units were).
        UnitClaim(pledge=pledge, unit=unit, committed=True, delivered=n < pledge.delivered_quantity)
        for n, unit in enumerate(units)
    )
