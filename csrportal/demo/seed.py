"""Demo data for Kota Cilegon, run by `manage.py seed_demo` into an empty database only.

A database that holds any company, plan or program is never touched (see `database_is_empty`);
regions and the demo accounts are created only where their codes and usernames are free.
Dates tell a believable story up to today: each year's programs are submitted around the
synchronisation round before it, decided days later, started and completed on their dates.
"""

import datetime
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from accounts.models import RegionRole, User
from companies.models import Company, CompanyVillage, Membership, Ring
from core.images import reencode_photo
from delivery import ledger as delivery_ledger
from delivery import periods
from delivery.models import Evidence, OutputLine, Report, ReportLine, ReportTransition
from planning.models import DevelopmentPlan, Need, Priority, PriorityYearTarget
from programs import commitments, ledger
from programs.models import (
    Invitation,
    OutputIndicator,
    Pledge,
    Program,
    ProgramOutput,
    ProgramPartner,
    ProgramTransition,
    Round,
)
from regions.boundaries import import_boundaries, read_boundaries
from regions.models import Boundary, Region, ServedRegion
from regions.services import import_regions

from . import planning as plan_data
from . import programs as program_data
from .companies import BELTS, COMPANIES
from .regions import CILEGON

DEMO_PASSWORD = "demo12345"
DEMO_OFFICER_COMPANY = "PT Krakatau Posco"


def database_is_empty() -> bool:
    """No company, plan or program yet: nothing a user made can be touched by the demo."""
    return not (
        Company.objects.exists() or DevelopmentPlan.objects.exists() or Program.objects.exists()
    )


def seed_regions():
    """Cilegon's regions whose codes are not loaded yet (a national import stays as it is)."""
    existing = set(Region.objects.filter(code__startswith="36").values_list("code", flat=True))
    missing = [[code, name] for code, name in CILEGON if code not in existing]
    return import_regions(enumerate(missing, start=2))


BOUNDARIES = Path(__file__).with_name("data") / "36.72-cilegon.geojson"


def seed_boundaries() -> int:
    """Cilegon's outlines (city, kecamatan, kelurahan) for the regions that have none yet."""
    have = set(Boundary.objects.values_list("region__code", flat=True))
    features = [f for f in read_boundaries(BOUNDARIES) if f["properties"]["code"] not in have]
    return len(features) and import_boundaries(features, source=BOUNDARIES.name).created


def _belt_of(code: str) -> list[str]:
    return next((belt for belt in BELTS if code in belt), BELTS[0])


def seed_companies() -> int:
    villages = dict(
        Region.objects.villages().within(Region.objects.get(code="36.72")).values_list("code", "pk")
    )
    by_name = {}
    for index, (name, sector, _parent, ring1) in enumerate(COMPANIES):
        rng = random.Random(name)
        company, _created = Company.objects.update_or_create(
            name=name,
            defaults={
                "slug": slugify(name)[:200],
                "legal_name": name,
                "sector_id": sector,
                "nib": f"{9120000000000 + index * 7919:013d}",
                "address": f"Jl. Industri No. {rng.randint(1, 120)}, Cilegon, Banten",
                "website": f"https://www.{slugify(name.removeprefix('PT '))[:40]}.co.id",
                "email": f"csr@{slugify(name.removeprefix('PT '))[:40]}.co.id",
                "phone": f"(0254) {rng.randint(310000, 399999)}",
                "contact_person": rng.choice(
                    [
                        "Dewi Lestari",
                        "Ahmad Fauzi",
                        "Siti Rahma",
                        "Budi Santoso",
                        "Rina Marlina",
                        "Hendra Wijaya",
                    ]
                ),
            },
        )
        by_name[name] = company
        rings = dict.fromkeys(ring1, Ring.RING_1)
        neighbours = [c for c in _belt_of(ring1[0]) if c not in rings]
        for code in rng.sample(neighbours, min(2, len(neighbours))):
            rings[code] = Ring.RING_2
        others = [c for c in villages if c not in rings]
        for code in rng.sample(others, 2):
            rings[code] = Ring.RING_3
        for code, ring in rings.items():
            CompanyVillage.objects.update_or_create(
                company=company, village_id=villages[code], defaults={"ring": ring}
            )
    for name, _sector, parent, _ring1 in COMPANIES:
        if parent and by_name[name].parent_id != by_name[parent].pk:
            by_name[name].parent = by_name[parent]
            by_name[name].save(update_fields=["parent"])
    return len(by_name)


