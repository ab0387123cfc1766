import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from planning.models import Need
from programs import matching, workflow
from programs.models import Program
from regions.models import Region
from tests.factories import (
    CompanyVillageFactory,
    NeedFactory,
    PlannerFactory,
    PledgeFactory,
    ProgramFactory,
)
from tests.utils import at_once, postgres_only, queries_for

S = Program.Status
ALL = list(S.values)
# Who may move a program from each status to each target: "planner", "officer" or both.
ALLOWED = {
    (S.DRAFT, S.SUBMITTED): {"officer"},
    (S.REVISION, S.SUBMITTED): {"officer"},
    (S.SUBMITTED, S.APPROVED): {"planner"},
    (S.SUBMITTED, S.REVISION): {"planner"},
    (S.SUBMITTED, S.REJECTED): {"planner"},
    (S.APPROVED, S.IN_PROGRESS): {"planner", "officer"},
    (S.IN_PROGRESS, S.COMPLETED): {"planner", "officer"},
    (S.APPROVED, S.CANCELLED): {"planner", "officer"},
    (S.IN_PROGRESS, S.CANCELLED): {"planner", "officer"},
}
# Targets a role may never reach: refused with 403 whatever the status.
NEVER = {
    "planner": {S.SUBMITTED},
    "officer": {S.APPROVED, S.REVISION, S.REJECTED},
    "other_officer": set(ALL),
}


def post_move(client, program, to):
    return client.post(
        reverse("programs:transition", args=[program.pk, to]), {"comment": "Catatan"}
    )


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("target", [s for s in ALL if s != S.DRAFT])
def test_every_transition_for_every_role(
    status, target, program_a, client_for, planner, officer_a, officer_b
):
    for role, user in [("planner", planner), ("officer", officer_a), ("other_officer", officer_b)]:
        Program.objects.filter(pk=program_a.pk).update(status=status)
        # A consistent start: committed statuses already count program_a's pledge of 5, and
        # it is delivered (completion has rules of its own: tests/delivery).
        Need.objects.update(pledged_quantity=5 if status in Program.COMMITTED else 0)
        program_a.pledges.update(delivered_quantity=5 if status == S.IN_PROGRESS else 0)
        response = post_move(client_for(user), program_a, target)
        after = Program.objects.get(pk=program_a.pk).status
        visible = role != "other_officer" and not (role == "planner" and status == S.DRAFT)
        if not visible:
            assert response.status_code == 404, (role, status, target)
        elif role in ALLOWED.get((status, target), set()):
            assert (response.status_code, after) == (302, target), (role, status, target)
        elif target in NEVER[role]:
            assert (response.status_code, after) == (403, status), (role, status, target)
        else:
            assert (response.status_code, after) == (302, status), (role, status, target)
        program_a.transitions.all().delete()


def submitted(program):
    Program.objects.filter(pk=program.pk).update(status=S.SUBMITTED)
    program.refresh_from_db()
    return program


def test_approval_counts_the_pledges_toward_their_needs(program_a, planner, tegal_ratu_need):
    workflow.program_approve(program=submitted(program_a), by=planner)
    tegal_ratu_need.refresh_from_db()
    assert tegal_ratu_need.pledged_quantity == 5
    transition = program_a.transitions.get()
    assert (transition.from_status, transition.to_status, transition.by) == (
        "submitted",
        "approved",
        planner,
    )


def test_approval_is_refused_when_a_need_has_too_little_left(program_a, planner, tegal_ratu_need):
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=37)  # 3 left, 5 pledged
    with pytest.raises(ValidationError, match="3"):
        workflow.program_approve(program=submitted(program_a), by=planner)
    assert Program.objects.get(pk=program_a.pk).status == S.SUBMITTED
    assert not program_a.transitions.exists()
    assert Need.objects.get(pk=tegal_ratu_need.pk).pledged_quantity == 37


