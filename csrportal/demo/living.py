"""Programs that live, for the demo: KP Sisterhood amended once running (the parks' sites, a
later end), a pledge steered by the planners toward a kelurahan CSR has left behind, City
Cleaning reported outside the plan, and the companies' strategic plans and consultations
(PT KPI's Renstra 2023-2027 with its FGD in Penajam Paser Utara, BPI's KUB under its plan).

Everything goes through the services a person's click would call."""

import datetime

from django.db.models import F

from accounts.models import User
from companies.models import Company
from planning.models import DevelopmentPlan, Need
from programs import amendments, claims, matching, workflow
from programs.models import (
    Amendment,
    Consultation,
    OutputIndicator,
    PlanBudget,
    Pledge,
    Program,
    ProgramOutput,
    StrategicPlan,
)
from regions.models import Region

from . import programs as program_data
from .regional import BPI, KPI, OFFICERS

PPU = "64.09"  # Kabupaten Penajam Paser Utara

# The parks' sites, placed for the demo inside the program's kelurahan (an officer enters the
# surveyed points): (site, kelurahan code, latitude, longitude).
PARKS = [
    ("Taman Geger Cilegon", "36.72.04.1002", "-6.02468", "105.98038"),
    ("Taman Layak Anak", "36.72.04.1003", "-6.01469", "105.98903"),
]


def seed_living_programs() -> int:
    """What the demo tells of programs that change; returns how many changes it made."""
    planner = User.objects.get(username="planner")
    officer = User.objects.get(username="officer")
    made = _amend_sisterhood(officer, planner)
    made += _steer(officer, planner)
    _city_cleaning(officer, planner)
    _strategies()
    return made


def _amend_sisterhood(officer, planner) -> int:
    program = Program.objects.get(title=program_data.SISTERHOOD["title"])
    base = amendments.snapshot(program)
    sites = {site: (code, lat, lng) for site, code, lat, lng in PARKS}
    villages = {r.code: r.pk for r in Region.objects.filter(code__in=[p[1] for p in PARKS])}
    outputs = []
    for row in base["outputs"]:
        found = sites.get(row["site"])
        if found:
            code, latitude, longitude = found
            row = {**row, "village": villages[code], "latitude": latitude, "longitude": longitude}
        outputs.append(row)
    proposed = {
        **base,
        "fields": {**base["fields"], "end_date": "2027-03-31"},
        "outputs": outputs,
    }
    amendment = amendments.amendment_propose(
        program=program,
        proposed=proposed,
        reason="Titik kedua taman sudah diukur bersama kelurahan; pemasangan panel surya di "
        "Taman Layak Anak bergeser, program selesai Maret 2027.",
        by=officer,
    )
    amendments.amendment_approve(
        amendment=amendment, by=planner, comment="Disetujui. Laporkan pemasangan per taman."
    )
    return 1


def _steer(officer, planner) -> int:
    """A new KP program pledging ten houses in Samangraya: the planner proposes four of them
    for a left-behind kelurahan, the company accepts. And a proposal still waiting on another
    company's program under review."""
    plan = DevelopmentPlan.objects.current()
    left = matching.left_behind(plan)
    rutilahu = plan.priorities.get(code="RUTILAHU")
    behind = (
        Need.objects.filter(priority=rutilahu, status=Need.Status.OPEN)
        .with_gap()
        .filter(village__in=[village for village, priority in left if priority == rutilahu.pk])
        .order_by(F("pledged_quantity") - F("quantity"), "pk")
    )
    target = behind.first()
    samangraya = Need.objects.get(external_ref="RUTILAHU-36.72.08.1006")
    if target is None or samangraya.gap < 10:
        return 0
    program = Program.objects.create(
        company=Company.objects.get(name=program_data.SISTERHOOD["company"]),
        plan=plan,
        title="Bedah rumah Samangraya 2027",
        summary="Sepuluh rumah tidak layak huni di Kelurahan Samangraya.",
        description="Perbaikan atap, dinding dan lantai bersama Pemerintah Kelurahan Samangraya.",
        pillar="infrastructure",
        start_date=datetime.date(2027, 2, 1),
        end_date=datetime.date(2027, 11, 30),
        budget=10 * samangraya.estimated_unit_cost,
        beneficiaries=40,
        created_by=officer,
        updated_by=officer,
    )
    program.villages.set([samangraya.village])
    pledge = Pledge.objects.create(
        program=program,
        priority=rutilahu,
        need=samangraya,
        quantity=10,
        amount=10 * samangraya.estimated_unit_cost,
    )
    # Six houses picked, the poorest first (the four steered elsewhere are not identified yet).
    claims.claims_set(pledge=pledge, unit_ids=claims.proposed(pledge)[:6], by=officer)
    workflow.program_submit(program=program, by=officer)
    proposal = amendments.amendment_steer(
        program=program,
        pledge_id=pledge.pk,
        moves=[(samangraya, 6), (target, 4)],
        reason=f"Kelurahan {target.village.name} belum tersentuh CSR untuk rutilahu; usul empat "
        "rumah dialihkan ke sana.",
        by=planner,
    )
    amendments.amendment_approve(amendment=proposal, by=officer, comment="Setuju, kami tambahkan.")
    waiting = (
        Program.objects.filter(
            plan=plan, status=Program.Status.SUBMITTED, pledges__priority=rutilahu
        )
        .exclude(pk=program.pk)
        .exclude(amendments__status=Amendment.Status.PROPOSED)
        .order_by("pk")
        .first()
    )
    if waiting is not None:
        line = waiting.pledges.filter(priority=rutilahu).order_by("pk").first()
        other = behind.exclude(pk=line.need_id).first()
        if other is not None:
            moves = [(other, line.quantity)]
            amendments.amendment_steer(
                program=waiting,
                pledge_id=line.pk,
                moves=moves,
                reason=f"Usul dialihkan ke Kelurahan {other.village.name}, yang belum tersentuh CSR.",
                by=planner,
            )
    return 2


