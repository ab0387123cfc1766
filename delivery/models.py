"""After the approval: what each program reports it delivered, period by period, and what a
planner verified. Only verified quantities count as delivered (programs.Pledge and
planning.Need keep the verified totals, moved by delivery.services under lock)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core import permissions, tenancy
from core.db import ChoiceLabels
from core.limits import MAX_PEOPLE, MAX_QUANTITY, MAX_RUPIAH
from core.models import StoredFile, Transition
from core.uploads import random_upload_name
from planning.models import InRegionQuerySet, TargetUnit
from programs.models import Pledge, Program, ProgramOutput, UnitClaim

from . import periods


class ReportQuerySet(InRegionQuerySet, models.QuerySet):
    plan_path = "program__plan_id"

    def visible_to(self, user):
        """Officers see their companies' reports; planners and admins every report that was
        submitted (drafts stay with the company, as programs' drafts do)."""
        if not user.is_authenticated:
            return self.none()
        own = permissions.of_own_companies(user, "program__company")
        if permissions.sees_all_companies(user):
            return self.in_region().filter(own | ~Q(status=Report.Status.DRAFT))
        return self.in_region().filter(own)

    def editable_by(self, user):
        """permissions.can_edit_report, as a query (in the request's region)."""
        if not user.is_authenticated:
            return self.none()
        own = permissions.of_own_companies(user, "program__company")
        return self.in_region().filter(own, status__in=Report.EDITABLE)

    def for_list(self):
        return self.select_related("program__company").order_by("-period_end", "-pk")


class Report(ChoiceLabels, models.Model):
    """A realization report (laporan realisasi): what a program delivered in a period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        VERIFIED = "verified", _("Verified")

    EDITABLE = [Status.DRAFT, Status.RETURNED]

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="reports"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    beneficiaries = models.PositiveIntegerField(
        _("beneficiaries reached"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PEOPLE)],
    )
    women = models.PositiveIntegerField(
        _("of whom women"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    men = models.PositiveIntegerField(
        _("of whom men"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    children = models.PositiveIntegerField(
        _("of whom children"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    narrative = models.TextField(_("what was done"), blank=True)
    final = models.BooleanField(
        _("final report"),
        default=False,
        help_text=_("The program's last report; explain any pledge not delivered in full."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["program", "period_start"]
        verbose_name = _("realization report")
        verbose_name_plural = _("realization reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="report_period_in_order",
                violation_error_message=_("The period must end after it starts."),
            ),
            models.UniqueConstraint(
                fields=["program", "period_start"],
                name="report_one_per_period_start",
                violation_error_message=_("This program already has a report for this period."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="report_status_submitted"),
            models.Index(fields=["program", "period_end"], name="report_program_period"),
            # The reports list, newest period first, read in index order: no sort of every
            # report (at national scale PostgreSQL sorted 100,000 wide rows on disk per page).
            models.Index(fields=["-period_end", "-id"], name="report_newest_period"),
        ]

    def __str__(self):
        return f"{self.program} · {self.period_label}"

    def get_absolute_url(self):
        """In the report's region when its program is at hand (no query for a link); else the
        request's, where every page listing reports lists its own."""
        program = self.program if type(self).program.is_cached(self) else None
        code = program.region_code if program else None
        return tenancy.reverse_in(code, "delivery:detail", [self.pk])

    @property
    def region_code(self) -> str:
        """The code of the regency or city of the report's program."""
        return self.program.region_code

    def get_additional_data(self) -> dict:
        return {"program": self.program_id}

    @property
    def period_label(self) -> str:
        return periods.label(self.period_start, self.period_end)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def clean(self):
        errors = {}
        if self.period_start and self.period_end:
            if self.period_end < self.period_start:
                errors["period_end"] = _("The period must end after it starts.")
            elif self.period_start > datetime.date.today():
                errors["period_start"] = _("A report covers a period that has begun.")
            program = self.program if self.program_id else None
            if (
                program
                and program.start_date
                and program.end_date
                and (self.period_start < program.start_date or self.period_end > program.end_date)
            ):
                errors["period_start"] = _(
                    "The period must lie within the program's (%(start)s to %(end)s)."
                ) % {
                    "start": formats.date_format(program.start_date),
                    "end": formats.date_format(program.end_date),
                }
            elif program and self.overlapping().exists():
                errors["period_start"] = _("Another report of this program covers these dates.")
        people = [self.women, self.men]
        if self.beneficiaries is not None and sum(p or 0 for p in people) > self.beneficiaries:
            errors["women"] = _("Women and men together cannot be more than those reached.")
        if errors:
            raise ValidationError(errors)

    def overlapping(self):
        return Report.objects.filter(
            program=self.program_id,
            period_start__lte=self.period_end,
            period_end__gte=self.period_start,
        ).exclude(pk=self.pk)


class ReportLine(models.Model):
    """Per pledge: what was delivered and spent in the report's period."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="lines"
    )
    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="report_lines"
    )
    quantity = models.PositiveIntegerField(
        _("delivered in the period"), default=0, validators=[MaxValueValidator(MAX_QUANTITY)]
    )
    amount = models.PositiveBigIntegerField(
        _("spent in the period (Rp)"), default=0, validators=[MaxValueValidator(MAX_RUPIAH)]
    )

    class Meta:
        ordering = ["report", "pledge"]
        verbose_name = _("delivery line")
        verbose_name_plural = _("delivery lines")
        constraints = [
            models.UniqueConstraint(fields=["report", "pledge"], name="report_line_unique"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.pledge}"

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the report's and the program's histories show it."""
        return {"program": self.pledge.program_id, "report": self.report_id}


class OutputLine(models.Model):
    """Per output: how much of it the period produced."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="output_lines"
    )
    output = models.ForeignKey(
        ProgramOutput,
        verbose_name=_("output"),
        on_delete=models.PROTECT,
        related_name="report_lines",
    )
    quantity = models.PositiveIntegerField(
        _("achieved in the period"), default=0, validators=[MaxValueValidator(MAX_PEOPLE)]
    )

    class Meta:
        ordering = ["report", "output"]
        verbose_name = _("output line")
        verbose_name_plural = _("output lines")
        constraints = [
            models.UniqueConstraint(fields=["report", "output"], name="output_line_unique"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.output.indicator}"

    def get_additional_data(self) -> dict:
        return {"program": self.output.program_id, "report": self.report_id}


def _evidence_path(instance, filename: str) -> str:
    """Named by migration 0001; the files are now named by core.models."""
    return random_upload_name("evidence", filename)


class Evidence(StoredFile):
    """A photo or a document backing a report (core.models.StoredFile)."""

    folder = "evidence"

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="evidence"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    # The unit (a house, a school) the photo shows, when the report ticks units.
    unit = models.ForeignKey(
        TargetUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def get_additional_data(self) -> dict:
        return {"program": self.report.program_id, "report": self.report_id}


class ReportUnit(ChoiceLabels, models.Model):
    """A unit the report says was done in its period; the planner verifies it or returns it,
    unit by unit (delivery.services). A returned unit may be reported again later."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="units"
    )
    claim = models.ForeignKey(
        UnitClaim, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REPORTED
    )

    class Meta:
        ordering = ["report", "claim__unit"]
        verbose_name = _("unit reported")
        verbose_name_plural = _("units reported")
        constraints = [
            models.UniqueConstraint(fields=["report", "claim"], name="report_unit_once"),
        ]

    def __str__(self):
        return f"{self.claim.unit} · {self.get_status_display()}"

    def get_additional_data(self) -> dict:
        return {"report": self.report_id}


class ReportTransition(Transition):
    """One change of a report's status (delivery.services)."""

    subject_field = "report"

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from status"), max_length=10, choices=Report.Status.choices)
    to_status = models.CharField(_("to status"), max_length=10, choices=Report.Status.choices)

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("report status change")
        verbose_name_plural = _("report status changes")


class Reminder(models.Model):
    """A reminder or digest mailed once: the daily command may run again, it sends nothing
    twice (the unique key says what was sent to whom)."""

    class Kind(models.TextChoices):
        REPORT_DUE = "report_due", _("Report due")
        DIGEST = "digest", _("Planner's digest")
        MISSING_REPORTS = "missing", _("Missing reports")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("about"), max_length=100)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["kind", "user", "key"], name="reminder_sent_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user} · {self.key}"
