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

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="amendments"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.TextField(_("why"), max_length=2000)
    base = models.JSONField(_("the program before"), editable=False)
    proposed = models.JSONField(_("the program after"), editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
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
