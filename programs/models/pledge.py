"""A program's pledges toward the plan's priorities and needs."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.limits import MAX_QUANTITY, MAX_RUPIAH
from planning.models import Need, Priority

from .program import Program


class Pledge(models.Model):
    """A line of a program: a quantity and an amount toward a priority, ideally one need."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="pledges"
    )
    priority = models.ForeignKey(
        Priority, verbose_name=_("priority"), on_delete=models.PROTECT, related_name="pledges"
    )
    need = models.ForeignKey(
        Need,
        verbose_name=_("need"),
        on_delete=models.PROTECT,
        related_name="pledges",
        null=True,
        blank=True,
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    amount = models.PositiveBigIntegerField(
        _("amount (Rp)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_RUPIAH)]
    )
    # What verified realization reports say was delivered and spent, in total. Moved only by
    # the verification service (delivery.services), under lock; check_ledger recounts them.
    delivered_quantity = models.PositiveIntegerField(_("delivered"), default=0, editable=False)
    spent_amount = models.PositiveBigIntegerField(_("spent (Rp)"), default=0, editable=False)

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=models.F("quantity")),
                name="pledge_not_overdelivered",
                violation_error_message=_("More is delivered than the pledge promised."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="pledge_quantity_positive",
                violation_error_message=_("The quantity must be a positive whole number."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="pledge_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            # On PostgreSQL a composite foreign key (migration 0002) also makes sure that a
            # pledge's need belongs to the pledge's priority.
        ]

    def __str__(self):
        return f"{self.quantity} × {self.priority.code}"

    def get_additional_data(self) -> dict:
        """Kept with each audit entry, so the program's history shows its pledges."""
        return {"program": self.program_id}

    def clean(self):
        # PostgreSQL also holds this as a composite foreign key (migration 0002).
        if self.need_id and self.priority_id and self.need.priority_id != self.priority_id:
            raise ValidationError({"need": _("This need belongs to another priority.")})

    def lies_outside(self, village_ids: set[int]) -> bool:
        """Toward a need outside the program's target kelurahan (`village_ids`, when any)."""
        return (
            bool(village_ids)
            and self.need_id is not None
            and (self.need.village_id not in village_ids)
        )