def test_approval_is_refused_for_a_closed_need(program_a, planner, tegal_ratu_need):
    Need.objects.filter(pk=tegal_ratu_need.pk).update(status=Need.Status.CLOSED)
    with pytest.raises(ValidationError):
        workflow.program_approve(program=submitted(program_a), by=planner)


def test_two_pledges_to_one_need_count_together(program_a, planner, tegal_ratu_need):
    PledgeFactory(program=program_a, need=tegal_ratu_need, quantity=36)  # 5 + 36 > 40
    with pytest.raises(ValidationError):
        workflow.program_approve(program=submitted(program_a), by=planner)


def test_cancelling_an_approved_program_releases_its_pledges(program_a, planner, tegal_ratu_need):
    workflow.program_approve(program=submitted(program_a), by=planner)
    workflow.program_cancel(program=program_a, by=planner, comment="Lokasi berubah")
    assert Need.objects.get(pk=tegal_ratu_need.pk).pledged_quantity == 0


@pytest.mark.parametrize("service", [workflow.program_request_revision, workflow.program_reject])
def test_revision_and_rejection_need_a_comment(program_a, planner, service):
    with pytest.raises(ValidationError):
        service(program=submitted(program_a), by=planner, comment="   ")
    assert Program.objects.get(pk=program_a.pk).status == S.SUBMITTED


def test_an_officer_cannot_approve_their_own_program(program_a, officer_a):
    with pytest.raises(PermissionDenied):
        workflow.program_approve(program=submitted(program_a), by=officer_a)


def test_a_submission_emails_the_planners(
    program_a, officer_a, planner, django_capture_on_commit_callbacks
):
    PlannerFactory(username="planner2", email="")  # no address: skipped
    with django_capture_on_commit_callbacks(execute=True):
        workflow.program_submit(program=program_a, by=officer_a)
    assert [m.to for m in mail.outbox] == [[planner.email]]
    assert program_a.title in mail.outbox[0].subject
    assert f"/programs/{program_a.pk}/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("service", "word"),
    [
        (workflow.program_approve, "Disetujui"),
        (workflow.program_request_revision, "Perlu revisi"),
        (workflow.program_reject, "Ditolak"),
    ],
)
def test_each_decision_emails_the_company_s_officers_with_the_comment(
    program_a, officer_a, planner, service, word, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service(program=submitted(program_a), by=planner, comment="Tambahkan foto lokasi")
    assert [m.to for m in mail.outbox] == [[officer_a.email]]
    assert word in mail.outbox[0].subject
    assert "Tambahkan foto lokasi" in mail.outbox[0].body


def test_no_email_leaves_when_the_decision_fails(
    program_a, planner, tegal_ratu_need, django_capture_on_commit_callbacks
):
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=40)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        workflow.program_approve(program=submitted(program_a), by=planner)
    assert mail.outbox == []


def test_the_timeline_shows_the_comment_to_both_sides(program_a, planner, client_for, officer_a):
    workflow.program_request_revision(
        program=submitted(program_a), by=planner, comment="Perjelas jadwal"
    )
    for user in (officer_a, planner):
        page = client_for(user).get(program_a.get_absolute_url()).content.decode()
        assert "Perjelas jadwal" in page and "Perlu revisi" in page


def test_needs_for_a_program_are_ranked_with_their_reasons(
    program_a, rutilahu, classrooms, company_a, village
):
    # program_a: village Tegal Ratu, pillar infrastructure; company A has ring 1 in Tegal Ratu;
    # it already pledges to "Rutilahu Tegal Ratu", which is therefore not suggested again.
    NeedFactory(priority=rutilahu, village=village, quantity=12, title="Rutilahu Tegal Ratu RW 3")
    kubangsari = Region.objects.get(code="36.72.04.1003")
    suralaya = Region.objects.get(code="36.72.03.1004")
    CompanyVillageFactory(company=company_a, village=kubangsari, ring=2)
    far = NeedFactory(priority=classrooms, village=suralaya, quantity=90, title="Jauh")
    ring2 = NeedFactory(priority=rutilahu, village=kubangsari, quantity=10, title="Ring 2")
    funded = NeedFactory(priority=rutilahu, village=kubangsari, quantity=5, pledged_quantity=5)

    ranked = list(matching.needs_for_program(program_a))

    titles = [n.title for n in ranked]
    assert titles[0] == "Rutilahu Tegal Ratu RW 3"  # same kelurahan + ring 1 + pillar
    assert "Rutilahu Tegal Ratu" not in titles  # pledged to already
    assert titles.index(ring2.title) < titles.index("Jauh")  # ring 2 + pillar beats a bigger gap
    assert funded.title not in titles
    top = ranked[0]
    assert (top.same_village, top.ring, top.same_pillar) == (True, 1, True)
    assert (ranked[-1].same_village, ranked[-1].ring, ranked[-1].same_pillar) == (
        False,
        None,
        False,
    )
    assert far.pk == ranked[-1].pk


