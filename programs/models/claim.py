"""Which identified units (planning.models.target) a pledge covers: picked by the company's officer,
held while the program is reviewed, taken once it is approved (the database keeps one
committed pledge per unit), delivered when a planner verifies it unit by unit
(delivery.services). Moved only by programs.claims and the workflow."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planning.models import TargetUnit

from .pledge import Pledge
from .program import Program

# A program in these statuses holds its units whatever the reservation's date.
HOLDING = [Program.Status.SUBMITTED, Program.Status.REVISION]


class UnitClaimQuerySet(models.QuerySet):
    def live(self):
        """Claims that keep a unit from other pledges: taken (an approved pledge), held (a
        program under review or sent back for revision), or reserved by a draft whose
        reservation has not run out."""
        return self.filter(
            Q(committed=True)
            | Q(pledge__program__status__in=HOLDING)
            | Q(pledge__program__status=Program.Status.DRAFT, reserved_until__gt=timezone.now())
        )


class UnitClaim(models.Model):
    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="claims"
    )
    unit = models.ForeignKey(
        TargetUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="claims"
    )
    # While the program is a draft: the unit is shown to others as reserved until then.
    reserved_until = models.DateTimeField(_("reserved until"), null=True, blank=True)
    committed = models.BooleanField(_("taken"), default=False)
    delivered = models.BooleanField(_("delivered (verified)"), default=False)
    created_at = models.DateTimeField(_("picked"), auto_now_add=True)

    objects = UnitClaimQuerySet.as_manager()

    class Meta:
        ordering = ["pledge", "unit"]
        verbose_name = _("unit claimed")
        verbose_name_plural = _("units claimed")
        constraints = [
            models.UniqueConstraint(fields=["pledge", "unit"], name="claim_unit_once_per_pledge"),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(committed=True),
                name="claim_one_committed_pledge_per_unit",
                violation_error_message=_("Another approved pledge has taken this unit."),
            ),
            models.CheckConstraint(
                condition=Q(delivered=False) | Q(committed=True),
                name="claim_delivered_only_when_taken",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.pledge}"

    def get_additional_data(self) -> dict:
        return {"program": self.pledge.program_id, "need": self.unit.need_id}
