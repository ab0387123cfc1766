"""What only PostgreSQL can hold; SQLite (development) relies on validation and plain search.

- A composite foreign key makes sure a pledge's need belongs to the pledge's priority (Django
  has no composite foreign keys).
- The inbox's default order, newest submission first (SQLite cannot index NULLS LAST).
- A GIN index for the inbox's full-text search in Indonesian; its expression must stay equal
  to programs.filters.SEARCH_VECTOR for the planner to use it.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE programs_pledge ADD CONSTRAINT pledge_need_in_priority "
    "FOREIGN KEY (need_id, priority_id) REFERENCES planning_need (id, priority_id)",
    "CREATE INDEX program_newest_submitted ON programs_program "
    "(submitted_at DESC NULLS LAST, id DESC)",
    "CREATE INDEX program_search ON programs_program USING gin "
    "(to_tsvector('indonesian'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, '')))",
]
BACKWARD = [
    "DROP INDEX program_search",
    "DROP INDEX program_newest_submitted",
    "ALTER TABLE programs_pledge DROP CONSTRAINT pledge_need_in_priority",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
        ("planning", "0001_initial"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
