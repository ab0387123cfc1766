"""Each company's committed programs per pillar: counted again by every entry point that
changes them (approval, cancellation, the admin's corrections), checked and repaired by
check_ledger, and never lost when two approvals for one company commit at once."""

import time
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies.models import Ring
from programs import commitments, matching, services, workflow
from programs.models import Commitment, Program
from tests.factories import (
    CompanyVillageFactory,
    ProgramFactory,
)
from tests.utils import admin_form_data, at_once, postgres_only, queries_for

S = Program.Status


def stored(company) -> dict[str, tuple[int, int]]:
    rows = Commitment.objects.filter(company=company)
    return {
        pillar: (n, budget)
        for pillar, n, budget in rows.values_list("pillar", "programs", "budget")
    }


def submitted(company, plan, **fields) -> Program:
    return ProgramFactory(company=company, plan=plan, status=S.SUBMITTED, **fields)


def test_approving_and_cancelling_count_the_company_again(company_a, plan, planner):
    first = submitted(company_a, plan, pillar="education", budget=300_000_000)
    second = submitted(company_a, plan, pillar="education", budget=200_000_000)
    submitted(company_a, plan, pillar="health")  # not committed: not counted
    assert stored(company_a) == {}

    workflow.program_approve(program=first, by=planner)
    workflow.program_approve(program=second, by=planner)
    assert stored(company_a) == {"education": (2, 500_000_000)}

    workflow.program_start(program=second, by=planner)  # still committed
    workflow.program_cancel(program=first, by=planner, comment="Lahan belum siap")
    assert stored(company_a) == {"education": (1, 200_000_000)}
    workflow.program_cancel(program=second, by=planner, comment="Dana dialihkan")
    assert stored(company_a) == {}
    assert commitments.check() == []


def test_the_admin_correcting_a_committed_programs_pillar_moves_it(
    staff_client, company_a, plan, planner
):
    program = submitted(company_a, plan, pillar="education", budget=300_000_000)
    workflow.program_approve(program=program, by=planner)
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = admin_form_data(staff_client.get(url), pillar="health", budget=450_000_000)
    assert staff_client.post(url, data).status_code == 302
    assert stored(company_a) == {"health": (1, 450_000_000)}
    assert commitments.check() == []


def test_the_need_page_ranks_companies_from_the_commitments(tegal_ratu_need, company_b, plan):
    for budget in (100_000_000, 200_000_000):
        ProgramFactory(company=company_b, plan=plan, status=S.APPROVED, budget=budget)
    Commitment.objects.filter(company=company_b).update(programs=3)  # a drift shows as stored
    (ranked,) = [c for c in matching.companies_for_need(tegal_ratu_need) if c == company_b]
    assert (ranked.pillar_programs, ranked.committed_budget) == (3, 300_000_000)


def test_check_ledger_finds_and_repairs_drifted_commitments(company_a, company_b, plan, capsys):
    ProgramFactory(company=company_a, plan=plan, status=S.COMPLETED, pillar="health")
    ProgramFactory(company=company_b, plan=plan, status=S.APPROVED, pillar="social")
    Commitment.objects.filter(company=company_a).delete()  # e.g. a partial restore
    Commitment.objects.filter(company=company_b).update(budget=1)
    with pytest.raises(CommandError, match="2 figures disagree"):
        call_command("check_ledger")
    out = capsys.readouterr().out
    assert f"company {company_a.pk}:" in out and f"company {company_b.pk}:" in out
    call_command("check_ledger", "--fix")
    assert "Repaired 2 of 2 figures." in capsys.readouterr().out
    assert stored(company_a) == {"health": (1, 1_000_000_000)}
    assert stored(company_b) == {"social": (1, 1_000_000_000)}
    call_command("check_ledger", verbosity=0)
    assert capsys.readouterr().out == ""


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_corrections_for_one_company_at_once_are_both_counted(company_a, plan, staff):
    """Two administrators move two committed programs of one company to another pillar at the
    same moment. Each correction locks only its program, then counts the company again:
    without the company's row lock in the count, each would count without the other's
    (uncommitted) move and one be lost, or its insert refused. Counting is slowed down so that
    both are counting at once. (Approvals hold the company's lock already: `_move` locks the
    program with its company.)"""
    programs = [
        ProgramFactory(company=company_a, plan=plan, status=S.APPROVED, pillar="health")
        for _ in range(2)
    ]
    counted = commitments._counted

    def slowly(companies=None):
        found = counted(companies)
        time.sleep(0.3)
        return found

    def correct(program):
        program.pillar = "education"
        return services.program_update(program=program, fields=["pillar"], by=staff)

    with mock.patch.object(commitments, "_counted", slowly):
        outcomes = at_once(*(lambda program=program: correct(program) for program in programs))
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert stored(company_a) == {"education": (2, 2_000_000_000)}


def test_the_need_page_keeps_its_companies_until_a_commitment_or_ring_changes(
    planner_client, planner, tegal_ratu_need, company_b, plan
):
    url = reverse("planning:need_detail", args=[tegal_ratu_need.pk])

    def suggested() -> dict[str, int]:
        companies = planner_client.get(url).context["companies"]
        return {c.name: c.pillar_programs for c in companies}

    cold = queries_for(planner_client, url)
    with CaptureQueriesContext(connection) as warm:
        planner_client.get(url)
    assert len(warm.captured_queries) <= cold - 3  # rings, commitments, ranking not read
    assert company_b.name not in suggested()

    program = submitted(company_b, plan, pillar=tegal_ratu_need.priority.pillar)
    workflow.program_approve(program=program, by=planner)  # no pledge: only recounted
    assert suggested()[company_b.name] == 1
    workflow.program_cancel(program=program, by=planner, comment="Dana dialihkan")
    assert company_b.name not in suggested()
    CompanyVillageFactory(company=company_b, village=tegal_ratu_need.village, ring=Ring.RING_2)
    assert company_b.name in suggested()
