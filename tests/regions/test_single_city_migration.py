"""A database of a single-city deployment (before regions were served) migrates with nothing
lost: its city is served, its planners plan there, its plan, needs and programs stay where
they were, and its old URLs reach the same pages."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("accounts", "0002_alter_user_options"),
    ("regions", "0002_boundaries"),
    ("planning", "0006_references_without_case"),
]


@pytest.mark.django_db(transaction=True)
def test_a_single_city_database_migrates_with_nothing_lost(settings):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region, Group = old.get_model("regions", "Region"), old.get_model("auth", "Group")
    User, Plan = old.get_model("accounts", "User"), old.get_model("planning", "DevelopmentPlan")
    banten = Region.objects.create(code="36", name="Banten", level=1, kind="provinsi")
    cilegon = Region.objects.create(
        code="36.72", name="Kota Cilegon", level=2, kind="kota", parent=banten
    )
    serang = Region.objects.create(
        code="36.04", name="Kabupaten Serang", level=2, kind="kabupaten", parent=banten
    )
    Plan.objects.create(city=cilegon, title="RPJMD Kota Cilegon", first_year=2025, last_year=2029)
    Plan.objects.create(city=serang, title="RPJMD Serang", first_year=2025, last_year=2029)
    planners = Group.objects.create(name="planner")
    nurul = User.objects.create(username="nurul")
    nurul.groups.add(planners)
    User.objects.create(username="officer")

    call_command("migrate", verbosity=0)  # everything, as a deployment's next start does

    from accounts.models import RegionRole
    from accounts.models import User as Now
    from regions.models import ServedRegion

    assert sorted(ServedRegion.objects.values_list("region__code", flat=True)) == [
        "36.04",  # it had a plan: nothing planned is hidden
        "36.72",  # CITY_CODE
    ]
    assert list(RegionRole.objects.values_list("user__username", "region__code", "role")) == [
        ("nurul", "36.72", "planner")
    ]
    assert not Group.objects.filter(name="planner").exists()  # one way to be a planner
    assert Now.objects.get(username="nurul").planned_codes == ["36.72"]
    assert Now.objects.get(username="officer").planned_codes == []