def demo_user(username: str, password: str = DEMO_PASSWORD, **fields) -> User:
    """The demo account, created with the demo password only if the username is free."""
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def seed_users() -> list[tuple[str, str]]:
    demo_user(
        "admin",
        first_name="Admin",
        last_name="Portal",
        email="admin@example.org",
        is_staff=True,
        is_superuser=True,
    )
    planner = demo_user(
        "planner", first_name="Nurul", last_name="Hidayah", email="planner@example.org"
    )
    RegionRole.objects.get_or_create(
        user=planner,
        region=Region.objects.get(code="36.72"),
        defaults={"role": RegionRole.PLANNER},
    )
    officer = demo_user(
        "officer", first_name="Rizky", last_name="Pratama", email="officer@example.org"
    )
    Membership.objects.get_or_create(
        user=officer,
        company=Company.objects.get(name=DEMO_OFFICER_COMPANY),
        defaults={"job_title": "CSR Officer"},
    )
    return [
        ("admin", "admin (superuser)"),
        ("planner", "planner (Bappedalitbang)"),
        ("officer", f"company officer of {DEMO_OFFICER_COMPANY}"),
    ]


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _rutilahu_per_village(target: int) -> list[int]:
    """Deterministic, uneven counts for every kelurahan that add up to the target."""
    rng = random.Random("rutilahu")
    weights = [rng.randint(10, 90) for _ in plan_data.VILLAGES]
    counts = [max(10, round(target * w / sum(weights))) for w in weights]
    counts[counts.index(max(counts))] += target - sum(counts)
    return counts


def _demo_needs(code: str, target: int) -> list[tuple[str, str, int, str]]:
    """(village code, title, quantity, external reference) of a priority's demo needs."""
    names = dict(plan_data.VILLAGES)
    if code == "RKB":
        return [
            (v, f"Ruang kelas {school}", q, f"RKB-{i:03d}")
            for i, (v, school, q) in enumerate(plan_data.SCHOOLS, start=1)
        ]
    if code == "RUTILAHU":
        quantities = dict(zip(names, _rutilahu_per_village(target), strict=True))
    else:
        codes, (low, high) = plan_data.SPREAD[code]
        rng = random.Random(f"{code}-quantities")
        quantities = {v: rng.randint(low, high) for v in codes}
    title = plan_data.TITLES[code]
    return [(v, title.format(village=names[v]), q, f"{code}-{v}") for v, q in quantities.items()]


def seed_plan() -> tuple[int, int]:
    city = Region.objects.get(code="36.72")
    ServedRegion.objects.get_or_create(
        region=city, defaults={"iati_reference": plan_data.demo_iati_reference(city.code)}
    )
    villages = dict(Region.objects.villages().within(city).values_list("code", "pk"))
    plan, _created = DevelopmentPlan.objects.update_or_create(
        city=city, first_year=plan_data.PLAN["first_year"], defaults=plan_data.PLAN
    )
    needs = 0
    for (
        code,
        title,
        pillar,
        unit,
        baseline,
        target,
        unit_cost,
        agency,
        indicator,
        description,
    ) in plan_data.PRIORITIES:
        priority, _created = Priority.objects.update_or_create(
            plan=plan,
            code=code,
            defaults={
                "title": title,
                "pillar": pillar,
                "unit_id": unit,
                "baseline": baseline,
                "target_quantity": target,
                "agency": agency,
                "indicator": indicator,
                "description": description,
                "dac_sector": plan_data.DAC_SECTORS.get(code, ""),
            },
        )
        for year, quantity in zip(plan.years, _split(target, len(plan.years)), strict=True):
            PriorityYearTarget.objects.update_or_create(
                priority=priority, year=year, defaults={"quantity": quantity}
            )
        rng = random.Random(code)
        for village_code, need_title, quantity, ref in _demo_needs(code, target):
            Need.objects.update_or_create(
                priority=priority,
                external_ref=ref,
                defaults={
                    "village_id": villages[village_code],
                    "title": need_title,
                    "quantity": quantity,
                    "estimated_unit_cost": unit_cost,
                    "source": rng.choice(list(Need.Source.values)),
                },
            )
            needs += 1
    return plan.priorities.count(), needs


