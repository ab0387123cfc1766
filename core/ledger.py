"""Figures kept beside their sources and checked against them: one shape for every ledger, so
that `manage.py check_ledger` runs them alike (delivery.ledger's pledges, programs.ledger's
needs, programs.commitments' companies).

A ledger's `check()` lists its `Drift`s (a stored figure and what its sources count);
`repair(drifts)` sets each drifted row from its sources again, under the row's lock and with an
audit entry, except the figures no repair can make right (`Drift.refused`: a need pledged beyond
its quantity waits for a planner). `Counters` is that ledger for counters an SQL expression
counts (annotated as `counted_<field>`)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Model, Q, QuerySet

from . import audit


@dataclass
class Drift:
    obj: Model
    field: str
    stored: object
    counted: object
    refused: bool = False  # left for a person: no figure could be right
    line: str = ""  # the drift in words, for check_ledger's output


@dataclass
class Counters:
    """Counter columns of `model`, counted from their sources by `count` (a queryset
    annotated with `counted_<field>` for each of `fields`)."""

    model: type[Model]
    fields: tuple[str, ...]
    count: Callable[[QuerySet], QuerySet]
    describe: Callable[[Drift], str]  # the drift in words
    # A row no repair may set (e.g. more counted than its quantity allows).
    refuses: Callable[[Model], bool] = lambda row: False
    after_repair: Callable[[], None] = lambda: None
    only: tuple[str, ...] = field(default_factory=tuple)  # the columns `describe` reads

    def check(self, pks=None) -> list[Drift]:
        """Every row whose counters differ from their sources: one query, one snapshot (a
        change committing meanwhile makes no false alarm)."""
        rows = (
            self.model._default_manager.all()
            if pks is None
            else self.model.objects.filter(pk__in=pks)
        )
        differs = Q()
        for name in self.fields:
            differs |= ~Q(**{name: F(f"counted_{name}")})
        drifted = self.count(rows).filter(differs).order_by("pk")
        if self.only:
            drifted = drifted.only("pk", *self.only, *self.fields)
        found = []
        for row in drifted:
            for name in self.fields:
                stored, counted = getattr(row, name), getattr(row, f"counted_{name}")
                if stored != counted:
                    drift = Drift(row, name, stored, counted, refused=self.refuses(row))
                    drift.line = self.describe(drift)
                    found.append(drift)
        return found

    def repair(self, drifts: list[Drift], *, by=None) -> list[Drift]:
        """Set each drifted row's counters from their sources, counted again under the row's
        lock; what the ledger refuses is left. Returns what was repaired."""
        repaired = []
        manager = self.model._default_manager
        for pk in sorted({drift.obj.pk for drift in drifts}):
            with transaction.atomic():
                row = self.count(manager.select_for_update(of=("self",))).get(pk=pk)
                changes = {
                    name: (getattr(row, name), getattr(row, f"counted_{name}"))
                    for name in self.fields
                    if getattr(row, name) != getattr(row, f"counted_{name}")
                }
                if not changes or self.refuses(row):
                    continue
                manager.filter(pk=pk).update(**{name: new for name, (_old, new) in changes.items()})
                self.after_repair()
                audit.record(row, by=by, changes=changes, data={"repair": "check_ledger"})
                repaired += [Drift(row, name, old, new) for name, (old, new) in changes.items()]
        return repaired
