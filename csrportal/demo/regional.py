"""The demo beyond Cilegon: one deployment serving several regions.

- Kota Balikpapan and Kabupaten Penajam Paser Utara (Kalimantan Timur), across the bay from
  each other: PT Kilang Pertamina Internasional Unit Balikpapan has ring-1 villages in both;
  its programs Wasiat (health), Kenari (food security) and Kampung Inggris run in Penajam
  (a 2023-2027 horizon), a new one waits for Balikpapan's planners.
- Kabupaten Batang (Jawa Tengah): PT Bhimasena Power Indonesia's 153 business groups (KUB,
  2,305 members) with a microfinance institution, village libraries, and pupils from
  Ujungnegoro, Karanggeneng and Ponowareng.
- Every province and regency of Indonesia (simplified outlines) for the overview maps.

Programs go through the portal's own services (submitted by the company's officer, approved
by the region's planner), so every counter is what the ledger would say.
"""

import datetime
from pathlib import Path

from accounts.models import RegionRole, User
from companies.models import Company, CompanyVillage, Membership, Ring
from planning.models import DevelopmentPlan, Need, Pillar, Priority
from programs import workflow
from programs.models import Pledge, Program
from regions.boundaries import import_boundaries, read_boundaries
from regions.models import Boundary, Region, ServedRegion
from regions.services import import_regions

from . import planning as plan_data
from .seed import demo_user

DATA = Path(__file__).with_name("data")
COUNTRY = [DATA / "indonesia-provinces.geojson", DATA / "indonesia-regencies.geojson"]
# Kalimantan Selatan is missing from the provinces' source file; its regencies are not.
PROVINCES_MISSING = {"63": "Kalimantan Selatan"}
REGIONS = {
    "64.71": DATA / "64.71-balikpapan.geojson",
    "64.09": DATA / "64.09-penajam-paser-utara.geojson",
    "33.25": DATA / "33.25-batang.geojson",
}

# code: plan title, [(priority code, title, pillar, unit, target, unit cost, [(village, qty)])]
PLANS = {
    "64.71": (
        "RPJMD Kota Balikpapan 2025-2029",
        [
            (
                "RTLH",
                "Rumah tidak layak huni",
                Pillar.INFRASTRUCTURE,
                "house",
                400,
                25_000_000,
                [("64.71.02.1001", 12), ("64.71.02.1002", 9), ("64.71.01.1001", 7)],
            ),
            (
                "STUNTING",
                "Penurunan stunting",
                Pillar.HEALTH,
                "child",
                900,
                1_500_000,
                [("64.71.02.1001", 60), ("64.71.01.1001", 45)],
            ),
        ],
    ),
    "64.09": (
        "RPJMD Kabupaten Penajam Paser Utara 2023-2027",
        [
            (
                "KESEHATAN",
                "Kesehatan ibu dan anak",
                Pillar.HEALTH,
                "person",
                1200,
                750_000,
                [("64.09.01.1001", 150), ("64.09.01.2020", 120)],
            ),
            (
                "PANGAN",
                "Ketahanan pangan keluarga",
                Pillar.ECONOMY,
                "household",
                500,
                3_000_000,
                [("64.09.01.1001", 60), ("64.09.01.2020", 40)],
            ),
            (
                "BAHASA",
                "Kecakapan bahasa Inggris pemuda",
                Pillar.EDUCATION,
                "person",
                600,
                2_000_000,
                [("64.09.01.1001", 80)],
            ),
        ],
    ),
    "33.25": (
        "RPJMD Kabupaten Batang 2025-2029",
        [
            (
                "KUB",
                "Kelompok usaha bersama",
                Pillar.ECONOMY,
                "group",
                300,
                10_000_000,
                [("33.25.13.2010", 60), ("33.25.13.2011", 50), ("33.25.10.2020", 43)],
            ),
            (
                "PERPUSDES",
                "Perpustakaan desa",
                Pillar.EDUCATION,
                "facility",
                40,
                60_000_000,
                [("33.25.13.2010", 1), ("33.25.13.2011", 1), ("33.25.10.2020", 1)],
            ),
            (
                "BEASISWA",
                "Beasiswa pelajar",
                Pillar.EDUCATION,
                "child",
                800,
                3_000_000,
                [("33.25.13.2010", 40), ("33.25.13.2011", 35), ("33.25.10.2020", 25)],
            ),
        ],
    ),
}

KPI = "PT Kilang Pertamina Internasional Unit Balikpapan"
BPI = "PT Bhimasena Power Indonesia"
COMPANIES = [
    # name, slug, sector, ring-1 villages
    (
        KPI,
        "pt-kpi-unit-balikpapan",
        "oil_gas",
        ["64.71.02.1001", "64.71.02.1002", "64.09.01.1001", "64.09.01.2020"],
    ),
    (
        BPI,
        "pt-bhimasena-power-indonesia",
        "energy_utilities",
        ["33.25.13.2010", "33.25.13.2011", "33.25.10.2020"],
    ),
]

