"""Each company's committed programs per pillar (`Commitment`), counted again whenever they
change: when a program is approved or cancelled, when an administrator corrects a committed
program's pillar or budget, after seeding. A company's row set is replaced under the company's
row lock (FOR NO KEY UPDATE: officers adding programs meanwhile are not blocked), so two
approvals for one company at once count in turn and the second sees the first.

`check` finds the companies whose rows drifted from their programs (a restore, a manual SQL
fix, a bug) and `repair` counts them again; `manage.py check_ledger` runs both.
"""

from django.db import transaction
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce

from companies.models import Company
from core import ledger, versions

from .models import Commitment, Program


def _counted(companies=None) -> dict[tuple[int, str], tuple[int, int]]:
    """{(company id, pillar): (programs, budget)} from the programs themselves."""
    programs = Program.objects.filter(status__in=Program.COMMITTED)
    if companies is not None:
        programs = programs.filter(company__in=companies)
    rows = (
        programs.values("company", "pillar")
        .annotate(programs=Count("pk"), budget=Coalesce(Sum("budget"), Value(0)))
        .order_by()
    )
    return {(r["company"], r["pillar"]): (r["programs"], r["budget"]) for r in rows}


def _stored(companies=None) -> dict[tuple[int, str], tuple[int, int]]:
    rows = Commitment.objects.all()
    if companies is not None:
        rows = rows.filter(company__in=companies)
    return {
        (company, pillar): (programs, budget)
        for company, pillar, programs, budget in rows.values_list(
            "company", "pillar", "programs", "budget"
        )
    }


@transaction.atomic
def recount(company_id: int) -> None:
    """Count the company's committed programs again, under its row lock. Call after the
    program's new status or figures are saved (in the same transaction)."""
    list(Company.objects.select_for_update(no_key=True).filter(pk=company_id).values("pk"))
    counted = _counted([company_id])
    if counted == _stored([company_id]):
        return
    versions.bump("reach")  # the companies suggested for a need rank by these
    Commitment.objects.filter(company_id=company_id).delete()
    Commitment.objects.bulk_create(
        Commitment(company_id=company, pillar=pillar, programs=programs, budget=budget)
        for (company, pillar), (programs, budget) in counted.items()
    )


def check() -> list[ledger.Drift]:
    """The companies whose stored commitments differ from their programs (core.ledger)."""
    counted, stored = _counted(), _stored()
    keys = counted.keys() | stored.keys()
    drifted = sorted({key[0] for key in keys if counted.get(key) != stored.get(key)})
    return [
        ledger.Drift(
            company,
            "commitments",
            _per_pillar(stored, company.pk),
            _per_pillar(counted, company.pk),
            line=f"company {company.pk}: committed programs per pillar differ",
        )
        for company in Company.objects.filter(pk__in=drifted).only("pk").order_by("pk")
    ]


def _per_pillar(rows: dict, company_id: int) -> dict:
    return {pillar: figures for (company, pillar), figures in rows.items() if company == company_id}


def repair(drifts: list[ledger.Drift], *, by=None) -> list[ledger.Drift]:
    """Count each drifted company again (core.ledger); returns what was repaired."""
    for drift in drifts:
        recount(drift.obj.pk)
    return drifts
