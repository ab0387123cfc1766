from django.core.management.base import BaseCommand

from opendata import feeds


class Command(BaseCommand):
    help = (
        "Write every open-data file now (each served region's IATI XML and JSON, and the whole "
        "deployment's): before a national deployment's first visitors, where a feed takes minutes."
    )

    def handle(self, *args, **options):
        for file in feeds.write_all():
            self.stdout.write(f"{file.subject}: {file.size:,} bytes ({file.status})")
