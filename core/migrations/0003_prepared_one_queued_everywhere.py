"""The partial unique constraint "prepared_one_queued" was added to 0001 after it had been
committed: a database migrated in between lacks it. This creates it where it is missing (the
same index Django makes for the constraint) and changes nothing elsewhere."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_shared_cache_state")]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS prepared_one_queued "
            "ON core_preparedfile (subject) WHERE status = 'queued'",
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
