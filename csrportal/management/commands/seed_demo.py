from auditlog.context import disable_auditlog
from django.core.management.base import BaseCommand
from django.db import transaction

from csrportal.demo import living, regional, seed
from csrportal.demo import units as demo_units


class Command(BaseCommand):
    help = (
        "Load the demo (Kota Cilegon; Balikpapan, Penajam Paser Utara and Batang beside it) and "
        "its users into an empty database. A database that holds any company, plan or program "
        "is left exactly as it is."
    )

    def handle(self, *args, **options):
        if not seed.database_is_empty():
            self.stdout.write(
                "The database already holds companies, plans or programs: the demo is loaded "
                "only into an empty database, so nothing was changed."
            )
            return
        # Demo rows are not changes made by a person: they stay out of the audit trail.
        with transaction.atomic(), disable_auditlog():
            regions = seed.seed_regions()
            boundaries = seed.seed_boundaries()
            companies = seed.seed_companies()
            priorities, needs = seed.seed_plan()
            users = seed.seed_users()
            seed.seed_indicators()
            programs = seed.seed_programs()
            reports = seed.seed_delivery()
            rounds = seed.seed_rounds()
            outlines = regional.seed_country() + regional.seed_regions()
            regional.seed_companies()
            regional_needs = regional.seed_plans()
            users += regional.seed_users(seed.DEMO_PASSWORD)
            regional_programs = regional.seed_programs()
            units = demo_units.seed_units()
            changes = living.seed_living_programs()
        self.stdout.write(
            f"Regions: {regions.created} created, {boundaries} boundaries. Companies: {companies}. "
            f"Plan: {priorities} priorities, {needs} needs. Programs: {programs}, with "
            f"{reports} realization reports. Synchronisation rounds: {rounds}. Other regions "
            f"(Balikpapan, Penajam Paser Utara, Batang; every province and regency outlined): "
            f"{outlines} outlines, {regional_needs} needs, {regional_programs} programs. "
            f"Changes to running programs and steered pledges: {changes}; strategic plans and "
            f"consultations of PT KPI and PT BPI. Households and schools identified: {units}."
        )
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password: {seed.DEMO_PASSWORD}):"))
        for username, role in users:
            self.stdout.write(f"  {username:<14} {role}")
