"""A running program changes only through an amendment: proposed by its company, approved or
returned by the region's planners, applied under the locks and checks of an approval."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from planning.models import Need
from programs import amendments, workflow
from programs.models import Amendment, OutputIndicator, Pledge, Program, ProgramOutput
from tests.factories import NeedFactory, PlannerFactory, PledgeFactory, ProgramFactory
from tests.utils import at_once, page_form_data, postgres_only, queries_for

FORMS = ("form", "formset", "outputs", "partners")


@pytest.fixture
def running(company_a, plan, tegal_ratu_need, village):
    """Company A's running program: 4 houses pledged in Tegal Ratu (counted), one output
    without coordinates."""
    program = ProgramFactory(
        company=company_a,
        plan=plan,
        title="Taman kota",
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 6, 30),
    )
    program.villages.set([village])
    PledgeFactory(program=program, need=tegal_ratu_need, quantity=4, amount=80_000_000)
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=4)
    indicator = OutputIndicator.objects.create(name="Lampu taman tenaga surya", unit="unit")
    ProgramOutput.objects.create(
        program=program, indicator=indicator, target_quantity=11, village=village, site="Taman"
    )
    return program


def amend_url(program):
    return reverse("programs:amend", args=[program.pk])


def propose(client, program, reason="Koordinat taman sudah diketahui.", **changes):
    """Post the amendment form as the browser would, with `changes`."""
    response = client.get(amend_url(program))
    assert response.status_code == 200, response.status_code
    data = page_form_data(response, *FORMS, reason=reason, **changes)
    return client.post(amend_url(program), data)


def test_the_officer_proposes_and_the_planner_approves_a_change(
    client_for, officer_a, planner, running, tegal_ratu_need, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = propose(
            client_for(officer_a),
            running,
            end_date="2026-09-30",
            **{
                "outputs-0-latitude": "-6.01650",
                "outputs-0-longitude": "106.05470",
                "pledges-0-quantity": "6",
            },
        )
    amendment = Amendment.objects.get()
    assert response.status_code == 302 and response.url == amendment.get_absolute_url()
    running.refresh_from_db()
    assert running.end_date == datetime.date(2026, 6, 30)  # nothing changes before approval
    assert amendment.status == "proposed" and amendment.proposed_by == officer_a
    assert [m.to for m in mail.outbox] == [[planner.email]]

    page = client_for(planner).get(amendment.get_absolute_url()).content.decode()
    assert "30 Juni 2026" in page and "30 September 2026" in page  # side by side
    assert "-6.01650, 106.05470" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(planner).post(
            reverse("programs:amendment_decide", args=[running.pk, amendment.pk, "approve"]),
            {"comment": "Setuju."},
        )
    assert response.status_code == 302
    running.refresh_from_db()
    output = running.outputs.get()
    assert running.end_date == datetime.date(2026, 9, 30)
    assert (str(output.latitude), str(output.longitude)) == ("-6.01650", "106.05470")
    assert running.pledges.get().quantity == 6
    assert Need.objects.get(pk=tegal_ratu_need.pk).pledged_quantity == 6  # 4 + 2
    amendment.refresh_from_db()
    assert (amendment.status, amendment.decided_by, amendment.comment) == (
        "approved",
        planner,
        "Setuju.",
    )
    assert mail.outbox[-1].to == [officer_a.email]
    # Every change is in the trail, with who made it.
    logged = LogEntry.objects.filter(actor=planner)
    assert {entry.content_type.model for entry in logged} >= {
        "program",
        "programoutput",
        "pledge",
        "need",
        "amendment",
    }
    # The program's page lists it; its history shows the amendment.
    page = client_for(officer_a).get(running.get_absolute_url()).content.decode()
    assert amendment.get_absolute_url() in page


def test_a_returned_change_leaves_the_program_as_it_was(
    client_for, officer_a, planner, running, django_capture_on_commit_callbacks
):
    propose(client_for(officer_a), running, budget="900000000")
    amendment = Amendment.objects.get()
    url = reverse("programs:amendment_decide", args=[running.pk, amendment.pk, "return"])
    client_for(planner).post(url, {"comment": ""})
    assert Amendment.objects.get().status == "proposed"  # a comment is required
    with django_capture_on_commit_callbacks(execute=True):
        client_for(planner).post(url, {"comment": "Anggaran belum disetujui direksi."})
    amendment.refresh_from_db()
    running.refresh_from_db()
    assert amendment.status == "returned" and running.budget == 1_000_000_000
    assert "Anggaran belum disetujui direksi." in mail.outbox[-1].body
    # The company may propose again.
    assert client_for(officer_a).get(amend_url(running)).status_code == 200


def test_a_pledge_beyond_its_needs_gap_is_refused_at_approval(
    client_for, officer_a, planner, running, tegal_ratu_need, company_b, plan
):
    propose(client_for(officer_a), running, **{"pledges-0-quantity": "20"})
    # Meanwhile another company's program takes 30 of the need's 40 houses.
    other = ProgramFactory(company=company_b, plan=plan, status=Program.Status.SUBMITTED)
    PledgeFactory(program=other, need=tegal_ratu_need, quantity=30, amount=1_000_000)
    workflow.program_approve(program=other, by=planner)
    amendment = Amendment.objects.get()
    checks = client_for(planner).get(amendment.get_absolute_url()).context["checks"]
    assert len(checks) == 1 and "Rutilahu Tegal Ratu" in checks[0]  # warned before deciding
    with pytest.raises(ValidationError):
        amendments.amendment_approve(amendment=amendment, by=planner)
    assert Need.objects.get(pk=tegal_ratu_need.pk).pledged_quantity == 34
    assert running.pledges.get().quantity == 4
    assert Amendment.objects.get().status == "proposed"


def test_a_pledge_moved_to_another_need_moves_what_both_needs_count(
    client_for, officer_a, planner, running, tegal_ratu_need, rutilahu, village
):
    other = NeedFactory(priority=rutilahu, village=village, quantity=10, title="Rutilahu RW 02")
    propose(client_for(officer_a), running, **{"pledges-0-need": str(other.pk)})
    amendments.amendment_approve(amendment=Amendment.objects.get(), by=planner)
    assert Need.objects.get(pk=tegal_ratu_need.pk).pledged_quantity == 0
    assert Need.objects.get(pk=other.pk).pledged_quantity == 4
    assert running.pledges.get().need == other


def test_what_reports_delivered_stays(client_for, officer_a, running):
    Pledge.objects.filter(program=running).update(delivered_quantity=3)
    response = propose(client_for(officer_a), running, **{"pledges-0-quantity": "2"})
    assert response.status_code == 200
    assert "terealisasi 3" in str(response.context["form"].non_field_errors())
    assert not Amendment.objects.exists()


def test_a_proposal_that_changes_nothing_is_refused(client_for, officer_a, running):
    response = propose(client_for(officer_a), running)
    assert response.status_code == 200 and not Amendment.objects.exists()
    assert response.context["form"].non_field_errors()


def test_one_change_at_a_time(client_for, officer_a, running):
    client = client_for(officer_a)
    propose(client, running, budget="900000000")
    amendment = Amendment.objects.get()
    response = client.get(amend_url(running))
    assert response.status_code == 302 and response.url == amendment.get_absolute_url()
    client.post(reverse("programs:amendment_decide", args=[running.pk, amendment.pk, "withdraw"]))
    assert Amendment.objects.get().status == "withdrawn"
    assert client.get(amend_url(running)).status_code == 200


def test_a_change_proposed_on_an_older_version_is_refused(client_for, officer_a, planner, running):
    client = client_for(officer_a)
    propose(client, running, budget="900000000")
    first = Amendment.objects.get()
    amendments.amendment_withdraw(amendment=first, by=officer_a)
    # A form opened before another change was approved is refused as stale.
    stale_page = client.get(amend_url(running))
    propose(client, running, end_date="2026-07-31")
    amendments.amendment_approve(amendment=Amendment.objects.get(status="proposed"), by=planner)
    data = page_form_data(stale_page, *FORMS, reason="Lagi", budget="800000000")
    response = client.post(amend_url(running), data)
    assert response.status_code == 200
    assert Amendment.objects.filter(status="proposed").count() == 0
    # And an amendment whose base is no longer the program is refused at approval.
    Amendment.objects.filter(pk=first.pk).update(status="proposed", decided_at=None)
    with pytest.raises(ValidationError):
        amendments.amendment_approve(amendment=first, by=planner)


def test_who_may_propose_and_decide(client_for, officer_a, officer_b, planner, running):
    assert client_for(officer_b).get(amend_url(running)).status_code == 404
    assert client_for(planner).get(amend_url(running)).status_code == 403
    propose(client_for(officer_a), running, budget="900000000")
    amendment = Amendment.objects.get()
    approve = reverse("programs:amendment_decide", args=[running.pk, amendment.pk, "approve"])
    assert client_for(officer_a).post(approve).status_code == 403
    withdraw = reverse("programs:amendment_decide", args=[running.pk, amendment.pk, "withdraw"])
    assert client_for(planner).post(withdraw).status_code == 403
    assert Amendment.objects.get().status == "proposed"


def test_a_draft_is_edited_not_amended(client_for, officer_a, program_a):
    assert client_for(officer_a).get(amend_url(program_a)).status_code == 403


def test_the_change_page_costs_the_same_queries_for_one_or_many_lines(
    client_for, officer_a, planner, running, rutilahu, village
):
    def page_queries():
        amendment = Amendment.objects.get(status="proposed")
        queries = queries_for(client_for(planner), amendment.get_absolute_url())
        amendments.amendment_withdraw(amendment=amendment, by=officer_a)
        return queries

    def new_lines(count):
        changes = {}
        for index in range(1, count + 1):  # the empty pledge lines, each toward a new need
            need = NeedFactory(priority=rutilahu, village=village, title=f"Baru {count}-{index}")
            changes |= {
                f"pledges-{index}-need": str(need.pk),
                f"pledges-{index}-quantity": "1",
                f"pledges-{index}-amount": "1000000",
            }
        return changes

    propose(client_for(officer_a), running, **new_lines(1))
    few = page_queries()
    propose(client_for(officer_a), running, budget="800000000", **new_lines(2))
    assert page_queries() == few


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_amendment_and_an_approval_racing_for_one_need_never_overfund_it(
    company_a, company_b, plan, tegal_ratu_need, village, officer_a
):
    """Two planners at the same moment: one approves the amendment raising a running pledge by
    20, the other a program pledging 30 of the need's 36 left; the needs' locks let one win."""
    running = ProgramFactory(company=company_a, plan=plan, status=Program.Status.IN_PROGRESS)
    running.villages.set([village])
    pledge = PledgeFactory(program=running, need=tegal_ratu_need, quantity=4, amount=1_000)
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=4)
    base = amendments.snapshot(running)
    proposed = {**base, "pledges": [{**base["pledges"][0], "quantity": 24}]}
    amendment = Amendment.objects.create(
        program=running, reason="Tambah rumah", base=base, proposed=proposed, proposed_by=officer_a
    )
    other = ProgramFactory(company=company_b, plan=plan, status=Program.Status.SUBMITTED)
    PledgeFactory(program=other, need=tegal_ratu_need, quantity=30, amount=1_000)
    planners = [PlannerFactory(username=f"planner{i}") for i in range(2)]

    outcomes = at_once(
        lambda: amendments.amendment_approve(amendment=amendment, by=planners[0]),
        lambda: workflow.program_approve(program=other, by=planners[1]),
    )
    won = [not isinstance(outcome, Exception) for outcome in outcomes]
    assert won.count(True) == 1, outcomes
    assert all(isinstance(o, ValidationError) for o in outcomes if isinstance(o, Exception))
    pledged = Need.objects.get(pk=tegal_ratu_need.pk).pledged_quantity
    assert pledged == (24 if won[0] else 34) <= 40
    assert Pledge.objects.get(pk=pledge.pk).quantity == (24 if won[0] else 4)


# Steering: the planners propose, the company decides.


@pytest.fixture
def submitted(company_a, plan, tegal_ratu_need, village):
    program = ProgramFactory(company=company_a, plan=plan, status=Program.Status.SUBMITTED)
    program.villages.set([village])
    PledgeFactory(program=program, need=tegal_ratu_need, quantity=5, amount=100_000_001)
    return program


@pytest.fixture
def masigit_need(rutilahu):
    """A need in Masigit, where no CSR works: left behind."""
    from regions.models import Region

    return NeedFactory(
        priority=rutilahu,
        village=Region.objects.get(code="36.72.05.1003"),
        quantity=80,
        title="Rutilahu Masigit",
    )


def steer(client, program, **data):
    pledge = program.pledges.get()
    return client.post(reverse("programs:steer", args=[program.pk, pledge.pk]), data)


def test_a_planner_steers_a_pledge_the_company_accepts_and_the_dashboard_counts_it(
    client_for,
    planner,
    officer_a,
    submitted,
    tegal_ratu_need,
    masigit_need,
    django_capture_on_commit_callbacks,
):
    page = client_for(planner).get(submitted.get_absolute_url()).content.decode()
    pledge = submitted.pledges.get()
    assert reverse("programs:steer", args=[submitted.pk, pledge.pk]) in page
    form = client_for(planner).get(reverse("programs:steer", args=[submitted.pk, pledge.pk]))
    labels = [label for _value, label in form.context["form"].fields["need_1"].choices]
    assert "Rutilahu Masigit" in str(labels[1])  # left behind: first

    with django_capture_on_commit_callbacks(execute=True):
        response = steer(
            client_for(planner),
            submitted,
            reason="Masigit belum tersentuh CSR.",
            need_1=tegal_ratu_need.pk,
            quantity_1=2,
            need_2=masigit_need.pk,
            quantity_2=3,
        )
    proposal = Amendment.objects.get()
    assert response.status_code == 302 and response.url == proposal.get_absolute_url()
    assert proposal.is_steering and proposal.left_behind_units == 3
    assert proposal.left_behind_rupiah == 60_000_000  # 3/5 of the amount, rounded down
    assert [m.to for m in mail.outbox] == [[officer_a.email]]
    assert submitted.pledges.get().quantity == 5  # nothing changes before the company decides

    # The company sees it on the program's page and accepts in one click.
    page = client_for(officer_a).get(submitted.get_absolute_url()).content.decode()
    assert proposal.get_absolute_url() in page
    assert client_for(officer_a).get(proposal.get_absolute_url()).context["decides"]
    with django_capture_on_commit_callbacks(execute=True):
        client_for(officer_a).post(
            reverse("programs:amendment_decide", args=[submitted.pk, proposal.pk, "approve"])
        )
    proposal.refresh_from_db()
    assert proposal.get_status_display() == "Diterima"
    lines = list(submitted.pledges.order_by("pk").values_list("need", "quantity", "amount"))
    assert lines == [
        (tegal_ratu_need.pk, 2, 40_000_001),
        (masigit_need.pk, 3, 60_000_000),
    ]
    assert mail.outbox[-1].to == [planner.email]
    # Under review, nothing counts toward the needs yet.
    assert Need.objects.get(pk=masigit_need.pk).pledged_quantity == 0
    dashboard = client_for(planner).get(reverse("insight:dashboard"))
    steered = dashboard.context["steered"]
    assert (steered.accepted, steered.left_behind_units) == (1, 3)


def test_a_company_declines_the_planners_proposal(
    client_for, planner, officer_a, submitted, tegal_ratu_need, masigit_need
):
    steer(client_for(planner), submitted, reason="Ke Masigit", need_1=masigit_need.pk, quantity_1=5)
    proposal = Amendment.objects.get()
    client_for(officer_a).post(
        reverse("programs:amendment_decide", args=[submitted.pk, proposal.pk, "return"])
    )
    proposal.refresh_from_db()
    assert proposal.status == "returned" and proposal.get_status_display() == "Ditolak"
    assert submitted.pledges.get().need == tegal_ratu_need


def test_steering_a_running_pledge_moves_what_the_needs_count_once_accepted(
    client_for, planner, officer_a, running, tegal_ratu_need, masigit_need
):
    steer(client_for(planner), running, reason="Ke Masigit", need_1=masigit_need.pk, quantity_1=4)
    amendments.amendment_approve(amendment=Amendment.objects.get(), by=officer_a)
    assert Need.objects.get(pk=tegal_ratu_need.pk).pledged_quantity == 0
    assert Need.objects.get(pk=masigit_need.pk).pledged_quantity == 4


def test_quantities_must_add_up_and_stay_in_the_pledges_priority(
    client_for, planner, submitted, masigit_need, classrooms, village
):
    response = steer(
        client_for(planner), submitted, reason="x", need_1=masigit_need.pk, quantity_1=4
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    school = NeedFactory(priority=classrooms, village=village)
    response = steer(client_for(planner), submitted, reason="x", need_1=school.pk, quantity_1=5)
    assert response.status_code == 200 and response.context["form"].errors["need_1"]
    assert not Amendment.objects.exists()


def test_who_may_steer_decide_and_withdraw(client_for, planner, officer_a, submitted, masigit_need):
    pledge = submitted.pledges.get()
    url = reverse("programs:steer", args=[submitted.pk, pledge.pk])
    assert client_for(officer_a).get(url).status_code == 403
    steer(client_for(planner), submitted, reason="x", need_1=masigit_need.pk, quantity_1=5)
    proposal = Amendment.objects.get()

    def decide(user, decision):
        return client_for(user).post(
            reverse("programs:amendment_decide", args=[submitted.pk, proposal.pk, decision])
        )

    assert decide(planner, "approve").status_code == 403
    assert decide(officer_a, "withdraw").status_code == 403
    assert decide(planner, "withdraw").status_code == 302
    assert Amendment.objects.get().status == "withdrawn"


# Reports, statuses and the rules that follow from them.


def test_an_empty_line_of_a_draft_report_does_not_hold_a_pledge_and_new_rows_join_it(
    client_for, officer_a, planner, running, tegal_ratu_need, masigit_need
):
    from delivery import services as delivery

    draft = delivery.report_create(
        program=running,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        by=officer_a,
    )
    steer(client_for(planner), running, reason="Ke Masigit", need_1=masigit_need.pk, quantity_1=4)
    amendments.amendment_approve(amendment=Amendment.objects.get(), by=officer_a)
    assert running.pledges.get().need == masigit_need
    # A change adding an output: the open draft gets a line for it.
    response = propose(
        client_for(officer_a),
        running,
        **{
            "outputs-1-indicator": str(OutputIndicator.objects.get().pk),
            "outputs-1-target_quantity": "3",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    amendments.amendment_approve(amendment=Amendment.objects.get(status="proposed"), by=planner)
    assert draft.output_lines.count() == 2 and draft.lines.count() == 1


def test_a_reported_figure_holds_its_pledge(client_for, officer_a, planner, running, masigit_need):
    from delivery import services as delivery

    draft = delivery.report_create(
        program=running,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        by=officer_a,
    )
    draft.lines.update(quantity=2)
    response = steer(client_for(planner), running, reason="x", need_1=masigit_need.pk, quantity_1=4)
    assert response.status_code == 200 and not Amendment.objects.exists()


def test_an_open_change_is_closed_when_the_program_moves_where_it_cannot_apply(
    client_for, planner, officer_a, submitted, masigit_need
):
    steer(client_for(planner), submitted, reason="x", need_1=masigit_need.pk, quantity_1=5)
    workflow.program_request_revision(program=submitted, by=planner, comment="Lengkapi.")
    proposal = Amendment.objects.get()
    assert proposal.status == "returned" and proposal.decided_at is not None


def test_a_split_keeps_the_pledge_on_its_own_needs_line(
    client_for, planner, officer_a, submitted, tegal_ratu_need, masigit_need
):
    pledge = submitted.pledges.get()
    steer(
        client_for(planner),
        submitted,
        reason="x",
        need_1=masigit_need.pk,
        quantity_1=3,
        need_2=tegal_ratu_need.pk,
        quantity_2=2,
    )
    amendments.amendment_approve(amendment=Amendment.objects.get(), by=officer_a)
    assert Pledge.objects.get(pk=pledge.pk).need == tegal_ratu_need
