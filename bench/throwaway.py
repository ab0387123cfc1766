"""What the benchmarks run on a throwaway test database share (SQLite, or PostgreSQL with
DATABASE_URL=postgres://...): Django set up, and a test database holding the demo's city and
plan, created for the run and destroyed after it. Imported first by the scripts."""

import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csrportal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()


@contextlib.contextmanager
def city_database():
    """A throwaway test database with the demo's regions and plan; yields the plan."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from csrportal.demo.seed import seed_plan, seed_regions
        from planning.models import DevelopmentPlan

        seed_regions()
        seed_plan()
        yield DevelopmentPlan.objects.select_related("city").current()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
