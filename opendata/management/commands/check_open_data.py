import contextlib
import itertools
import tempfile
from pathlib import Path
from xml.etree import ElementTree as ET

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from lxml import etree

from core.models import PreparedFile
from opendata import feeds, iati, rules

SCHEMA = Path(iati.__file__).with_name("schema") / "iati-activities-schema.xsd"


class Command(BaseCommand):
    help = (
        "Check a region's IATI activities (or every served region's) against the official 2.03 "
        "schema and the Standard's rules (opendata.rules), as they would be published now or "
        "as the newest file served holds them; fails when one breaks any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "region", nargs="?", default=feeds.ALL, help="a region's code; default: every region"
        )
        parser.add_argument(
            "--stored", action="store_true", help="check the newest file served, not a new one"
        )
        parser.add_argument("--limit", type=int, help="check the first LIMIT activities only")

    def handle(self, *args, **options):
        schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
        invalid, seen = [], [0]

        def activities(file):
            """Each activity as it is read, checked against the schema in a document of its
            own, then dropped: flat memory whatever the file's size."""
            root = None
            for event, element in ET.iterparse(file, events=("start", "end")):
                if root is None:
                    root = element
                if event != "end" or element.tag != "iati-activity":
                    continue
                seen[0] += 1
                alone = etree.fromstring(
                    f'<iati-activities version="{iati.VERSION}">'.encode()
                    + ET.tostring(element)
                    + b"</iati-activities>"
                )
                if not schema.validate(alone):
                    identifier = element.findtext("iati-identifier", "")
                    invalid.append(f"{identifier}: schema: {schema.error_log.last_error.message}")
                yield element
                root.remove(element)

        with self.feed(options["region"], options["stored"]) as file:
            found = rules.problems(itertools.islice(activities(file), options["limit"]))
        if not seen[0] and options["region"] != feeds.ALL:
            raise CommandError(
                f"{options['region']} publishes no activity: no current plan, no committed "
                'program, or no IATI organisation identifier (README, "Open data").'
            )
        for problem in invalid + found:
            self.stdout.write(problem)
        if invalid or found:
            raise CommandError(f"{len(invalid) + len(found)} problems in {seen[0]:,} activities.")
        self.stdout.write(f"{seen[0]:,} activities: the schema and every rule hold.")

    @contextlib.contextmanager
    def feed(self, scope: str, stored: bool):
        if stored:
            newest = (
                PreparedFile.objects.filter(
                    subject=feeds.subject(scope, "xml"), status=PreparedFile.Status.READY
                )
                .order_by("-finished_at")
                .first()
            )
            if newest is None:
                raise CommandError(f"No open-data file of {scope} is written yet.")
            with newest.file.open("rb") as file:
                yield file
            return
        with tempfile.TemporaryFile() as file, translation.override("id"):
            iati.write(feeds.plans(scope), file, "xml")
            file.seek(0)
            yield file
