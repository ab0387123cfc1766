from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.cache import cache

# Seconds a user's roles are kept between requests (per process, or in Redis with REDIS_URL).
# Every change of a role forgets them at once (`forget_roles`); the expiry is a safety net.
ROLES_CACHE_SECONDS = 300


def forget_roles(*user_ids: int) -> None:
    """Called whenever users' groups or company memberships change."""
    cache.delete_many([f"roles:{user_id}" for user_id in user_ids])


class User(AbstractUser):
    """A person who signs in: a planner, a company officer or an admin.

    Roles are not a field: a planner belongs to the `planner` group, an officer has a
    membership in a company (companies.Membership), an admin is staff. The properties below
    are cached for the request, so templates and querysets can ask them freely, and between
    requests in the shared cache (two queries fewer per page), forgotten on every change.
    """

    PLANNER_GROUP = "planner"

    class Meta(AbstractUser.Meta):
        db_table = "accounts_user"

    @cached_property
    def _roles(self) -> dict:
        key = f"roles:{self.pk}"
        roles = cache.get(key)
        if roles is None:
            roles = {
                "planner": self.groups.filter(name=self.PLANNER_GROUP).exists(),
                "companies": list(
                    self.company_memberships.order_by().values_list("company_id", flat=True)
                ),
            }
            cache.set(key, roles, ROLES_CACHE_SECONDS)
        return roles

    @property
    def is_planner(self) -> bool:
        return self.is_active and self._roles["planner"]

    @property
    def company_ids(self) -> list[int]:
        """Companies this user is an officer of (usually one)."""
        return self._roles["companies"] if self.is_active else []

    @property
    def is_officer(self) -> bool:
        return bool(self.company_ids)

    @property
    def sees_all_companies(self) -> bool:
        """Planners and the portal's operators read every company's data."""
        return self.is_active and (self.is_planner or self.is_staff)