# company, region, title, description, start, end, budget, [(priority, village, qty)], decided
PROGRAMS = [
    (
        KPI,
        "64.09",
        "Wasiat: kesehatan ibu dan anak",
        "Kelas ibu hamil, posyandu dan pemantauan gizi balita bersama puskesmas Penajam.",
        (2023, 3, 1),
        (2027, 12, 31),
        450_000_000,
        [("KESEHATAN", "64.09.01.1001", 120), ("KESEHATAN", "64.09.01.2020", 80)],
        True,
    ),
    (
        KPI,
        "64.09",
        "Kenari: ketahanan pangan keluarga",
        "Kebun gizi keluarga dan kelompok tani hortikultura; disusun dalam FGD bersama "
        "pemangku kepentingan kabupaten.",
        (2023, 6, 1),
        (2027, 12, 31),
        300_000_000,
        [("PANGAN", "64.09.01.1001", 50), ("PANGAN", "64.09.01.2020", 30)],
        True,
    ),
    (
        KPI,
        "64.09",
        "Kampung Inggris Penajam",
        "Kursus bahasa Inggris bagi pemuda desa dengan pengajar relawan.",
        (2024, 1, 15),
        (2027, 12, 31),
        150_000_000,
        [("BAHASA", "64.09.01.1001", 60)],
        True,
    ),
    (
        KPI,
        "64.71",
        "Bedah rumah ring 1 Balikpapan Barat",
        "Perbaikan atap, dinding dan lantai rumah tidak layak huni di kelurahan ring 1.",
        (2026, 2, 1),
        (2026, 12, 31),
        400_000_000,
        [("RTLH", "64.71.02.1001", 8), ("RTLH", "64.71.02.1002", 6)],
        False,
    ),
    (
        BPI,
        "33.25",
        "KUB dan lembaga keuangan mikro",
        "153 kelompok usaha bersama dengan 2.305 anggota, didampingi lembaga keuangan mikro.",
        (2025, 1, 1),
        (2027, 12, 31),
        1_200_000_000,
        [("KUB", "33.25.13.2010", 55), ("KUB", "33.25.13.2011", 50), ("KUB", "33.25.10.2020", 43)],
        True,
    ),
    (
        BPI,
        "33.25",
        "Perpustakaan desa",
        "Perpustakaan di balai desa Ujungnegoro, Karanggeneng dan Ponowareng.",
        (2025, 7, 1),
        (2026, 6, 30),
        180_000_000,
        [
            ("PERPUSDES", "33.25.13.2010", 1),
            ("PERPUSDES", "33.25.13.2011", 1),
            ("PERPUSDES", "33.25.10.2020", 1),
        ],
        True,
    ),
    (
        BPI,
        "33.25",
        "Beasiswa pelajar Ujungnegoro, Karanggeneng dan Ponowareng",
        "Beasiswa sekolah menengah bagi pelajar dari tiga desa ring 1.",
        (2026, 1, 1),
        (2026, 12, 31),
        270_000_000,
        [
            ("BEASISWA", "33.25.13.2010", 35),
            ("BEASISWA", "33.25.13.2011", 30),
            ("BEASISWA", "33.25.10.2020", 25),
        ],
        False,
    ),
]


def seed_country() -> int:
    """Every province and regency not loaded yet, with its simplified outline."""
    features = [f for path in COUNTRY for f in read_boundaries(path)]
    rows = {f["properties"]["code"]: f["properties"]["name"] for f in features}
    for code, name in PROVINCES_MISSING.items():
        rows.setdefault(code, name)
    return _load(rows, features)


def seed_regions() -> int:
    """The kecamatan and villages of the demo's other regions, with their outlines."""
    features = [f for path in REGIONS.values() for f in read_boundaries(path)]
    return _load({f["properties"]["code"]: f["properties"]["name"] for f in features}, features)


def _load(rows: dict[str, str], features: list[dict]) -> int:
    existing = set(Region.objects.filter(code__in=rows).values_list("code", flat=True))
    missing = sorted(([code, name] for code, name in rows.items() if code not in existing))
    import_regions(enumerate(missing, start=2))
    have = set(Boundary.objects.values_list("region__code", flat=True))
    new = [f for f in features if f["properties"]["code"] not in have]
    return len(new) and import_boundaries(new, source="demo").created


