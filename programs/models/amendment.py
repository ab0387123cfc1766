"""A proposed change to an approved or running program, decided by the region's planners."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import tenancy
from core.db import ChoiceLabels

from .program import Program


class Amendment(ChoiceLabels, models.Model):
    """The program as its company proposes it to become (`proposed`), beside the program as it
    was when proposed (`base`): its own fields, target villages, pledges, outputs and
    partners (programs.amendments.snapshot). Applied by programs.amendments.amendment_approve
    under the locks and checks of an approval; a program never changes after approval
    otherwise."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting a decision")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Origin(models.TextChoices):
        COMPANY = "company", _("The company")
        PLANNERS = "planners", _("The planners")

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="amendments"
    )
    # The company proposes changes to its approved or running program, the planners decide;
    # the planners propose to steer a pledge under review (or running) to other needs, the
    # company decides.
    origin = models.CharField(
        _("proposed by"), max_length=10, choices=Origin.choices, default=Origin.COMPANY
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.TextField(_("why"), max_length=2000)
    base = models.JSONField(_("the program before"), editable=False)
    proposed = models.JSONField(_("the program after"), editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # What a steering proposal moves to kelurahan CSR has left behind (programs.matching), as
    # judged when it was proposed: the dashboard counts those its companies accepted.
    left_behind_units = models.PositiveIntegerField(_("units to left-behind kelurahan"), default=0)
    left_behind_rupiah = models.PositiveBigIntegerField(
        _("Rupiah to left-behind kelurahan"), default=0
    )

    class Meta:
        ordering = ["program", "-proposed_at", "-pk"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            # One change at a time: a second proposal would be based on a version the first
            # replaces.
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status="proposed"),
                name="amendment_one_open_per_program",
                violation_error_message=_("This program already has a change awaiting a decision."),
            ),
            models.CheckConstraint(
                condition=Q(status="proposed", decided_at__isnull=True)
                | (~Q(status="proposed") & Q(decided_at__isnull=False)),
                name="amendment_decided_when_closed",
            ),
        ]

    def __str__(self):
        return _("Change of %(program)s") % {"program": self.program}

    def get_absolute_url(self):
        """In the program's region when the program is at hand, else the request's."""
        program = self.program if type(self).program.is_cached(self) else None
        code = program.region_code if program else None
        return tenancy.reverse_in(code, "programs:amendment", [self.program_id, self.pk])

    def get_additional_data(self) -> dict:
        return {"program": self.program_id}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PROPOSED

    def get_status_display(self) -> str:
        """A company accepts or declines the planners' proposal; the planners approve or
        return the company's change."""
        if self.is_steering and self.status in (self.Status.APPROVED, self.Status.RETURNED):
            return str(_("Accepted") if self.status == self.Status.APPROVED else _("Declined"))
        return self._get_FIELD_display(self._meta.get_field("status"))

    @property
    def is_steering(self) -> bool:
        """Proposed by the planners, decided by the company."""
        return self.origin == self.Origin.PLANNERS
