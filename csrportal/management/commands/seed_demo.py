from django.core.management.base import BaseCommand
from django.db import transaction

from csrportal.demo import seed


class Command(BaseCommand):
    help = "Load Kota Cilegon's demo data and demo users (idempotent: safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            regions = seed.seed_regions()
            companies = seed.seed_companies()
            priorities, needs = seed.seed_plan()
            users = seed.seed_users()
            programs = seed.seed_programs()
        self.stdout.write(
            f"Regions: {regions.created} created, {regions.updated} updated, "
            f"{regions.unchanged} unchanged. Companies: {companies}. "
            f"Plan: {priorities} priorities, {needs} needs. Programs created: {programs}."
        )
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password: {seed.DEMO_PASSWORD}):"))
        for username, role in users:
            self.stdout.write(f"  {username:<8} {role}")
