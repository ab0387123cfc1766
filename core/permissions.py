"""Role checks for views. Object scoping lives in each model's `visible_to(user)` queryset."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied


class PlannerRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; signed-in users who are not planners get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_planner:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