@dataclass
class Story:
    """A demo program's life: its period and each change of status with its moment."""

    year: int
    start: datetime.date
    end: datetime.date
    created: datetime.datetime
    steps: list[tuple[str, datetime.datetime]] = field(default_factory=list)


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """Working hours in Cilegon on `day`, never after now."""
    at = datetime.datetime.combine(day, datetime.time(rng.randint(8, 16), rng.randint(0, 59)))
    return min(timezone.make_aware(at), timezone.now() - datetime.timedelta(hours=1))


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


# The year a demo program runs in, by its status, seen from late 2026: last year's programs are
# completed, this year's running (or cancelled, rejected), next year's in review for the round.
YEAR_OF = {
    "completed": [2025],
    "in_progress": [2026],
    "cancelled": [2026],
    "rejected": [2025, 2026],
    "approved": [2027],
    "submitted": [2027],
    "revision": [2027],
    "draft": [2027],
}


def _story(status: str, rng: random.Random) -> Story:
    year = rng.choice(YEAR_OF[status])
    today = timezone.localdate()
    # Submitted around the synchronisation round: September before the year to January.
    window_end = min(datetime.date(year, 1, 31), today - datetime.timedelta(days=25))
    window_start = min(datetime.date(year - 1, 9, 1), window_end)
    submitted_day = window_start + _days(rng, 0, (window_end - window_start).days)
    created = _moment(submitted_day - _days(rng, 3, 30), rng)
    start = datetime.date(year, rng.randint(1, 6), 1)
    end = (
        datetime.date(year, 12, 31)
        if status == "completed" or rng.random() < 0.7
        else (datetime.date(year + 1, 6, 30))
    )
    story = Story(year, start, end, created)
    if status == "draft":
        return story
    submitted = _moment(submitted_day, rng)
    story.steps.append(("submitted", submitted))
    decided = _moment(submitted_day + _days(rng, 2, 20), rng)
    if status in ("revision", "rejected"):
        story.steps.append((status, decided))
    elif status != "submitted":
        story.steps.append(("approved", decided))
        if decided.date() >= start:  # a late approval starts the month after
            story.start = start = (decided.date().replace(day=1) + _days(rng, 31, 31)).replace(
                day=1
            )
        if status == "cancelled":
            story.steps.append(("cancelled", _moment(decided.date() + _days(rng, 30, 150), rng)))
        elif status in ("in_progress", "completed"):
            story.steps.append(("in_progress", _moment(start, rng)))
        if status == "completed":
            story.steps.append(("completed", _moment(end, rng)))
    return story


COMMENTS = {
    "revision": "Mohon rincian lokasi rumah dan jadwal pelaksanaan.",
    "rejected": "Tidak selaras dengan prioritas RPJMD tahun ini.",
    "cancelled": "Lokasi sudah ditangani APBD; program dibatalkan atas kesepakatan bersama.",
}


