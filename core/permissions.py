"""Who may see or change what: the one place the portal spells its rules.

Roles (accounts.User), per region (core.tenancy: the request's regency or city): a *planner* of
a regency or city reads every company's submitted work there and decides on it; a *reader* (a
province's planners, a national viewer) reads it without deciding; an *officer* acts for the
companies it is an officer of (its memberships), in every region they work in; an *operator*
(staff) runs the admin and reads everything. A planner or reader of another region is, here,
any signed-in user. Views, services, querysets, template tags and templates all ask here (`tests/core/test_permissions.py` fails when another module
spells the officer rule again); objects are fetched through their owner's scope, so an
outsider gets 404 and a reader who may not change gets 403.

The object rules take the objects duck-typed (a program's `company_id`, `is_editable`,
`REPORTING`): the bottom floor imports no app.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from . import tenancy

# Who may make a transition (programs.workflow's table).
PLANNER, OFFICER, EITHER = "planner", "officer", "either"


def officer_companies(user) -> list[int]:
    """The companies `user` acts for (none when signed out or inactive)."""
    return user.company_ids if user.is_authenticated else []


def company_regions(user) -> list[str]:
    """The codes of the regencies and cities where the companies `user` acts for have ring
    villages (one query; none for a user who is no officer)."""
    from django.apps import apps

    companies = officer_companies(user)
    if not companies:
        return []
    return apps.get_model("companies", "Company").objects.filter(pk__in=companies).region_codes()


def is_officer_of(user, company_id: int | None) -> bool:
    """`user` is an officer of the company `company_id`."""
    return company_id is not None and company_id in officer_companies(user)


def sees_all_companies(user) -> bool:
    """Planners and operators read every company's submitted work."""
    return user.is_authenticated and user.sees_all_companies


def of_own_companies(user, path: str = "company") -> Q:
    """The rows of the companies `user` acts for, `path` leading from the row to its company
    ("company", "program__company", or "pk" for companies themselves)."""
    key = "pk__in" if path == "pk" else f"{path}_id__in"
    return Q(**{key: officer_companies(user)})


def plans_in(user, code: str | None = None) -> bool:
    """`user` is a planner of the regency or city `code` (default: the request's region)."""
    return user.is_authenticated and (code or tenancy.current_code()) in user.planned_codes


def may_hold_api_token(user, company_id: int | None) -> bool:
    """`user` may make an API token: an officer for one of their companies (the token reads
    what they read of it), a planner, reader or operator for themselves (what they read of
    the region the token is used under)."""
    if company_id is not None:
        return is_officer_of(user, company_id)
    return sees_all_companies(user)


def may(user, company_id: int | None, who: str, region: str | None = None) -> bool:
    """`user` plays the role `who` (PLANNER, OFFICER, EITHER) for the object of the company
    `company_id` in the region `region` (a code; default: the request's region)."""
    planner, officer = plans_in(user, region), is_officer_of(user, company_id)
    return {PLANNER: planner, OFFICER: officer, EITHER: planner or officer}[who]


def acts_as_company(user, program) -> bool:
    """An officer of the program's company who is not also a planner: the page speaks to the
    company ("your note"), not to the planners ("comment for the company")."""
    return is_officer_of(user, program.company_id) and not user.is_planner


def can_edit_program(user, program) -> bool:
    """The company's officers change a draft, or a program sent back for revision."""
    return program.is_editable and is_officer_of(user, program.company_id)


def can_report(user, program) -> bool:
    """The company's officers report the delivery of an approved or running program."""
    return program.status in program.REPORTING and is_officer_of(user, program.company_id)


def can_amend_program(user, program) -> bool:
    """The officers who report on a program propose changes to it (programs.amendments)."""
    return can_report(user, program)


def can_steer(user, program) -> bool:
    """The planners of a program's region propose to move its pledges to other needs while
    they review it, or while it runs (programs.amendments)."""
    return program.status in program.STEERABLE and plans_in(user, program.region_code)


def decides_amendment(user, amendment, program) -> bool:
    """The other side decides: the region's planners on the company's proposed change, the
    company's officers on the planners' proposal (steering)."""
    if amendment.is_steering:
        return is_officer_of(user, program.company_id)
    return plans_in(user, program.region_code)


def withdraws_amendment(user, amendment, program) -> bool:
    """The side that proposed a change may take it back before it is decided."""
    if amendment.is_steering:
        return plans_in(user, program.region_code)
    return is_officer_of(user, program.company_id)


def can_edit_strategy(user, item) -> bool:
    """A company's officers keep its strategic plans and consultations."""
    return is_officer_of(user, item.company_id)


def sees_participants(user, consultation) -> bool:
    """Who took part in a consultation, by name (personal data): the company's officers and
    the planners of the request's region (where the consultation is shown), no one else."""
    return is_officer_of(user, consultation.company_id) or plans_in(user)


def sees_household_data(user, region_code: str, holder_company_id: int | None) -> bool:
    """A household's personal data (its head's name, masked NIK, address, coordinates; UU
    27/2022) is seen by the planners of its region and by the officers of the company whose
    submitted or approved pledge holds it (programs.claims), no one else: not readers, not
    operators' portal pages, not the public. Every page showing it records the view."""
    return plans_in(user, region_code) or is_officer_of(user, holder_company_id)


def can_pick_units(user, program) -> bool:
    """The officers who edit a program pick the units its pledges cover."""
    return can_edit_program(user, program)


def can_edit_report(user, report) -> bool:
    """The company's officers change a draft report, or one returned to them."""
    return report.is_editable and is_officer_of(user, report.program.company_id)


def sees_officers_of(user, company) -> bool:
    """A company's officers (names, addresses: personal data) are shown to its own officers,
    to operators, and to the planners and readers of a region the company works in (rings
    or programs there), in that region; not to every planner of the country."""
    if is_officer_of(user, company.pk) or (user.is_authenticated and user.is_staff):
        return True
    if not sees_all_companies(user):
        return False
    from django.apps import apps

    code = tenancy.current_code()
    Program = apps.get_model("programs", "Program")
    return code in type(company).objects.filter(pk=company.pk).region_codes() or (
        Program.objects.filter(company=company, plan__city__code=code).exists()
    )


class ReaderRequiredMixin(LoginRequiredMixin):
    """For what the region's planners and readers (a province's planners, a national viewer)
    and operators read: anonymous users go to the login page, other users get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not sees_all_companies(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PlannerRequiredMixin(LoginRequiredMixin):
    """Anonymous users go to the login page; signed-in users who are not planners get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_planner:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
