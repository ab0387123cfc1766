"""Changes to an approved or running program: proposed by its company, decided by the region's
planners.

A program never changes after approval but through an amendment. The officer fills in the
program as it should become (programs.forms.AmendmentForm: the program form without pillar
and round, with the reason); it is kept as a `snapshot` beside the program as it was, the
planners see both side by side (`differences`) and approve it, or return it with a comment.
Approval applies it under the locks and checks of an approval: the program locked, the needs
whose pledges grow locked in primary-key order and re-checked against their remaining gaps, the
pledges and outputs that reports refer to kept. A program changed since the proposal (another
amendment) refuses it: the company proposes again on the current version.

The planners steer the same way (`amendment_steer`): while they review a program, or while it
runs, they propose to move one of its pledges to other needs of its priority (a kelurahan CSR
has left behind, from the ranked list), or to split it across several; the company accepts,
which applies it like an approved change, or declines.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from companies.models import Company
from core.money import rupiah
from planning.models import Need, Priority
from regions.models import Region

from . import claims, commitments, matching, notifications, workflow
from .models import Amendment, OutputIndicator, Pledge, Program, ProgramOutput, ProgramPartner, Sdg
from .models.output import outside_their_villages
from .services import indicator_named

A = Amendment.Status
# What an amendment may change: the program's own fields (never its pillar, round or status),
# its target villages and its rows.
FIELDS = (
    "title",
    "summary",
    "description",
    "sdgs",
    "start_date",
    "end_date",
    "budget",
    "beneficiaries",
)
ROWS = {
    "pledges": (Pledge, ("priority", "need", "quantity", "amount")),
    "outputs": (
        ProgramOutput,
        ("indicator", "target_quantity", "village", "site", "latitude", "longitude"),
    ),
    "partners": (ProgramPartner, ("kind", "company", "name", "role")),
}


def _value(model, name: str, value):
    """A value as JSON keeps it, the same whether read from a row or from a form."""
    if isinstance(value, models.Model):
        return value.pk
    if value is None:
        return None
    field = model._meta.get_field(name)
    if isinstance(field, models.DecimalField):
        return f"{value:.{field.decimal_places}f}"
    if isinstance(value, date):
        return value.isoformat()
    if name == "sdgs":
        return sorted(value)
    return value


def snapshot(program: Program) -> dict:
    """What an amendment may change of `program`, as stored now (4 queries)."""
    state = {
        "fields": {
            name: _value(Program, name, Program._meta.get_field(name).value_from_object(program))
            for name in FIELDS
        },
        "villages": sorted(program.villages.values_list("pk", flat=True)),
    }
    for key, (model, names) in ROWS.items():
        rows = model.objects.filter(program=program).order_by("pk")
        state[key] = [
            {
                "id": row.pk,
                **{
                    n: _value(model, n, model._meta.get_field(n).value_from_object(row))
                    for n in names
                },
            }
            for row in rows
        ]
    return state


def proposed_from(form, formsets) -> dict:
    """The program as the valid amendment form and its formsets propose it."""
    cleaned = form.cleaned_data
    state = {
        "fields": {name: _value(Program, name, cleaned.get(name)) for name in FIELDS},
        "villages": sorted(village.pk for village in cleaned.get("villages") or []),
    }
    keys = {model: key for key, (model, _names) in ROWS.items()}
    for formset in formsets:
        key = keys[formset.model]
        names = ROWS[key][1]
        rows = []
        for row_form in formset.forms:
            data = row_form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            row = {
                "id": row_form.instance.pk,
                **{n: _value(formset.model, n, data.get(n)) for n in names},
            }
            if key == "outputs" and row["indicator"] is None:
                row["new_indicator"] = data["new_indicator"].strip()
                row["new_unit"] = data["new_unit"].strip()
            rows.append(row)
        state[key] = rows
    return state


# Statuses of a realization report its company still edits (delivery.models.Report.EDITABLE:
# the app above this one, named rather than imported). A report's draft holds an empty line for
# each pledge and output: only a line that says something, or one in a report the company can
# no longer change, makes its row "reported".
OPEN_REPORTS = ("draft", "returned")


def reported(rows):
    """The ids of `rows` (a program's pledges or outputs) that a report line speaks of: one
    with a figure, or in a report its company no longer edits. One query."""
    relation = rows.model.report_lines
    line = relation.rel.related_model
    figure = models.Q(quantity__gt=0)
    if any(field.name == "amount" for field in line._meta.fields):  # a pledge's line
        figure |= models.Q(amount__gt=0)
    said = line.objects.filter(figure | ~models.Q(report__status__in=OPEN_REPORTS))
    return set(rows.filter(pk__in=said.values(relation.field.name)).values_list("pk", flat=True))


def problems(program: Program, state: dict) -> list[str]:
    """What refuses `state` for `program` as stored now: a program must keep a target
    kelurahan and a pledge or an output; what verified reports delivered stays pledged, and the
    pledges and outputs that reports refer to stay (their quantities may change)."""
    found = []
    if not state["villages"]:
        found.append(_("Choose at least one target kelurahan."))
    if not state["pledges"] and not state["outputs"]:
        found.append(_("Keep a pledge toward a priority of the plan or at least one output."))
    budget = state["fields"]["budget"]
    pledged = sum(row["amount"] for row in state["pledges"])
    if budget and pledged > budget:
        found.append(
            _("The pledges total %(total)s, more than the program's budget of %(budget)s.")
            % {"total": rupiah(pledged), "budget": rupiah(budget)}
        )
    pledges = {p.pk: p for p in program.pledges.select_related("priority")}
    spoken_of = reported(program.pledges.all())
    kept = {row["id"]: row for row in state["pledges"] if row["id"]}
    for pk, pledge in pledges.items():
        row = kept.get(pk)
        if pk in spoken_of and row is None:
            found.append(
                _(
                    "The pledge %(pledge)s has reports: it cannot be removed. Lower its quantity "
                    "to what is delivered instead."
                )
                % {"pledge": pledge}
            )
        elif (
            row
            and pk in spoken_of
            and (row["need"], row["priority"])
            != (
                pledge.need_id,
                pledge.priority_id,
            )
        ):
            found.append(
                _("The pledge %(pledge)s has reports: its priority and need stay.")
                % {"pledge": pledge}
            )
        elif row and row["quantity"] < pledge.delivered_quantity:
            found.append(
                _("The pledge %(pledge)s has delivered %(delivered)s: it cannot promise less.")
                % {"pledge": pledge, "delivered": pledge.delivered_quantity}
            )
    placed = [row for row in state["outputs"] if row["village"] and row["latitude"] is not None]
    sites = [(row["village"], row["latitude"], row["longitude"]) for row in placed]
    for row, outside in zip(placed, outside_their_villages(sites), strict=True):
        if outside:
            found.append(
                _("The site %(site)s lies outside its kelurahan: check its coordinates.")
                % {"site": row["site"] or row["latitude"]}
            )
    outputs = {row["id"] for row in state["outputs"] if row["id"]}
    removed = program.outputs.filter(pk__in=reported(program.outputs.all())).exclude(pk__in=outputs)
    for output in removed.select_related("indicator"):
        found.append(
            _("The output %(output)s has reports: it cannot be removed.") % {"output": output}
        )
    return found


@transaction.atomic
def amendment_propose(
    *, program: Program, proposed: dict, reason: str, by, check_version=None
) -> Amendment:
    """Keep the company's proposed change of an approved or running program (`proposed`, a
    `snapshot` as the officer wants it, e.g. `proposed_from` its form) for the planners.
    Refused when the form showed another version (`check_version`, core.concurrency.Stale),
    when it changes nothing, or breaks a rule of `problems`."""
    locked = (
        Program.objects.select_for_update()
        .select_related("company", "plan__city")
        .get(pk=program.pk)
    )
    if locked.status not in workflow.APPLICABLE[Amendment.Origin.COMPANY]:
        raise ValidationError(
            _("This program is %(status)s now: it can no longer be changed.")
            % {"status": locked.get_status_display().lower()}
        )
    if check_version:
        check_version()
    base = snapshot(locked)
    if base == proposed:
        raise ValidationError(_("This proposal changes nothing of the program."))
    if found := problems(locked, proposed):
        raise ValidationError(found)
    amendment = Amendment(
        program=locked,
        reason=reason.strip(),
        base=base,
        proposed=proposed,
        proposed_by=by,
    )
    _open(amendment)
    notifications.amendment_proposed(amendment, locked)
    return amendment


@transaction.atomic
def amendment_steer(
    *, program: Program, pledge_id: int, moves: list[tuple[Need, int]], reason: str, by
) -> Amendment:
    """Propose, as the region's planners, to move the pledge `pledge_id` to the needs of
    `moves` ((need, quantity), the quantities adding up to the pledge's), its amount shared
    in proportion. The company accepts or declines (`DECISIONS`)."""
    locked = (
        Program.objects.select_for_update()
        .select_related("company", "plan__city")
        .get(pk=program.pk)
    )
    if locked.status not in Program.STEERABLE:
        raise ValidationError(
            _("This program is %(status)s now: it can no longer be changed.")
            % {"status": locked.get_status_display().lower()}
        )
    base = snapshot(locked)
    row = next((row for row in base["pledges"] if row["id"] == pledge_id), None)
    if row is None:
        raise ValidationError(_("This pledge is no longer part of the program."))
    total = sum(quantity for _need, quantity in moves)
    if total != row["quantity"]:
        raise ValidationError(
            _("The quantities add up to %(total)s; the pledge promises %(quantity)s.")
            % {"total": total, "quantity": row["quantity"]}
        )
    if any(need.priority_id != row["priority"] for need, _quantity in moves):
        raise ValidationError(_("Steer a pledge to needs of its own priority."))
    # The pledge itself (with what it delivered and its report lines) stays on the line of its
    # own need, else the first; the others are new pledges.
    keeper = next((i for i, (need, _q) in enumerate(moves) if need.pk == row["need"]), 0)
    rows = [
        {
            **row,
            "id": row["id"] if index == keeper else None,
            "need": need.pk,
            "quantity": quantity,
            "amount": row["amount"] * quantity // total,
        }
        for index, (need, quantity) in enumerate(moves)
    ]
    rows[keeper]["amount"] += row["amount"] - sum(line["amount"] for line in rows)
    if any(line["amount"] < 1 for line in rows):
        raise ValidationError(_("The pledge's amount is too small to share across these needs."))
    pledges = []
    for kept in base["pledges"]:
        pledges.extend(rows if kept is row else [kept])
    proposed = {**base, "pledges": pledges}
    if proposed == base:
        raise ValidationError(_("This proposal changes nothing of the program."))
    if found := problems(locked, proposed):
        raise ValidationError(found)
    left = matching.left_behind(locked.plan)
    to_left_behind = [
        line
        for (need, _quantity), line in zip(moves, rows, strict=True)
        if need.pk != row["need"] and (need.village_id, need.priority_id) in left
    ]
    amendment = Amendment(
        program=locked,
        origin=Amendment.Origin.PLANNERS,
        reason=reason.strip(),
        base=base,
        proposed=proposed,
        proposed_by=by,
        left_behind_units=sum(line["quantity"] for line in to_left_behind),
        left_behind_rupiah=sum(line["amount"] for line in to_left_behind),
    )
    _open(amendment)
    notifications.amendment_proposed(amendment, locked)
    return amendment


def _open(amendment: Amendment) -> None:
    """Save the new amendment: refused while another one of the program is open."""
    try:
        with transaction.atomic():
            amendment.save()
    except IntegrityError:  # amendment_one_open_per_program
        raise ValidationError(_("This program already has a change awaiting a decision.")) from None


def _locked_open(amendment: Amendment) -> tuple[Amendment, Program]:
    """The amendment and its program locked (program first, as every program service), the
    amendment still open."""
    program = (
        Program.objects.select_for_update()
        .select_related("company", "plan__city")
        .get(pk=amendment.program_id)
    )
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if not amendment.is_open:
        raise ValidationError(
            _("This change was %(status)s meanwhile.")
            % {"status": amendment.get_status_display().lower()}
        )
    return amendment, program


def _close(amendment: Amendment, status: str, *, by, comment: str) -> None:
    amendment.status = status
    amendment.decided_by = by
    amendment.decided_at = timezone.now()
    amendment.comment = comment.strip()
    amendment.save(update_fields=["status", "decided_by", "decided_at", "comment"])


@transaction.atomic
def amendment_approve(*, amendment: Amendment, by, comment: str = "") -> Amendment:
    """Apply the change: under the program's lock, on the version it was proposed for, with
    every grown pledge re-checked against its need's remaining gap under the needs' locks."""
    amendment, program = _locked_open(amendment)
    refused, needs, shifts = _verdict(amendment, program, lock=True)
    if refused:
        raise ValidationError(refused)
    program.updated_by = by
    _apply(program, amendment.proposed)
    workflow.shift_pledged(
        needs, shifts, by=by, data={"program": program.pk, "amendment": amendment.pk}
    )
    if amendment.proposed["fields"]["budget"] != amendment.base["fields"]["budget"]:
        commitments.recount(program.company_id)
    _close(amendment, A.APPROVED, by=by, comment=comment)
    notifications.amendment_decided(amendment, program)
    return amendment


def checks(amendment: Amendment, program: Program) -> list[str]:
    """What would refuse the approval now: read without locks, to warn the planner before
    deciding (the approval checks again under lock)."""
    return _verdict(amendment, program, lock=False)[0]


def _verdict(amendment: Amendment, program: Program, *, lock: bool):
    """What refuses applying `amendment` to `program` now; the needs it shifts (locked with
    `lock`, in primary-key order) and by how much."""
    if program.status not in workflow.APPLICABLE[amendment.origin]:
        refused = _("The program is %(status)s now: return the change instead.") % {
            "status": program.get_status_display().lower()
        }
        return [refused], {}, {}
    if snapshot(program) != amendment.base:
        refused = _(
            "The program changed since this change was proposed: return it, so that the "
            "company proposes it again on the current version."
        )
        return [refused], {}, {}
    if lock:  # against a verification moving what is delivered, a report being filed
        list(program.pledges.select_for_update().order_by("pk").values("pk"))
        list(program.outputs.select_for_update().order_by("pk").values("pk"))
    state = amendment.proposed
    refused = problems(program, state)
    shifts = _pledged_by_need(state["pledges"])
    shifts.subtract(_pledged_by_need(amendment.base["pledges"]))
    # Only a committed program's pledges count toward their needs.
    committed = program.status in Program.COMMITTED
    shifts = {pk: shift for pk, shift in shifts.items() if shift and committed}
    needs = workflow.lock_needs(shifts) if lock else Need.objects.in_bulk(list(shifts))
    wording = _('"%(need)s" has %(gap)s %(unit)s left; this change pledges %(wanted)s more.')
    return refused + workflow.beyond_gaps(needs, shifts, wording), needs, shifts


def _pledged_by_need(rows: list[dict]) -> Counter:
    pledged = Counter()
    for row in rows:
        if row["need"]:
            pledged[row["need"]] += row["quantity"]
    return pledged


def _apply(program: Program, state: dict) -> None:
    """Write `state` to the locked program: its fields, villages and rows, each save audited."""
    changed = [
        name
        for name in FIELDS
        if _value(Program, name, getattr(program, name)) != state["fields"][name]
    ]
    for name in changed:
        field = Program._meta.get_field(name)
        setattr(program, name, field.to_python(state["fields"][name]))
    program.save(update_fields=[*changed, "updated_by", "updated_at"])
    program.villages.set(state["villages"])
    open_reports = list(program.reports.filter(status__in=OPEN_REPORTS))
    for key, (model, names) in ROWS.items():
        stored = {row.pk: row for row in model.objects.filter(program=program)}
        kept = set()
        for row in state[key]:
            instance = stored.get(row["id"]) or model(program=program)
            kept.add(instance.pk)
            values = {n: row[n] for n in names}
            if key == "outputs" and values["indicator"] is None:
                values["indicator"] = indicator_named(
                    row["new_indicator"], row["new_unit"], program.company
                ).pk
            fields = [
                n
                for n in names
                if _value(model, n, model._meta.get_field(n).value_from_object(instance))
                != values[n]
            ]
            for n in fields:
                field = model._meta.get_field(n)
                setattr(instance, field.attname, field.to_python(values[n]))
            if instance.pk is None:
                instance.save()
                if key != "partners":  # a line in each open report, as report_create makes
                    for report in open_reports:
                        instance.report_lines.create(report=report)
            elif fields:
                instance.save(update_fields=[model._meta.get_field(n).attname for n in fields])
        for pk, instance in stored.items():
            if pk not in kept:
                if key != "partners":  # only empty lines of open reports (`problems`)
                    instance.report_lines.filter(report__status__in=OPEN_REPORTS).delete()
                instance.delete()
    claims.fit(program)  # the units a changed pledge no longer covers are given back


@transaction.atomic
def amendment_return(*, amendment: Amendment, by, comment: str = "") -> Amendment:
    """Refuse the change: the planners send a company's change back with what to change or
    why not; a company declines the planners' proposal, a note optional."""
    if not amendment.is_steering and not comment.strip():
        raise ValidationError(_("Write a comment for the company: say what to change or why."))
    amendment, program = _locked_open(amendment)
    _close(amendment, A.RETURNED, by=by, comment=comment)
    notifications.amendment_decided(amendment, program)
    return amendment


@transaction.atomic
def amendment_withdraw(*, amendment: Amendment, by) -> Amendment:
    """The company takes its proposal back before the planners decide."""
    amendment, _program = _locked_open(amendment)
    _close(amendment, A.WITHDRAWN, by=by, comment="")
    return amendment


# The service of each decision a page offers, by name.
DECISIONS = {
    "approve": amendment_approve,
    "return": amendment_return,
    "withdraw": amendment_withdraw,
}


@dataclass(frozen=True)
class Difference:
    """One line of the side-by-side view: what, as it was, as proposed."""

    what: str
    before: str
    after: str


def differences(amendment: Amendment) -> list[Difference]:
    """What the amendment changes, in words, in a constant number of queries (one per kind of
    name: priorities, needs, villages, indicators, companies)."""
    base, proposed = amendment.base, amendment.proposed
    names = _Names(base, proposed)
    found = []
    for name in FIELDS:
        old, new = base["fields"][name], proposed["fields"][name]
        if old != new:
            label = str(Program._meta.get_field(name).verbose_name)
            found.append(
                Difference(label[:1].upper() + label[1:], _shown(name, old), _shown(name, new))
            )
    if base["villages"] != proposed["villages"]:
        found.append(
            Difference(
                _("Target kelurahan"),
                names.villages(base["villages"]),
                names.villages(proposed["villages"]),
            )
        )
    labels = {"pledges": _("Pledge"), "outputs": _("Output"), "partners": _("Partner")}
    for key in ROWS:
        old_rows = {row["id"]: row for row in base[key]}
        new_ids = set()
        for row in proposed[key]:
            new_ids.add(row["id"])
            old = old_rows.get(row["id"])
            if old is None:
                found.append(Difference(labels[key], "–", names.row(key, row)))
            elif old != row:
                found.append(Difference(labels[key], names.row(key, old), names.row(key, row)))
        for pk, old in old_rows.items():
            if pk not in new_ids:
                found.append(Difference(labels[key], names.row(key, old), _("removed")))
    return found


def _shown(name: str, value) -> str:
    if value in (None, "", []):
        return "–"
    if name == "budget":
        return rupiah(value)
    if name in ("start_date", "end_date"):
        return formats.date_format(date.fromisoformat(value))
    if name == "beneficiaries":
        return formats.number_format(value, force_grouping=True)
    if name == "sdgs":
        return ", ".join(str(Sdg(number).label) for number in value if number in Sdg.values)
    return str(value)


class _Names:
    """The names of what both versions refer to, read once."""

    def __init__(self, *states):
        def ids(key, name):
            return {row[name] for state in states for row in state[key] if row.get(name)}

        villages = {pk for state in states for pk in state["villages"]} | ids("outputs", "village")
        self.priorities = Priority.objects.in_bulk(ids("pledges", "priority"))
        self.needs = Need.objects.select_related("village").in_bulk(ids("pledges", "need"))
        self.places = Region.objects.in_bulk(villages)
        self.indicators = OutputIndicator.objects.in_bulk(ids("outputs", "indicator"))
        self.companies = Company.objects.in_bulk(ids("partners", "company"))

    def villages(self, ids: list[int]) -> str:
        return ", ".join(self._name(self.places, pk) for pk in ids) or "–"

    @staticmethod
    def _name(found: dict, pk) -> str:
        item = found.get(pk)
        return getattr(item, "name", None) or str(item) if item else "–"

    def row(self, key: str, row: dict) -> str:
        if key == "pledges":
            priority = self.priorities.get(row["priority"])
            need = self.needs.get(row["need"])
            parts = [
                priority.code if priority else "–",
                f"{need.title} ({need.village.name})" if need else _("no need chosen"),
                f"{row['quantity']} {priority.get_unit_display() if priority else ''}".strip(),
                rupiah(row["amount"]),
            ]
        elif key == "outputs":
            indicator = self.indicators.get(row["indicator"])
            what = str(indicator) if indicator else f"{row['new_indicator']} ({row['new_unit']})"
            parts = [f"{row['target_quantity']} × {what}"]
            if row["village"]:
                parts.append(self._name(self.places, row["village"]))
            if row["site"]:
                parts.append(row["site"])
            if row["latitude"] is not None:
                parts.append(f"{row['latitude']}, {row['longitude']}")
        else:
            kind = ProgramPartner.Kind(row["kind"]).label
            who = self._name(self.companies, row["company"]) if row["company"] else row["name"]
            parts = [f"{who} ({kind}{': ' + row['role'] if row['role'] else ''})"]
        return " · ".join(parts)