def _city_cleaning(officer, planner) -> None:
    """CSR outside the plan's priorities, reported by its outputs (Perda: all CSR counts)."""
    plan = DevelopmentPlan.objects.current()
    program = Program.objects.create(
        company=Company.objects.get(name=program_data.SISTERHOOD["company"]),
        plan=plan,
        title="Cilegon City Cleaning 2026",
        summary="Aksi bersih kota bersama 300 relawan karyawan dan warga.",
        description="Bersih-bersih jalan protokol, saluran dan taman kota, empat kali setahun.",
        pillar="environment",
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 12, 31),
        budget=150_000_000,
        beneficiaries=5000,
        created_by=officer,
        updated_by=officer,
    )
    program.villages.set(Region.objects.filter(code__in=["36.72.04.1002", "36.72.04.1003"]))
    ProgramOutput.objects.create(
        program=program,
        indicator=OutputIndicator.objects.get(name="Relawan aksi bersih kota"),
        target_quantity=300,
    )
    workflow.program_submit(program=program, by=officer)
    workflow.program_approve(program=program, by=planner)


def _strategies() -> None:
    kpi, bpi = Company.objects.get(name=KPI), Company.objects.get(name=BPI)
    renstra = StrategicPlan.objects.create(
        company=kpi,
        title="Rencana Strategis CSR 2023-2027",
        first_year=2023,
        last_year=2027,
        goals="Kesehatan ibu dan anak, ketahanan pangan keluarga dan pendidikan pemuda di desa "
        "dan kelurahan ring 1 Balikpapan dan Penajam Paser Utara.",
        created_by=User.objects.get(username=OFFICERS[KPI]),
    )
    renstra.villages.set(
        Region.objects.filter(
            code__in=["64.71.02.1001", "64.71.02.1002", "64.09.01.1001", "64.09.01.2020"]
        )
    )
    for year, amount in zip(range(2023, 2028), (700, 800, 900, 950, 1_000), strict=True):
        PlanBudget.objects.create(plan=renstra, year=year, amount=amount * 1_000_000)
    Program.objects.filter(company=kpi).update(strategic_plan=renstra)
    fgd = Consultation.objects.create(
        company=kpi,
        plan=renstra,
        kind=Consultation.Kind.FGD,
        held_on=datetime.date(2023, 2, 14),
        village_government=6,
        community_groups=9,
        women=11,
        youth=7,
        # Obviously fictional names: personal data is never on public pages.
        participant_names="Contoh Peserta Satu (Pemdes), Contoh Peserta Dua (PKK), "
        "Contoh Peserta Tiga (Karang Taruna)",
        topics="Gizi balita dan kelas ibu hamil; kebun gizi keluarga; kursus bahasa Inggris "
        "bagi pemuda desa.",
        agreements="Program Wasiat dan Kenari dimulai 2023 bersama puskesmas dan kelompok tani; "
        "Kampung Inggris menyusul 2024.",
        created_by=User.objects.get(username=OFFICERS[KPI]),
    )
    fgd.villages.set(Region.objects.filter(code__in=["64.09.01.1001", "64.09.01.2020"]))
    fgd.programs.set(Program.objects.filter(company=kpi, plan__city__code=PPU))

    plan = StrategicPlan.objects.create(
        company=bpi,
        title="Rencana Induk Pengembangan Masyarakat 2025-2029",
        first_year=2025,
        last_year=2029,
        goals="Ekonomi desa ring 1 PLTU Batang: kelompok usaha bersama, keuangan mikro, literasi.",
        created_by=User.objects.get(username=OFFICERS[BPI]),
    )
    plan.villages.set(
        Region.objects.filter(code__in=["33.25.13.2010", "33.25.13.2011", "33.25.10.2020"])
    )
    Program.objects.filter(company=bpi, title="KUB dan lembaga keuangan mikro").update(
        strategic_plan=plan
    )
    mapping = Consultation.objects.create(
        company=bpi,
        plan=plan,
        kind=Consultation.Kind.SOCIAL_MAPPING,
        held_on=datetime.date(2024, 10, 8),
        village_government=3,
        community_groups=12,
        women=8,
        topics="Usaha warga desa ring 1 dan kebutuhan modal kelompok.",
        agreements="153 KUB didampingi; satu lembaga keuangan mikro dibentuk.",
        created_by=User.objects.get(username=OFFICERS[BPI]),
    )
    mapping.villages.set(plan.villages.all())
    mapping.programs.set(
        Program.objects.filter(company=bpi, title="KUB dan lembaga keuangan mikro")
    )
