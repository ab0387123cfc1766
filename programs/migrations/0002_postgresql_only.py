"""What only PostgreSQL can hold; SQLite (development) relies on validation and plain search.

- A composite foreign key makes sure a pledge's need belongs to the pledge's priority (Django
  has no composite foreign keys).
- The inbox's default order, newest submission first (SQLite cannot index NULLS LAST).
- The inbox's full-text search in Indonesian: a stored, generated `search_vector` column (the
  model does not know it; PostgreSQL fills it on every write) with a GIN index. Searching
  reads the stored vector instead of computing it for every row scanned.
"""

from django.db import migrations

from core.db import postgresql_only

FORWARD = [
    "ALTER TABLE programs_pledge ADD CONSTRAINT pledge_need_in_priority "
    "FOREIGN KEY (need_id, priority_id) REFERENCES planning_need (id, priority_id)",
    "CREATE INDEX program_newest_submitted ON programs_program "
    "(submitted_at DESC NULLS LAST, id DESC)",
    "ALTER TABLE programs_program ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('indonesian'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, ''))) "
    "STORED",
    "CREATE INDEX program_search ON programs_program USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX program_search",
    "ALTER TABLE programs_program DROP COLUMN search_vector",
    "DROP INDEX program_newest_submitted",
    "ALTER TABLE programs_pledge DROP CONSTRAINT pledge_need_in_priority",
]


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
        ("planning", "0001_initial"),
    ]

    operations = [postgresql_only(FORWARD, BACKWARD)]
