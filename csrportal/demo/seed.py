"""Idempotent demo data for Kota Cilegon; run by `manage.py seed_demo`."""

import datetime
import random

from django.contrib.auth.models import Group
from django.utils.text import slugify

from accounts.models import User
from companies.models import Company, CompanyVillage, Membership, Ring
from planning.models import DevelopmentPlan, Need, Priority, PriorityYearTarget
from programs.models import Pledge, Program, ProgramTransition
from programs.services import needs_recount_pledged
from regions.models import Region
from regions.services import import_regions

from . import planning as plan_data
from . import programs as program_data
from .companies import BELTS, COMPANIES
from .regions import CILEGON

DEMO_PASSWORD = "demo12345"
DEMO_OFFICER_COMPANY = "PT Krakatau Posco"


def seed_regions():
    return import_regions(enumerate(([code, name] for code, name in CILEGON), start=2))


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
                "sector": sector,
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


def _user(username: str, **fields) -> User:
    user, _created = User.objects.update_or_create(username=username, defaults=fields)
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def seed_users() -> list[tuple[str, str]]:
    _user(
        "admin",
        first_name="Admin",
        last_name="Portal",
        email="admin@example.org",
        is_staff=True,
        is_superuser=True,
    )
    planner = _user("planner", first_name="Nurul", last_name="Hidayah", email="planner@example.org")
    planner.groups.add(Group.objects.get_or_create(name=User.PLANNER_GROUP)[0])
    officer = _user("officer", first_name="Rizky", last_name="Pratama", email="officer@example.org")
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
                "unit": unit,
                "baseline": baseline,
                "target_quantity": target,
                "agency": agency,
                "indicator": indicator,
                "description": description,
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


def _program(
    plan, company, *, title, status, villages, pledges, extra_budget, by, planner, **fields
) -> bool:
    """Create one demo program with its pledges and status history; False if it exists."""
    if Program.objects.filter(company=company, title=title).exists():
        return False
    rng = random.Random(title)
    year = rng.choice([2025, 2026, 2026, 2027])
    start = datetime.date(year, rng.randint(1, 6), 1)
    program = Program.objects.create(
        company=company,
        plan=plan,
        title=title,
        status=Program.Status.DRAFT,
        start_date=start,
        end_date=start.replace(year=year + rng.choice([0, 1]), month=12, day=31),
        budget=sum(p[3] for p in pledges) + extra_budget,
        created_by=by,
        updated_by=by,
        **fields,
    )
    program.villages.set(villages)
    Pledge.objects.bulk_create(
        Pledge(program=program, priority=priority, need=need, quantity=quantity, amount=amount)
        for priority, need, quantity, amount in pledges
    )
    path = {
        "draft": [],
        "submitted": ["submitted"],
        "revision": ["submitted", "revision"],
        "approved": ["submitted", "approved"],
        "rejected": ["submitted", "rejected"],
        "in_progress": ["submitted", "approved", "in_progress"],
        "completed": ["submitted", "approved", "in_progress", "completed"],
        "cancelled": ["submitted", "approved", "cancelled"],
    }[status]
    comments = {
        "revision": "Mohon rincian lokasi rumah dan jadwal pelaksanaan.",
        "rejected": "Tidak selaras dengan prioritas RPJMD tahun ini.",
    }
    for step in path:
        ProgramTransition.objects.create(
            program=program,
            from_status=program.status,
            to_status=step,
            by=by if step == "submitted" else planner,
            comment=comments.get(step, ""),
        )
        program.status = step
    if path:
        program.submitted_at = program.created_at
    program.save()
    return True


def seed_programs() -> int:
    """About three hundred programs; committed pledges never exceed a need's quantity."""
    plan = DevelopmentPlan.objects.current()
    priorities = {p.code: p for p in plan.priorities.all()}
    needs = list(Need.objects.filter(priority__plan=plan).select_related("village", "priority"))
    by_ref = {n.external_ref: n for n in needs}
    left = {n.pk: n.quantity for n in needs}
    for pledge in Pledge.objects.filter(need__in=needs, program__status__in=Program.COMMITTED):
        left[pledge.need_id] -= pledge.quantity
    officer = User.objects.get(username="officer")
    planner = User.objects.get(username="planner")
    villages = {v.code: v for v in Region.objects.villages().within(plan.city)}
    statuses = [s for s, weight in program_data.STATUS_WEIGHTS for _ in range(weight)]
    created = 0

    data = program_data.SISTERHOOD
    sisterhood_pledges = []
    for code, ref, quantity, amount in data["pledges"]:
        need = by_ref[ref]
        quantity = min(quantity, left[need.pk]) if data["status"] in Program.COMMITTED else quantity
        if quantity:
            left[need.pk] -= quantity if data["status"] in Program.COMMITTED else 0
            sisterhood_pledges.append((priorities[code], need, quantity, amount))
    created += _program(
        plan,
        Company.objects.get(name=data["company"]),
        title=data["title"],
        status=data["status"],
        villages=[villages[c] for c in data["villages"]],
        pledges=sisterhood_pledges,
        extra_budget=data["extra_budget"],
        by=officer,
        planner=planner,
        summary=data["summary"],
        description=data["description"],
        pillar=data["pillar"],
        sdgs=data["sdgs"],
        beneficiaries=data["beneficiaries"],
    )

    companies = list(Company.objects.prefetch_related("operating_villages__village"))
    for company in companies:
        ring = [cv.village for cv in company.operating_villages.all()] or list(villages.values())
        for index in range(random.Random(f"programs-{company.name}").choice([2, 3, 3, 4])):
            # One generator per program: an existing program draws the same numbers again.
            rng = random.Random(f"programs-{company.name}-{index}")
            pillar, code, template = rng.choice(program_data.TEMPLATES)
            status = rng.choice(statuses)
            committed = status in Program.COMMITTED
            candidates = [n for n in needs if n.priority.code == code]
            near = [n for n in candidates if n.village in ring] or candidates
            need = rng.choice(near)
            title = (
                template.format(
                    village=need.village.name, school=need.title.removeprefix("Ruang kelas ")
                )
                + f" {2025 + index % 3}"
            )
            quantity = max(1, min(need.quantity // 3, rng.randint(1, 30)))
            if committed:
                quantity = min(quantity, left[need.pk])
                if quantity <= 0:  # fully funded already: this one still awaits review
                    status, committed, quantity = "submitted", False, 1
                left[need.pk] -= quantity if committed else 0
            created += _program(
                plan,
                company,
                title=title,
                status=status,
                villages=[need.village],
                pledges=[(need.priority, need, quantity, quantity * need.estimated_unit_cost)],
                extra_budget=rng.randint(0, 20) * 10_000_000,
                by=officer,
                planner=planner,
                summary=f"Program CSR {company.name} untuk {need.priority.title.lower()}.",
                description=f"{title}. Dilaksanakan bersama kelurahan dan OPD terkait.",
                pillar=pillar,
                beneficiaries=quantity * rng.randint(3, 5),
            )
    needs_recount_pledged(needs)
    return created
