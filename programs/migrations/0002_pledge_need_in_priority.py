"""On PostgreSQL, a composite foreign key makes sure a pledge's need belongs to its priority.

Django has no composite foreign keys; SQLite cannot add one to an existing table, so there the
model and form validation stand alone (tests check both).
"""

from django.db import migrations

CONSTRAINT = "pledge_need_in_priority"


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE programs_pledge ADD CONSTRAINT {CONSTRAINT} "
            "FOREIGN KEY (need_id, priority_id) REFERENCES planning_need (id, priority_id)"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE programs_pledge DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
        ("planning", "0001_initial"),
    ]

    operations = [migrations.RunPython(add, remove, elidable=False)]
