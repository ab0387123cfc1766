import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import tenancy
from core.mail import send_on_commit
from delivery import duties
from delivery.models import Reminder, Report
from planning import services as planning_services
from programs.models import Program
from programs.notifications import planner_emails
from regions.models import ServedRegion


class Command(BaseCommand):
    help = (
        "For a daily cron job: email the officers of each running program whose report for the "
        "last finished quarter is missing (once when due, once more when late), and the planners "
        "a digest of what waits for them (once a day). Running it again sends nothing twice. "
        "It also drops the cells of household files previewed a day ago and never imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, today=None, **options):
        planning_services.forget_household_cells()
        today = today or timezone.localdate()
        quarter, programs = duties.missing_last_quarter(today)
        stage = "late" if today > quarter.due else "due"
        reminded = 0
        programs = programs.select_related("plan__city")
        for program in programs.prefetch_related("company__memberships__user"):
            for membership in program.company.memberships.all():
                user = membership.user
                if not (user.is_active and user.email):
                    continue
                key = f"{program.pk}:{quarter.key}:{stage}"
                context = {"program": program, "quarter": quarter, "late": stage == "late"}
                with tenancy.serving(program.plan.city.code):  # its links lead to its region
                    reminded += self.once(
                        Reminder.Kind.REPORT_DUE, user, key, "report_due", context
                    )
        digested = 0
        User = get_user_model()
        for served in ServedRegion.objects.filter(is_active=True).select_related("region"):
            region = served.region
            with tenancy.serving(region.code):  # the digest's links lead into the region
                waiting = {
                    "programs": Program.objects.in_region()
                    .filter(status=Program.Status.SUBMITTED)
                    .count(),
                    "reports": Report.objects.in_region()
                    .filter(status=Report.Status.SUBMITTED)
                    .count(),
                    "region": region.name,
                }
                if not (waiting["programs"] or waiting["reports"]):
                    continue
                emails = planner_emails(region.pk)
                for user in User.objects.filter(email__in=emails, is_active=True):
                    key = f"{today.isoformat()}:{region.code}"
                    digested += self.once(Reminder.Kind.DIGEST, user, key, "digest", waiting)
        self.stdout.write(
            f"{quarter.key} ({stage}): {reminded} reminders to officers, {digested} digests to "
            "planners."
        )

    @staticmethod
    def once(kind: str, user, key: str, template: str, context: dict) -> int:
        """Send the mail unless it was sent before (the row is the proof): 1 if sent."""
        try:
            with transaction.atomic():
                Reminder.objects.create(kind=kind, user=user, key=key)
                send_on_commit(f"delivery/email/{template}.txt", context, [user.email])
        except IntegrityError:
            return 0
        return 1
