"""Statuses that change only through a table: (from, to) -> who may, each change recorded.

A model with a status (a program, a report) declares one `Table` of its transitions; its
services lock the object (and what the transition moves, in primary-key order), then call
`Table.make`, which checks the transition and the person's role, asks for a comment where the
table requires one, records the change (a `core.models.Transition` row) and sets the status.
The services add their own checks and writes under the same locks and save. Pages ask
`Table.targets` which transitions to offer.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from . import permissions


class TransitionError(ValidationError):
    """The object's status does not allow this transition now (decided meanwhile)."""


@dataclass(frozen=True)
class Table:
    """The transitions of one kind of object.

    `allowed` maps (from, to) to who may (core.permissions.PLANNER, OFFICER, EITHER);
    `record` is the Transition model that keeps them, `company` reads the object's company
    (whose officers act for it), `region` its region's code (whose planners decide on it); `comment_required` names the targets that need a reason;
    `refused` says, by target, why the current status does not allow it (with %(status)s)."""

    allowed: dict[tuple[str, str], str]
    record: type
    company: object  # obj -> company id
    region: object  # obj -> the code of its regency or city
    comment_required: frozenset[str] = field(default_factory=frozenset)
    comment_missing: str = ""
    refused: dict = field(default_factory=dict)

    def targets(self, obj, user) -> list[str]:
        """The statuses `user` may move `obj` to now (for the page's buttons)."""
        company, region = self.company(obj), self.region(obj)
        return [
            to
            for (frm, to), who in self.allowed.items()
            if frm == obj.status and permissions.may(user, company, who, region)
        ]

    def make(self, obj, to_status: str, *, by, comment: str = ""):
        """Check the transition of `obj` (locked by the caller) to `to_status` for `by`,
        record it and set the status (not saved: the caller saves with its other changes)."""
        company, region = self.company(obj), self.region(obj)
        # A role that may never make this transition is refused outright (403), whatever the
        # status; one that may, but not from this status, is told why.
        roles = [who for (_from, to), who in self.allowed.items() if to == to_status]
        if not any(permissions.may(by, company, who, region) for who in roles):
            raise PermissionDenied
        who = self.allowed.get((obj.status, to_status))
        if who is None:
            message = self.refused.get(to_status) or _(
                "It is %(status)s: it cannot become %(target)s."
            )
            raise TransitionError(
                message
                % {
                    "status": obj.get_status_display().lower(),
                    "target": type(obj).Status(to_status).label.lower(),
                }
            )
        if not permissions.may(by, company, who, region):
            raise PermissionDenied
        comment = comment.strip()
        if to_status in self.comment_required and not comment:
            raise ValidationError(self.comment_missing)
        self.record.objects.create(
            **{self.record.subject_field: obj},
            from_status=obj.status,
            to_status=to_status,
            by=by,
            comment=comment,
        )
        obj.status = to_status
        return obj