def seed_plans() -> int:
    needs = 0
    for code, (title, priorities) in PLANS.items():
        city = Region.objects.get(code=code)
        ServedRegion.objects.get_or_create(
            region=city, defaults={"iati_reference": plan_data.demo_iati_reference(code)}
        )
        first = int(title[-9:-5])
        plan, _created = DevelopmentPlan.objects.update_or_create(
            city=city, first_year=first, defaults={"title": title, "last_year": first + 4}
        )
        for ref, name, pillar, unit, target, cost, places in priorities:
            priority, _created = Priority.objects.update_or_create(
                plan=plan,
                code=ref,
                defaults={
                    "title": name,
                    "pillar": pillar,
                    "unit_id": unit,
                    "target_quantity": target,
                    "indicator": name,
                    "agency": "Bappeda",
                    "dac_sector": plan_data.DAC_SECTORS.get(ref, ""),
                },
            )
            for village_code, quantity in places:
                village = Region.objects.get(code=village_code)
                Need.objects.get_or_create(
                    priority=priority,
                    village=village,
                    title=f"{name} {village.name}",
                    defaults={
                        "quantity": quantity,
                        "estimated_unit_cost": cost,
                        "external_ref": f"{ref}-{village_code}",
                    },
                )
                needs += 1
    return needs


PLANNERS = {"64.71": "planner-bpn", "64.09": "planner-ppu", "33.25": "planner-batang"}
OFFICERS = {KPI: "officer-kpi", BPI: "officer-bpi"}


def seed_users(password: str) -> list[tuple[str, str]]:
    for code, name in (
        ("64.71", ("Andi", "Saputra")),
        ("64.09", ("Siti", "Rahmawati")),
        ("33.25", ("Bambang", "Wibowo")),
    ):
        user = demo_user(PLANNERS[code], password, first_name=name[0], last_name=name[1])
        RegionRole.objects.get_or_create(
            user=user, region=Region.objects.get(code=code), defaults={"role": RegionRole.PLANNER}
        )
    kaltim = demo_user("planner-kaltim", password, first_name="Dewi", last_name="Lestari")
    RegionRole.objects.get_or_create(
        user=kaltim, region=Region.objects.get(code="64"), defaults={"role": RegionRole.READER}
    )
    for company, username, name in ((KPI, "officer-kpi", "Rahmat"), (BPI, "officer-bpi", "Wulan")):
        officer = demo_user(username, password, first_name=name, last_name="CSR")
        Membership.objects.get_or_create(
            user=officer,
            company=Company.objects.get(name=company),
            defaults={"job_title": "CSR Officer"},
        )
    return [
        ("planner-bpn", "planner of Kota Balikpapan"),
        ("planner-ppu", "planner of Kabupaten Penajam Paser Utara"),
        ("planner-batang", "planner of Kabupaten Batang"),
        ("planner-kaltim", "province planner of Kalimantan Timur (reads, decides nothing)"),
        ("officer-kpi", f"company officer of {KPI} (Balikpapan and Penajam)"),
        ("officer-bpi", f"company officer of {BPI} (Batang)"),
    ]


def seed_companies() -> int:
    for name, slug, sector, villages in COMPANIES:
        company, _created = Company.objects.get_or_create(
            slug=slug, defaults={"name": name, "legal_name": name, "sector_id": sector}
        )
        for code in villages:
            CompanyVillage.objects.get_or_create(
                company=company,
                village=Region.objects.get(code=code),
                defaults={"ring": Ring.RING_1},
            )
    return len(COMPANIES)


def seed_programs() -> int:
    """Each program filed by the company's officer under its region's plan and, when the
    story says so, approved by that region's planner."""
    planners = {code: User.objects.get(username=name) for code, name in PLANNERS.items()}
    officers = {company: User.objects.get(username=name) for company, name in OFFICERS.items()}
    made = 0
    for company, code, title, text, start, end, budget, pledges, decided in PROGRAMS:
        plan = DevelopmentPlan.objects.current(city=Region.objects.get(code=code))
        officer = officers[company]
        program = Program.objects.create(
            company=Company.objects.get(name=company),
            plan=plan,
            title=title,
            summary=text,
            description=text,
            pillar=Priority.objects.get(plan=plan, code=pledges[0][0]).pillar,
            beneficiaries=sum(quantity for _ref, _village, quantity in pledges),
            start_date=datetime.date(*start),
            end_date=datetime.date(*end),
            budget=budget,
            created_by=officer,
            updated_by=officer,
        )
        villages, total = set(), 0
        for ref, village_code, quantity in pledges:
            need = Need.objects.get(
                priority__plan=plan, priority__code=ref, village__code=village_code
            )
            Pledge.objects.create(
                program=program,
                priority=need.priority,
                need=need,
                quantity=quantity,
                amount=quantity * need.estimated_unit_cost,
            )
            villages.add(need.village)
            total += quantity * need.estimated_unit_cost
        program.villages.set(villages)
        if total > program.budget:  # the budget covers the pledges
            Program.objects.filter(pk=program.pk).update(budget=total)
        workflow.program_submit(program=program, by=officer)
        if decided:
            workflow.program_approve(program=program, by=planners[code])
        made += 1
    return made