def _program(
    plan, company, *, title, story, villages, pledges, extra_budget, by, planner, **fields
) -> Program:
    """One demo program with its pledges and its history, dated as `story` says."""
    program = Program.objects.create(
        company=company,
        plan=plan,
        title=title,
        status=story.steps[-1][0] if story.steps else Program.Status.DRAFT,
        start_date=story.start,
        end_date=story.end,
        budget=sum(p[3] for p in pledges) + extra_budget,
        created_by=by,
        updated_by=planner if len(story.steps) > 1 else by,
        **fields,
    )
    program.villages.set(villages)
    Pledge.objects.bulk_create(
        Pledge(program=program, priority=priority, need=need, quantity=quantity, amount=amount)
        for priority, need, quantity, amount in pledges
    )
    before = Program.Status.DRAFT
    for to_status, at in story.steps:
        transition = ProgramTransition.objects.create(
            program=program,
            from_status=before,
            to_status=to_status,
            by=by if to_status == "submitted" else planner,
            comment=COMMENTS.get(to_status, ""),
        )
        ProgramTransition.objects.filter(pk=transition.pk).update(at=at)
        before = to_status
    Program.objects.filter(pk=program.pk).update(
        created_at=story.created,
        updated_at=story.steps[-1][1] if story.steps else story.created,
        submitted_at=story.steps[0][1] if story.steps else None,
    )
    return program


def seed_indicators() -> None:
    OutputIndicator.objects.bulk_create(
        OutputIndicator(name=name, unit=unit) for name, unit in program_data.INDICATORS
    )


def _told_program(data, plan, priorities, by_ref, left, villages, officer, planner) -> Program:
    """A program of the seed stories, told whole: pledges toward the plan, its own outputs
    where they are, its partners, its dated history."""
    rng = random.Random(data["title"])
    pledges = []
    for code, ref, quantity, amount in data["pledges"]:
        need = by_ref[ref]
        quantity = min(quantity, left[need.pk])
        left[need.pk] -= quantity
        pledges.append((priorities[code], need, quantity, amount))
    moments = [(status, timezone.make_aware(at)) for status, at in data["steps"]]
    start = moments[0][1] - _days(rng, 3, 12)
    program = _program(
        plan,
        Company.objects.get(name=data["company"]),
        title=data["title"],
        story=Story(data["start"].year, data["start"], data["end"], start, moments),
        villages=[villages[c] for c in data["villages"]],
        pledges=pledges,
        extra_budget=data["extra_budget"],
        by=officer,
        planner=planner,
        summary=data["summary"],
        description=data["description"],
        pillar=data["pillar"],
        sdgs=data["sdgs"],
        beneficiaries=data["beneficiaries"],
    )
    indicators = {i.name: i for i in OutputIndicator.objects.all()}
    for name, target, village, site, latitude, longitude in data["outputs"]:
        ProgramOutput.objects.create(
            program=program,
            indicator=indicators[name],
            target_quantity=target,
            village=villages[village] if village else None,
            site=site,
            latitude=latitude,
            longitude=longitude,
        )
    for kind, company, name, role in data["partners"]:
        ProgramPartner.objects.create(
            program=program,
            kind=kind,
            company=Company.objects.get(name=company) if company else None,
            name=name,
            role=role,
        )
    return program