def test_companies_for_a_need_are_ranked_with_their_reasons(
    tegal_ratu_need, company_a, company_b, plan
):
    # company_a: ring 1 in Tegal Ratu. company_b: no ring, but approved housing programs.
    for _ in range(2):
        ProgramFactory(company=company_b, plan=plan, status=S.APPROVED, pillar="infrastructure")
    ranked = list(matching.companies_for_need(tegal_ratu_need))
    assert [c.name for c in ranked] == [company_a.name, company_b.name]
    assert (ranked[0].ring, ranked[0].pillar_programs) == (1, 0)
    assert (ranked[1].ring, ranked[1].pillar_programs, ranked[1].committed_budget) == (
        None,
        2,
        2_000_000_000,
    )


def test_the_planner_program_page_shows_gaps_ring_villages_and_suggestions(
    planner_client, program_a, rutilahu, village
):
    NeedFactory(priority=rutilahu, village=village, quantity=12)
    response = planner_client.get(submitted(program_a).get_absolute_url())
    assert response.context["targets"] == [S.APPROVED, S.REVISION, S.REJECTED]
    assert response.context["suggested_needs"]
    assert [cv.village.name for cv in response.context["ring_villages"]] == ["Tegal Ratu"]
    assert "Setujui" in response.content.decode()


def test_program_pages_keep_a_constant_query_count_with_1_or_many_programs(
    planner_client, program_a, company_a, plan, rutilahu
):
    submitted(program_a)
    need = program_a.pledges.get().need
    urls = [reverse("programs:list"), program_a.get_absolute_url(), need.get_absolute_url()]
    few = [len_queries(planner_client, url) for url in urls]
    for i in range(15):
        other = ProgramFactory(company=company_a, plan=plan, status=S.SUBMITTED, title=f"P{i}")
        PledgeFactory(program=other, need=need, quantity=1)
        PledgeFactory(program=program_a, need=NeedFactory(priority=rutilahu), quantity=1, amount=1)
    assert [len_queries(planner_client, url) for url in urls] == few


def len_queries(client, url):
    return queries_for(client, url)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_planners_approving_competing_programs_at_once_never_overfund_a_need(
    company_a, company_b, plan, tegal_ratu_need
):
    """Two real connections approve at the same moment; the need's row lock lets one win."""
    planners = [PlannerFactory(username=f"planner{i}") for i in range(2)]
    programs = []
    for company in (company_a, company_b):
        program = ProgramFactory(company=company, plan=plan, status=S.SUBMITTED)
        PledgeFactory(program=program, need=tegal_ratu_need, quantity=30)  # 30 + 30 > 40
        programs.append(program)
    outcomes = at_once(
        *(
            lambda program=program, planner=planner: workflow.program_approve(
                program=program, by=planner
            )
            for program, planner in zip(programs, planners, strict=True)
        )
    )
    outcomes = ["refused" if isinstance(o, ValidationError) else o.status for o in outcomes]

    assert sorted(outcomes) == ["approved", "refused"]
    assert Need.objects.get(pk=tegal_ratu_need.pk).pledged_quantity == 30
    assert sorted(Program.objects.values_list("status", flat=True)) == ["approved", "submitted"]
