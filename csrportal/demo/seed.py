"""Idempotent demo data for Kota Cilegon; run by `manage.py seed_demo`."""

import random

from django.contrib.auth.models import Group
from django.utils.text import slugify

from accounts.models import User
from companies.models import Company, CompanyVillage, Membership, Ring
from regions.models import Region
from regions.services import import_regions

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
