"""The yearly synchronisation round (sinkronisasi CSR): open it, invite the companies it names,
remind those that have sent nothing, close it after the meeting.

Where each invited company stands is read from its programs in the round
(`Invitation.objects.with_progress()`), never stored: a program submitted or approved moves
its company's line at once. How many companies stand at each stage (the round page's header,
a grouped count over every invitation: tens of milliseconds at 5,000 companies) is kept
(core.kept) and counted again as soon as a program of the round or an invitation changes.
"""

import datetime
import weakref

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from companies.models import Company
from core import audit, kept
from core.db import model_columns
from core.tasks import run_later

from . import notifications, tasks
from .models import Invitation, Round

# Stages whose companies the reminders are for: nothing sent yet.
MISSING = [Invitation.Stage.NOTHING, Invitation.Stage.DRAFT]
# A company reminded less than this ago is not reminded again (two planners, a double click).
REMIND_AGAIN_AFTER = datetime.timedelta(hours=20)


def companies_invited_by(round: Round) -> QuerySet:
    """The companies a round's choice names: all, those of some sectors, or those operating in
    some kelurahan up to a ring."""
    companies = Company.objects.all()
    if round.scope == Round.Scope.SECTORS:
        return companies.filter(sector__in=round.sectors)
    if round.scope == Round.Scope.VILLAGES:
        return companies.filter(
            operating_villages__village__in=round.villages.all(),
            operating_villages__ring__lte=round.ring,
        ).distinct()
    return companies


def _locked_open(round: Round) -> Round:
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if not locked.is_open:
        raise ValidationError(
            _("%(round)s is closed; it can no longer be changed.") % {"round": locked.title}
        )
    return locked


# Seconds a round's stage counts are served before they are counted again (sooner when a
# program of the round or an invitation changes: forget_stages).
STAGES_FRESH_SECONDS = 60


@kept.renewable("round-stages", fresh=STAGES_FRESH_SECONDS, per_language=False, per_region=False)
def _stages(round_id: int) -> dict[str, int]:
    stages = Invitation.objects.filter(round=round_id).with_progress()
    counts: dict[str, int] = {}
    for stage in stages.values_list("stage", flat=True).iterator(chunk_size=2000):
        counts[stage] = counts.get(stage, 0) + 1
    return counts


def stage_counts(round: Round) -> dict[str, int]:
    """How many invited companies stand at each stage (Invitation.Stage values)."""
    forgotten = _forgotten_here()
    if forgotten is not None:  # a count read now keeps this transaction's changes so far:
        forgotten.discard(round.pk)  # the next change forgets it again
    return _stages(round.pk)


def _forgotten_here() -> set[int] | None:
    """The rounds forgotten since their counts were last read in the open transaction."""
    connection = transaction.get_connection()
    if not (connection.in_atomic_block and connection.atomic_blocks):
        return None
    return _forgotten_in.setdefault(connection.atomic_blocks[0], set())


# The rounds whose counts were forgotten in each open transaction (by its outermost block)
# and not read since: a transaction that changes a thousand programs of a round forgets the
# round once.
_forgotten_in: "weakref.WeakKeyDictionary[object, set[int]]" = weakref.WeakKeyDictionary()


def forget_stages(round_id: int) -> None:
    """The round's stage counts are counted again at their next read: at once (this request
    sees its change) and once the change is committed (a count read meanwhile is not kept)."""
    forgotten = _forgotten_here()
    if forgotten is not None:
        if round_id in forgotten:
            return
        forgotten.add(round_id)
    _stages.forget(round_id)
    transaction.on_commit(lambda: _stages.forget(round_id))


@transaction.atomic
def round_save(*, form, by) -> tuple[Round, int, int]:
    """Open a round, or change an open one, and bring its invitations in line with whom it
    invites: companies it now names are invited (their officers are emailed); those it no
    longer names lose their invitation, unless they have a program in the round.

    Returns the round, the number of companies invited and the number uninvited."""
    round = form.save(commit=False)
    if round.pk is None:
        round.opened_by = by
        try:
            with transaction.atomic():
                round.save()
        except IntegrityError:  # another planner opened the same year's round meanwhile
            raise ValidationError(_("This plan already has a round for that year.")) from None
    else:
        _locked_open(round)
        form.check_version()
        round.save(update_fields=[*model_columns(Round, form.fields), "updated_at"])
    form.save_m2m()

    invited = set(round.invitations.values_list("company_id", flat=True))
    named = set(companies_invited_by(round).values_list("pk", flat=True))
    new = [Invitation(round=round, company_id=pk) for pk in sorted(named - invited)]
    Invitation.objects.bulk_create(new, batch_size=1000)
    with_programs = set(round.programs.values_list("company_id", flat=True))
    dropped = list(
        round.invitations.filter(company_id__in=invited - named - with_programs).select_related(
            "company", "round"
        )
    )
    Invitation.objects.filter(pk__in=[i.pk for i in dropped]).delete()
    forget_stages(round.pk)  # invitations send no signal to it (programs.apps)

    created = list(
        round.invitations.filter(company_id__in=[i.company_id for i in new]).select_related(
            "company", "round"
        )
    )
    audit.record_many(
        [(i, audit.Action.CREATE, {"company": (None, i.company_id)}) for i in created]
        + [(i, audit.Action.DELETE, {"company": (i.company_id, None)}) for i in dropped],
        by=by,
    )
    notifications.round_invited(round, [i.company_id for i in created])
    return round, len(created), len(dropped)


@transaction.atomic
def round_close(*, round: Round, by) -> Round:
    """Close a round after its meeting: no program can join it any more; its results stay."""
    locked = _locked_open(round)
    locked.status = Round.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


@transaction.atomic
def round_remind(*, round: Round, by, company_ids: list[int] | None = None) -> int:
    """Email the officers of invited companies that have submitted nothing yet (of those in
    `company_ids`, when given), and note when each was reminded. Returns how many companies."""
    locked = _locked_open(round)
    now = timezone.now()
    missing = (
        Invitation.objects.filter(round=locked)
        .exclude(reminded_at__gt=now - REMIND_AGAIN_AFTER)  # a double click mails nobody twice
        .with_progress()
        .filter(stage__in=MISSING)
    )
    if company_ids is not None:
        missing = missing.filter(company_id__in=company_ids)
    invitations = list(missing.select_related("company", "round"))
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        reminded_at=now, reminders=F("reminders") + 1
    )
    audit.record_many(
        [
            (
                i,
                audit.Action.UPDATE,
                {
                    "reminded_at": (_when(i.reminded_at), _when(now)),
                    "reminders": (i.reminders, i.reminders + 1),
                },
            )
            for i in invitations
        ],
        by=by,
    )
    if invitations:  # written by the worker: one message per company, thousands at a time
        run_later(tasks.send_round_reminders, [i.pk for i in invitations])
    return len(invitations)


def _when(moment) -> str | None:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else None
