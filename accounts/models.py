from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import tenancy

# Seconds a user's roles are kept between requests (per process, or in Redis with REDIS_URL).
# Every change of a role forgets them at once (`forget_roles`); the expiry is a safety net.
ROLES_CACHE_SECONDS = 300


def forget_roles(*user_ids: int) -> None:
    """Called whenever users' region roles or company memberships change: forgotten at once
    and again on commit (a request that read the old roles meanwhile, before the change was
    committed, must not keep them five minutes)."""
    keys = [f"roles:{user_id}" for user_id in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


class User(AbstractUser):
    """A person who signs in: a planner, a reader, a company officer or an admin.

    Roles are not a field: a planner or a reader has a role in a region (RegionRole), an
    officer a membership in a company (companies.Membership), an admin is staff. The
    properties below are cached for the request, so templates and querysets can ask them
    freely, and between requests in the shared cache (two queries fewer per page), forgotten
    on every change. Region roles answer for the request's region (core.tenancy).
    """

    class Meta(AbstractUser.Meta):
        db_table = "accounts_user"

    @cached_property
    def _roles(self) -> dict:
        key = f"roles:{self.pk}"
        roles = cache.get(key)
        if roles is None:
            roles = {
                "regions": [
                    (code or "", role)
                    for code, role in self.region_roles.order_by("region__code").values_list(
                        "region__code", "role"
                    )
                ],
                "companies": list(
                    self.company_memberships.order_by().values_list("company_id", flat=True)
                ),
            }
            cache.set(key, roles, ROLES_CACHE_SECONDS)
        return roles

    @property
    def planned_codes(self) -> list[str]:
        """The regencies and cities where this user is a planner."""
        if not self.is_active:
            return []
        return [code for code, role in self._roles["regions"] if role == RegionRole.PLANNER]

    @property
    def is_planner(self) -> bool:
        """A planner of the request's region: sees and decides."""
        return tenancy.current_code() in self.planned_codes

    def reads_region(self, code: str) -> bool:
        """A planner or reader of the region `code`, of its province, or of the country."""
        return self.is_active and any(
            not mine or code == mine or code.startswith(f"{mine}.")
            for mine, _role in self._roles["regions"]
        )

    @property
    def read_codes(self) -> list[str]:
        """The regions this user reads without deciding ("": the whole country)."""
        if not self.is_active:
            return []
        return [code for code, role in self._roles["regions"] if role == RegionRole.READER]

    @property
    def company_ids(self) -> list[int]:
        """Companies this user is an officer of (usually one)."""
        return self._roles["companies"] if self.is_active else []

    @property
    def is_officer(self) -> bool:
        return bool(self.company_ids)

    @property
    def sees_all_companies(self) -> bool:
        """The request region's planners and readers, and the portal's operators, read every
        company's data there."""
        return self.is_active and (self.is_staff or self.reads_region(tenancy.current_code()))


class RegionRole(models.Model):
    """What a user does in a region: plans and decides there (a regency's or city's planner),
    or reads it and every region below (a province's planners, a national viewer)."""

    PLANNER, READER = "planner", "reader"
    ROLES = [
        (PLANNER, _("Planner: sees and decides on the regency's programs")),
        (READER, _("Reader: sees the region and the regions below it, decides nothing")),
    ]

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="region_roles"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
        limit_choices_to={"level__lte": 2},
        help_text=_("A regency or city, or a province; empty: all of Indonesia (readers)."),
    )
    role = models.CharField(_("role"), max_length=10, choices=ROLES)

    class Meta:
        verbose_name = _("region role")
        verbose_name_plural = _("region roles")
        ordering = ["region__code"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="region_role_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(region__isnull=True), name="region_role_one_national"
            ),
            models.CheckConstraint(
                condition=Q(role="reader") | Q(role="planner", region__isnull=False),
                name="region_role_planner_has_region",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()} {self.region or _('Indonesia')}"

    def clean(self):
        if self.role == self.PLANNER and (self.region is None or self.region.level != 2):
            raise ValidationError({"region": _("A planner plans in a regency or city.")})
        if self.region is not None and self.region.level > 2:
            raise ValidationError({"region": _("Choose a province, a regency or a city.")})
