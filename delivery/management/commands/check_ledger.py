from django.core.management.base import BaseCommand, CommandError

from delivery import ledger as pledge_ledger
from programs import commitments
from programs import ledger as need_ledger


class Command(BaseCommand):
    help = (
        "Compare every pledge's delivered and spent totals with its verified reports, every "
        "need's pledged and delivered quantities with its pledges, and every company's "
        "committed programs per pillar with its programs; report each drift and, with --fix, "
        "repair it (pledges first, then the needs above them). Prints nothing at verbosity 0 "
        "when all is well (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="repair what drifted")

    def handle(self, *args, fix: bool, verbosity: int, **options):
        pledges, needs = pledge_ledger.check(), need_ledger.check()
        companies = commitments.check()
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
        for company in companies:
            self.stdout.write(f"company {company}: committed programs per pillar differ")
        drifts = len(pledges) + len(needs) + len(companies)
        if fix and drifts:
            repaired = len(pledge_ledger.repair(pledges))
            repaired += len(need_ledger.repair(need_ledger.check()))
            repaired += commitments.repair(companies)
            self.stdout.write(f"Repaired {repaired} of {drifts} figures.")
            pledges, needs = pledge_ledger.check(), need_ledger.check()
            companies = commitments.check()
        if drifts := len(pledges) + len(needs) + len(companies):
            raise CommandError(f"{drifts} figures disagree with their sources.")
        if verbosity > 0:
            self.stdout.write(
                "Ledger consistent: every pledge, need and company matches its sources."
            )