def seed_programs() -> int:
    """About three hundred programs; committed pledges never exceed a need's quantity."""
    plan = DevelopmentPlan.objects.current()
    priorities = {p.code: p for p in plan.priorities.all()}
    needs = list(Need.objects.filter(priority__plan=plan).select_related("village", "priority"))
    by_ref = {n.external_ref: n for n in needs}
    left = {n.pk: n.quantity for n in needs}
    officer = User.objects.get(username="officer")
    planner = User.objects.get(username="planner")
    villages = {v.code: v for v in Region.objects.villages().within(plan.city)}
    statuses = [s for s, weight in program_data.STATUS_WEIGHTS for _ in range(weight)]
    created = 0

    for data in (program_data.SISTERHOOD, program_data.BUSINESS_GROUPS):
        _told_program(data, plan, priorities, by_ref, left, villages, officer, planner)
        created += 1

    companies = list(Company.objects.prefetch_related("operating_villages__village"))
    for company in companies:
        ring = [cv.village for cv in company.operating_villages.all()] or list(villages.values())
        for index in range(random.Random(f"programs-{company.name}").choice([2, 3, 3, 4])):
            rng = random.Random(f"programs-{company.name}-{index}")
            pillar, code, template = rng.choice(program_data.TEMPLATES)
            status = rng.choice(statuses)
            candidates = [n for n in needs if n.priority.code == code]
            near = [n for n in candidates if n.village in ring] or candidates
            need = rng.choice(near)
            quantity = max(1, min(need.quantity // 3, rng.randint(1, 30)))
            if status in Program.COMMITTED:
                quantity = min(quantity, left[need.pk])
                if quantity <= 0:  # fully funded already: this one still awaits review
                    status, quantity = "submitted", 1
                left[need.pk] -= quantity if status in Program.COMMITTED else 0
            story = _story(status, rng)
            title = template.format(
                village=need.village.name, school=need.title.removeprefix("Ruang kelas ")
            )
            program = _program(
                plan,
                company,
                title=f"{title} {story.year}",
                story=story,
                villages=[need.village],
                pledges=[(need.priority, need, quantity, quantity * need.estimated_unit_cost)],
                extra_budget=rng.randint(0, 20) * 10_000_000,
                by=officer,
                planner=planner,
                summary=f"Program CSR {company.name} untuk {need.priority.title.lower()}.",
                description=f"{title}. Dilaksanakan bersama kelurahan dan OPD terkait.",
                pillar=pillar,
                beneficiaries=quantity * rng.randint(3, 5),
                sdgs=program_data.SDGS.get(code, []),
            )
            if created % 5 and code in program_data.PARTNERS:
                kind, name, role = program_data.PARTNERS[code]
                program.partners.create(
                    kind=kind, name=name.format(village=need.village.name), role=role
                )
            created += 1
    return created


def seed_rounds() -> int:
    """The 2026 round, held on 23 December 2025 and closed, and the open 2027 round: every
    company invited, each demo program in its year's round (drafts of 2027 too)."""
    plan = DevelopmentPlan.objects.current()
    planner = User.objects.get(username="planner")
    companies = list(Company.objects.values_list("pk", flat=True))
    held = [
        (2026, datetime.date(2025, 12, 12), datetime.date(2025, 12, 23), True),
        (2027, datetime.date(2026, 12, 15), datetime.date(2026, 12, 22), False),
    ]
    for year, deadline, meeting, closed in held:
        if year not in plan.years:
            continue
        round = Round.objects.create(
            plan=plan,
            year=year,
            title=f"Sinkronisasi CSR {year}",
            deadline=deadline,
            meeting_date=meeting,
            opened_by=planner,
            status=Round.Status.CLOSED if closed else Round.Status.OPEN,
            closed_at=timezone.make_aware(datetime.datetime.combine(meeting, datetime.time(16)))
            if closed
            else None,
        )
        Invitation.objects.bulk_create(Invitation(round=round, company_id=pk) for pk in companies)
        in_year = Program.objects.filter(plan=plan, start_date__year=year)
        if closed:
            in_year = in_year.exclude(status=Program.Status.DRAFT)
        in_year.update(round=round)
    return Round.objects.count()


def _photo(colour: str):
    """A small demo photo, re-encoded as every uploaded photo is (core.images)."""
    buffer = io.BytesIO()
    Image.new("RGB", (640, 420), colour).save(buffer, "PNG")
    buffer.seek(0)
    return reencode_photo(buffer)


def seed_delivery() -> int:
    """Quarterly reports of the running and completed programs up to the last finished
    quarter: most verified, some submitted or returned, some not filed (late); completed
    programs delivered in full. Then every counter is recounted from the reports."""
    today = timezone.localdate()
    officer = User.objects.get(username="officer")
    planner = User.objects.get(username="planner")
    told = {program_data.SISTERHOOD["title"], program_data.BUSINESS_GROUPS["title"]}
    programs = Program.objects.filter(
        status__in=[Program.Status.IN_PROGRESS, Program.Status.COMPLETED]
    ).prefetch_related("pledges", "outputs")
    reports = 0
    for program in programs.order_by("pk"):
        rng = random.Random(f"reports-{program.pk}")
        finished = [
            q for q in periods.quarters(program.start_date, program.end_date) if q.end < today
        ]
        if not finished:
            continue
        total = len(periods.quarters(program.start_date, program.end_date))
        completed = program.status == Program.Status.COMPLETED
        for index, quarter in enumerate(finished):
            last = index == len(finished) - 1
            status = Report.Status.VERIFIED
            if last and not completed:
                status = rng.choice(["verified", "submitted", "submitted", "returned", None])
            if status is None:
                continue  # not filed: late
            start = max(quarter.start, program.start_date)
            end = min(quarter.end, program.end_date)
            report = Report.objects.create(
                program=program,
                period_start=start,
                period_end=end,
                status=status,
                narrative=rng.choice(program_data.REPORT_NARRATIVES),
                beneficiaries=(program.beneficiaries or 0) // total,
                final=completed and last,
                created_by=officer,
            )
            ReportLine.objects.bulk_create(
                ReportLine(
                    report=report,
                    pledge=pledge,
                    quantity=_share(pledge.quantity, index, total, completed and last),
                    amount=_share(pledge.amount, index, total, completed and last),
                )
                for pledge in program.pledges.all()
            )
            OutputLine.objects.bulk_create(
                OutputLine(
                    report=report,
                    output=output,
                    quantity=_share(output.target_quantity, index, total, completed and last),
                )
                for output in program.outputs.all()
            )
            if program.title in told and status == Report.Status.VERIFIED:
                image, thumbnail = _photo(rng.choice(["#2e7d32", "#1565c0", "#ef6c00"]))
                Evidence.objects.create(
                    report=report,
                    file=image,
                    image=image,
                    thumbnail=thumbnail,
                    original_name=f"dokumentasi-{quarter.key}.jpg",
                    content_type="image/jpeg",
                    size=image.size,
                    caption=f"Dokumentasi kegiatan {quarter}",
                    uploaded_by=officer,
                )
            _report_history(report, quarter, status, officer, planner, rng)
            reports += 1
    delivery_ledger.repair(delivery_ledger.check())
    ledger.repair(ledger.check())
    commitments.repair(commitments.check())
    return reports


def _share(total: int, index: int, quarters: int, last: bool) -> int:
    """The part of `total` delivered in the `index`-th of `quarters` quarters; the last of a
    completed program delivers what remains."""
    if last:
        return total - (total // quarters) * index
    return total // quarters


def _report_history(report, quarter, status, officer, planner, rng) -> None:
    submitted = _moment(quarter.due - _days(rng, -6, 12), rng)
    steps = [("draft", "submitted", officer, "", submitted)]
    if status == Report.Status.RETURNED:
        steps.append(
            (
                "submitted",
                "returned",
                planner,
                program_data.RETURN_COMMENT,
                submitted + _days(rng, 2, 9),
            )
        )
    elif status == Report.Status.VERIFIED:
        steps.append(("submitted", "verified", planner, "", submitted + _days(rng, 2, 12)))
    for before, after, by, comment, at in steps:
        transition = ReportTransition.objects.create(
            report=report, from_status=before, to_status=after, by=by, comment=comment
        )
        ReportTransition.objects.filter(pk=transition.pk).update(at=min(at, timezone.now()))
    Report.objects.filter(pk=report.pk).update(
        submitted_at=min(submitted, timezone.now()), created_at=min(submitted, timezone.now())
    )
