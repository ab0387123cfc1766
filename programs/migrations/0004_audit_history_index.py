"""PostgreSQL only: a program's history page finds the audit entries of its pledges and files
by the program id they carry in their data (core.audit.history); this index makes that an
index lookup instead of a scan of the whole audit trail."""

from django.db import migrations

from core.db import postgresql_only

FORWARD = [
    "CREATE INDEX audit_entry_program ON auditlog_logentry ((additional_data -> 'program'))"
]
BACKWARD = ["DROP INDEX audit_entry_program"]


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_verbose_names"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [postgresql_only(FORWARD, BACKWARD)]
