from django.core.management.base import BaseCommand, CommandError

from delivery import ledger as pledge_ledger
from programs import ledger as need_ledger


class Command(BaseCommand):
    help = (
        "Compare every pledge's delivered and spent totals with its verified reports, and every "
        "need's pledged and delivered quantities with its pledges; report each drift and, with "
        "--fix, repair it (pledges first, then the needs above them). Prints nothing at "
        "verbosity 0 when all is well (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="repair what drifted")

    def handle(self, *args, fix: bool, verbosity: int, **options):
        pledges, needs = pledge_ledger.check(), need_ledger.check()
        for drift in pledges:
            self.stdout.write(
                f"pledge {drift.pledge.pk} of program {drift.pledge.program_id}: {drift.field} "
                f"stored {drift.stored}, verified reports {drift.counted}"
            )
        for drift in needs:
            what = " over-allocated, cancel or revise a program" if drift.overallocated else ""
            self.stdout.write(
                f"need {drift.need.pk} ({drift.need.title}): {drift.field} stored "
                f"{drift.stored}, pledges {drift.counted}, quantity {drift.need.quantity}{what}"
            )
        if fix and (pledges or needs):
            repaired = pledge_ledger.repair(pledges)
            repaired += need_ledger.repair(need_ledger.check())
            self.stdout.write(f"Repaired {len(repaired)} of {len(pledges) + len(needs)} figures.")
            pledges, needs = pledge_ledger.check(), need_ledger.check()
        if pledges or needs:
            raise CommandError(f"{len(pledges) + len(needs)} figures disagree with their sources.")
        if verbosity > 0:
            self.stdout.write("Ledger consistent: every pledge and need matches its sources.")
