"""The yearly synchronisation round: opening and inviting, where each company stands,
reminders, closing, and officers submitting programs into it."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import Invitation, Program, ProgramTransition, Round
from tests.factories import (
    CompanyFactory,
    CompanyVillageFactory,
    InvitationFactory,
    PledgeFactory,
    ProgramFactory,
    RoundFactory,
    UserFactory,
)
from tests.utils import loaded_version

S = Program.Status
TOTALS = ("TOTAL_FORMS", "INITIAL_FORMS")


def open_round(client, **fields):
    data = {
        "title": "Sinkronisasi CSR 2027",
        "year": "2027",
        "deadline": "2026-12-15",
        "meeting_date": "2026-12-23",
        "scope": "all",
        "ring": "3",
        **fields,
    }
    return client.post(reverse("programs:round_create"), data)


def test_opening_a_round_invites_every_company_and_emails_their_officers(
    planner_client,
    plan,
    officer_a,
    officer_b,
    company_a,
    company_b,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = open_round(planner_client)
    round = Round.objects.get()
    assert response.url == round.get_absolute_url()
    assert round.plan == plan and round.is_open and round.opened_by.username == "planner"
    assert set(round.invitations.values_list("company", flat=True)) == {company_a.pk, company_b.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer_a.email, officer_b.email])
    assert "Sinkronisasi CSR 2027" in mail.outbox[0].subject
    assert f"/programs/new/?round={round.pk}" in mail.outbox[0].body
    created = LogEntry.objects.filter(
        action=LogEntry.Action.CREATE, content_type__model="invitation"
    )
    assert created.count() == 2 and {e.actor.username for e in created} == {"planner"}


def test_a_round_can_invite_by_sector_or_by_ring_kelurahan(planner_client, plan, village):
    steel = CompanyFactory(sector_id="metal_steel")
    CompanyFactory(sector_id="logistics")
    ring1, ring3 = CompanyFactory(), CompanyFactory()
    CompanyVillageFactory(company=ring1, village=village, ring=1)
    CompanyVillageFactory(company=ring3, village=village, ring=3)

    open_round(planner_client, scope="sectors", sectors=["metal_steel"])
    assert list(Invitation.objects.values_list("company", flat=True)) == [steel.pk]

    open_round(planner_client, year="2028", scope="villages", villages=[village.pk], ring="2")
    second = Round.objects.get(year=2028)
    assert list(second.invitations.values_list("company", flat=True)) == [ring1.pk]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"year": "2031"}, "year", "bukan salah satu dari pilihan"),
        ({"meeting_date": "2026-12-01"}, "meeting_date", "Rapat tidak boleh"),
        ({"scope": "sectors"}, "sectors", "Pilih setidaknya satu sektor"),
        ({"scope": "villages"}, "villages", "Pilih setidaknya satu kelurahan"),
    ],
)
def test_a_round_that_does_not_hold_together_is_refused_in_words(
    planner_client, plan, company_a, fields, field, message
):
    response = open_round(planner_client, **fields)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Round.objects.exists() and not Invitation.objects.exists()


def test_a_plan_has_one_round_a_year(planner_client, plan):
    RoundFactory(plan=plan, year=2027)
    response = open_round(planner_client)
    assert "sudah memiliki putaran" in " ".join(response.context["form"].errors["year"])


def test_changing_whom_a_round_invites_keeps_companies_that_have_programs_in_it(
    planner_client, plan, company_a, company_b
):
    open_round(planner_client)
    round = Round.objects.get()
    ProgramFactory(company=company_a, plan=plan, round=round)
    other = CompanyFactory(sector_id="ports")
    data = {
        "title": round.title,
        "year": "2027",
        "deadline": "2026-12-15",
        "meeting_date": "2026-12-23",
        "scope": "sectors",
        "sectors": ["ports"],
        "ring": "3",
    }
    url = reverse("programs:round_update", args=[round.pk])
    planner_client.post(url, {**data, **loaded_version(planner_client, url)})
    # company_b has nothing in the round and no longer matches; company_a keeps its place.
    assert set(round.invitations.values_list("company", flat=True)) == {company_a.pk, other.pk}


def test_each_company_stands_where_its_furthest_program_in_the_round_is(plan, company_a):
    round = RoundFactory(plan=plan, deadline=datetime.date(2026, 12, 15))
    nothing, draft, submitted, approved, rejected = (
        InvitationFactory(round=round).company for _ in range(5)
    )
    ProgramFactory(company=draft, plan=plan, round=round)
    ProgramFactory(company=submitted, plan=plan, round=round, status=S.SUBMITTED)
    late = ProgramFactory(company=approved, plan=plan, round=round, status=S.APPROVED)
    sent = ProgramTransition.objects.create(
        program=late, from_status=S.DRAFT, to_status=S.SUBMITTED, by=UserFactory()
    )
    ProgramTransition.objects.filter(pk=sent.pk).update(at="2026-12-20T10:00:00+07:00")
    PledgeFactory(program=late, amount=250_000_000)
    PledgeFactory(program=ProgramFactory(company=draft, plan=plan, round=round), amount=9)
    ProgramFactory(company=rejected, plan=plan, round=round, status=S.REJECTED)
    ProgramFactory(company=nothing, plan=plan)  # a program outside the round does not count
    rows = {i.company_id: i for i in round.invitations.with_progress()}
    expected = {nothing: "nothing", draft: "draft", submitted: "submitted"}
    expected |= {approved: "approved", rejected: "turned_down"}
    assert {c.pk: rows[c.pk].stage for c in expected} == {c.pk: s for c, s in expected.items()}
    assert rows[approved.pk].pledged == 250_000_000 and rows[approved.pk].is_late
    assert rows[nothing.pk].pledged is None and not rows[nothing.pk].is_late
    assert rows[draft.pk].pledged is None  # a draft's pledges stay with its company
    filtered = round.invitations.with_progress().filter(stage__in=["nothing", "draft"])
    assert {i.company_id for i in filtered} == {nothing.pk, draft.pk}


def test_the_round_page_keeps_its_query_count_with_1_or_60_companies(planner_client, plan):
    round = RoundFactory(plan=plan)
    counts = []
    for total in (1, 60):
        for _ in range(total - round.invitations.count()):
            company = InvitationFactory(round=round).company
            ProgramFactory(company=company, plan=plan, round=round, status=S.SUBMITTED)
        cache.clear()  # cold: cached roles and filter forms would hide a growing count
        with CaptureQueriesContext(connection) as captured:
            response = planner_client.get(round.get_absolute_url())
        counts.append(len(captured))
        assert response.status_code == 200
    assert counts[0] == counts[1] <= 12, counts
    assert "Diajukan" in response.content.decode()


def test_reminders_go_only_to_companies_that_have_sent_nothing(
    planner_client,
    plan,
    officer_a,
    officer_b,
    company_a,
    company_b,
    django_capture_on_commit_callbacks,
):
    round = RoundFactory(plan=plan)
    InvitationFactory(round=round, company=company_a)
    InvitationFactory(round=round, company=company_b)
    ProgramFactory(company=company_b, plan=plan, round=round, status=S.SUBMITTED)
    url = reverse("programs:round_remind", args=[round.pk])
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(url)
        planner_client.post(url, {"company": company_b.pk})  # submitted: nothing to remind
    assert [m.to for m in mail.outbox] == [[officer_a.email]]
    assert "PT Krakatau Posco" in mail.outbox[0].body
    reminded = Invitation.objects.get(company=company_a)
    assert reminded.reminders == 1 and reminded.reminded_at is not None
    assert Invitation.objects.get(company=company_b).reminders == 0
    entry = LogEntry.objects.get(content_type__model="invitation", action=LogEntry.Action.UPDATE)
    assert entry.actor.username == "planner" and entry.changes["reminders"] == ["0", "1"]


def test_a_closed_round_keeps_its_results_and_takes_no_more_changes(
    planner_client, plan, company_a
):
    round = RoundFactory(plan=plan)
    InvitationFactory(round=round, company=company_a)
    planner_client.post(reverse("programs:round_close", args=[round.pk]))
    round.refresh_from_db()
    assert not round.is_open and round.closed_at is not None
    assert planner_client.get(reverse("programs:round_update", args=[round.pk])).status_code == 403
    response = planner_client.post(reverse("programs:round_remind", args=[round.pk]), follow=True)
    assert "sudah ditutup" in response.content.decode()
    assert planner_client.get(round.get_absolute_url()).status_code == 200
    assert Invitation.objects.get().reminders == 0


def test_an_invited_officer_sees_the_round_and_submits_a_program_into_it(
    officer_client, planner_client, plan, company_a, village, tegal_ratu_need
):
    round = RoundFactory(plan=plan)
    InvitationFactory(round=round, company=company_a)
    home = officer_client.get(reverse("home")).content.decode()
    assert "Sinkronisasi CSR 2027" in home and f"/programs/new/?round={round.pk}" in home

    form = officer_client.get(reverse("programs:create") + f"?round={round.pk}").context["form"]
    assert list(form.fields["round"].queryset) == [round]
    assert str(form["round"].value()) == str(round.pk)

    response = officer_client.post(
        reverse("programs:create"),
        {
            "title": "Bedah rumah 2027",
            "round": round.pk,
            "pledges-TOTAL_FORMS": "0",
            "pledges-INITIAL_FORMS": "0",
            "outputs-TOTAL_FORMS": "0",
            "outputs-INITIAL_FORMS": "0",
            "partners-TOTAL_FORMS": "0",
            "partners-INITIAL_FORMS": "0",
        },
    )
    program = Program.objects.get(title="Bedah rumah 2027")
    assert response.url == program.get_absolute_url() and program.round == round
    edit = officer_client.get(reverse("programs:update", args=[program.pk])).content.decode()
    assert f'<option value="{round.pk}" selected>' in edit  # the page keeps it on the next save
    listed = planner_client.get(reverse("programs:list"), {"round": round.pk})
    assert listed.status_code == 200
    row = round.invitations.with_progress().get()
    assert row.stage == "draft"


def test_a_closed_round_or_one_the_company_is_not_invited_to_is_not_offered(
    officer_client, plan, company_a, company_b
):
    closed = RoundFactory(plan=plan, year=2026, status=Round.Status.CLOSED)
    InvitationFactory(round=closed, company=company_a)
    elsewhere = RoundFactory(plan=plan, year=2027)
    InvitationFactory(round=elsewhere, company=company_b)
    form = officer_client.get(reverse("programs:create")).context["form"]
    assert "round" not in form.fields  # nothing to offer: no field at all
    response = officer_client.post(
        reverse("programs:create"),
        {
            "title": "Program",
            "round": elsewhere.pk,
            "pledges-TOTAL_FORMS": "0",
            "pledges-INITIAL_FORMS": "0",
            "outputs-TOTAL_FORMS": "0",
            "outputs-INITIAL_FORMS": "0",
            "partners-TOTAL_FORMS": "0",
            "partners-INITIAL_FORMS": "0",
        },
    )
    assert Program.objects.get().round is None and response.status_code == 302


def test_the_first_sending_counts_not_a_resubmission_after_the_deadline(
    officer_client, planner_client, plan, company_a, program_a
):
    round = RoundFactory(
        plan=plan, deadline=datetime.date(2026, 1, 15), meeting_date=datetime.date(2026, 1, 20)
    )
    InvitationFactory(round=round, company=company_a)
    Program.objects.filter(pk=program_a.pk).update(round=round)
    officer_client.post(reverse("programs:submit", args=[program_a.pk]))
    ProgramTransition.objects.filter(program=program_a).update(at="2026-01-10T09:00:00+07:00")
    planner_client.post(
        reverse("programs:transition", args=[program_a.pk, "revision"]), {"comment": "Rinci"}
    )
    officer_client.post(reverse("programs:submit", args=[program_a.pk]))  # today: after it
    program_a.refresh_from_db()
    assert program_a.status == S.SUBMITTED and program_a.submitted_at.date() > round.deadline
    row = round.invitations.with_progress().get()
    assert row.first_submitted.date() == datetime.date(2026, 1, 10) and not row.is_late


def test_a_closed_round_takes_no_first_submission_but_a_revision_goes_back(
    officer_client, planner_client, plan, company_a, program_a
):
    round = RoundFactory(plan=plan)
    InvitationFactory(round=round, company=company_a)
    Program.objects.filter(pk=program_a.pk).update(round=round)
    rounds_close = reverse("programs:round_close", args=[round.pk])
    planner_client.post(rounds_close)
    page = officer_client.post(reverse("programs:submit", args=[program_a.pk]), follow=True)
    assert "sudah ditutup" in page.content.decode()
    program_a.refresh_from_db()
    assert program_a.status == S.DRAFT

    Round.objects.filter(pk=round.pk).update(status=Round.Status.OPEN)
    officer_client.post(reverse("programs:submit", args=[program_a.pk]))
    planner_client.post(rounds_close)
    planner_client.post(
        reverse("programs:transition", args=[program_a.pk, "revision"]), {"comment": "Rinci"}
    )
    officer_client.post(reverse("programs:submit", args=[program_a.pk]))
    program_a.refresh_from_db()
    assert program_a.status == S.SUBMITTED  # it joined before the closing


def test_a_draft_is_not_saved_into_a_round_closed_or_uninviting_meanwhile(
    officer_a, plan, company_a, program_a
):
    from programs import services
    from programs.forms import ProgramForm

    round = RoundFactory(plan=plan)
    InvitationFactory(round=round, company=company_a)
    form = ProgramForm(
        {"title": program_a.title, "round": round.pk},
        instance=program_a,
        plan=plan,
        company_id=company_a.pk,
    )
    assert form.is_valid(), form.errors
    Invitation.objects.filter(round=round).delete()  # the planner narrowed the round meanwhile
    with pytest.raises(ValidationError, match="tertutup bagi perusahaan ini"):
        services.program_save_draft(form=form, formsets=[], company=company_a, by=officer_a)
    program_a.refresh_from_db()
    assert program_a.round is None


def test_a_second_click_on_remind_mails_nobody_twice(
    planner_client, plan, officer_a, company_a, django_capture_on_commit_callbacks
):
    round = RoundFactory(plan=plan)
    InvitationFactory(round=round, company=company_a)
    url = reverse("programs:round_remind", args=[round.pk])
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(url)
        planner_client.post(url)
    assert len(mail.outbox) == 1 and Invitation.objects.get().reminders == 1


@pytest.mark.parametrize("company", ["²", "99999999999999999999", "-1", "1e3"])
def test_a_company_that_is_no_key_is_not_found(planner_client, plan, company):
    round = RoundFactory(plan=plan)
    response = planner_client.post(
        reverse("programs:round_remind", args=[round.pk]), {"company": company}
    )
    assert response.status_code == 404


def test_a_round_the_company_is_not_invited_to_is_refused_when_others_are_offered(
    officer_client, plan, company_a, company_b
):
    mine = RoundFactory(plan=plan, year=2027)
    InvitationFactory(round=mine, company=company_a)
    theirs = RoundFactory(plan=plan, year=2028)
    InvitationFactory(round=theirs, company=company_b)
    response = officer_client.post(
        reverse("programs:create"),
        {
            "title": "Program",
            "round": theirs.pk,
            **{f"{p}-{n}": "0" for p in ("pledges", "outputs", "partners") for n in TOTALS},
        },
    )
    assert response.status_code == 200 and "round" in response.context["form"].errors
    assert not Program.objects.exists()


def test_the_rounds_list_keeps_its_query_count_with_1_or_8_rounds(planner_client, plan):
    counts = []
    for total, year in ((1, 2025), (8, 2026)):
        while Round.objects.count() < total:
            round = RoundFactory(plan=plan, year=year + Round.objects.count())
            InvitationFactory(round=round)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = planner_client.get(reverse("programs:round_list"))
        counts.append(len(captured))
        assert len(response.context["rounds"]) == total
    assert counts[0] == counts[1], counts


def test_the_round_page_counts_its_rows_right_whatever_narrows_them(planner_client, plan):
    """Without a company or sector filter the pages are counted from the stages; with one,
    by a count of their own: both must agree with the rows."""
    round = RoundFactory(plan=plan)
    for n in range(55):
        company = InvitationFactory(
            round=round, company__sector_id="ports" if n < 5 else "logistics"
        ).company
        if n % 2:
            ProgramFactory(company=company, plan=plan, round=round, status=S.SUBMITTED)
    url = round.get_absolute_url()
    for query, total in [
        ("", 55),
        ("?stage=submitted", 27),
        ("?page=2", 55),
        ("?stage=nothing", 28),
        ("?sector=ports", 5),
        ("?stage=nothing&sector=ports", 3),
        ("?company=zzz-none", 0),
    ]:
        page = planner_client.get(url + query).context["page_obj"]
        assert page.paginator.count == total, query
        assert len(page.object_list) == min(50, total - (page.number - 1) * 50), query


def test_the_round_pages_stage_counts_are_kept_and_move_with_every_change(planner_client, plan):
    """Counted once and read back (no grouped count over every invitation on each page), and
    counted again as soon as a program of the round or an invitation changes, whatever the
    entry point (a model's save, as the admin does)."""
    round = RoundFactory(plan=plan)
    companies = [InvitationFactory(round=round).company for _ in range(3)]
    draft = ProgramFactory(company=companies[0], plan=plan, round=round)
    url = round.get_absolute_url()

    def stages():
        return dict(planner_client.get(url).context["stages"])

    assert stages()[Invitation.Stage.DRAFT] == 1
    with CaptureQueriesContext(connection) as captured:
        planner_client.get(url)
    assert not any("CASE WHEN" in q["sql"] and "LIMIT" not in q["sql"] for q in captured)

    draft.status = S.SUBMITTED
    draft.save(update_fields=["status"])
    counted = stages()
    assert (counted[Invitation.Stage.DRAFT], counted[Invitation.Stage.SUBMITTED]) == (0, 1)
    draft.delete()
    assert stages()[Invitation.Stage.NOTHING] == 3
    # A program moved to another round leaves this one's counts too.
    moved = ProgramFactory(company=companies[1], plan=plan, round=round)
    assert stages()[Invitation.Stage.DRAFT] == 1
    moved = Program.objects.get(pk=moved.pk)
    moved.round = RoundFactory(plan=plan, year=round.year + 1)
    moved.save()
    assert stages()[Invitation.Stage.DRAFT] == 0
