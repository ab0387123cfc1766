from functools import cached_property

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person who signs in: a planner, a company officer or an admin.

    Roles are not a field: a planner belongs to the `planner` group, an officer has a
    membership in a company (companies.Membership), an admin is staff. The properties below
    are cached for the request, so templates and querysets can ask them freely.
    """

    PLANNER_GROUP = "planner"

    class Meta:
        db_table = "accounts_user"

    @cached_property
    def is_planner(self) -> bool:
        return self.is_active and self.groups.filter(name=self.PLANNER_GROUP).exists()

    @cached_property
    def company_ids(self) -> list[int]:
        """Companies this user is an officer of (usually one)."""
        if not self.is_active:
            return []
        return list(self.company_memberships.order_by().values_list("company_id", flat=True))

    @property
    def is_officer(self) -> bool:
        return bool(self.company_ids)

    @property
    def sees_all_companies(self) -> bool:
        """Planners and the portal's operators read every company's data."""
        return self.is_active and (self.is_planner or self.is_staff)
