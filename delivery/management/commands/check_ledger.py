from django.core.management.base import BaseCommand, CommandError

from delivery import ledger as pledge_ledger
from programs import commitments
from programs import ledger as need_ledger

# In the order they are repaired: the pledges first, then the needs counted from them.
LEDGERS = [pledge_ledger, need_ledger, commitments]


class Command(BaseCommand):
    help = (
        "Compare every pledge's delivered and spent totals with its verified reports, every "
        "need's pledged and delivered quantities with its pledges, and every company's "
        "committed programs per pillar with its programs (core.ledger); report each drift "
        "and, with --fix, repair it (pledges first, then the needs above them). Prints "
        "nothing at verbosity 0 when all is well (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="repair what drifted")

    def handle(self, *args, fix: bool, verbosity: int, **options):
        drifts = [drift for ledger in LEDGERS for drift in ledger.check()]
        for drift in drifts:
            self.stdout.write(drift.line)
        if fix and drifts:
            # Each ledger is checked again just before its repair: the pledges repaired
            # first change what the needs count.
            repaired = sum(len(ledger.repair(ledger.check())) for ledger in LEDGERS)
            self.stdout.write(f"Repaired {repaired} of {len(drifts)} figures.")
            drifts = [drift for ledger in LEDGERS for drift in ledger.check()]
        if drifts:
            raise CommandError(f"{len(drifts)} figures disagree with their sources.")
        if verbosity > 0:
            self.stdout.write(
                "Ledger consistent: every pledge, need and company matches its sources."
            )
