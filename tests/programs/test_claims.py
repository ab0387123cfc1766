"""Units claimed by pledges, taken at approval, delivered unit by unit; who sees the households."""

import datetime
import threading

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation

from delivery import services as delivery
from planning.models import Need, TargetUnit
from programs import claims, workflow
from programs.models import Program, UnitClaim
from tests.factories import PledgeFactory


@pytest.fixture(autouse=True)
def english():
    """The services' messages compared in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def households(tegal_ratu_need, planner):
    """Ten households of the Tegal Ratu need; decile 10 first, decile 1 last."""
    return [
        TargetUnit.objects.create(
            need=tegal_ratu_need,
            kind="household",
            name=f"Warga Fiktif {n}",
            nik_hash=f"{n:064d}",
            nik_masked=f"3672••••••••{n:04d}",
            address=f"Jl. Contoh {n}",
            decile=10 - n,
            roof="heavy" if n % 2 else "light",
        )
        for n in range(10)
    ]


def pledge_of(program):
    return program.pledges.get()


def test_the_proposal_takes_the_poorest_and_most_damaged_first(program_a, households):
    proposed = claims.proposed(pledge_of(program_a))
    assert len(proposed) == 5  # the pledge's quantity
    deciles = list(TargetUnit.objects.filter(pk__in=proposed).values_list("decile", flat=True))
    assert sorted(deciles) == [1, 2, 3, 4, 5]


def test_a_unit_reserved_by_one_draft_cannot_be_picked_by_another(
    program_a, program_b, households, officer_a, officer_b, settings
):
    claims.claims_set(pledge=pledge_of(program_a), unit_ids=[households[0].pk], by=officer_a)
    with pytest.raises(ValidationError, match="No longer free"):
        claims.claims_set(pledge=pledge_of(program_b), unit_ids=[households[0].pk], by=officer_b)
    # Once the reservation runs out, the unit is free again.
    UnitClaim.objects.update(reserved_until=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    claims.claims_set(pledge=pledge_of(program_b), unit_ids=[households[0].pk], by=officer_b)
    # ... and the first draft can no longer be submitted with it.
    with pytest.raises(ValidationError, match="held by another program"):
        program_b.status = Program.Status.SUBMITTED
        Program.objects.filter(pk=program_b.pk).update(status=Program.Status.SUBMITTED)
        workflow.program_submit(program=program_a, by=officer_a)


def test_more_units_than_the_pledge_are_refused(program_a, households, officer_a):
    with pytest.raises(ValidationError, match="pledge is for 5"):
        claims.claims_set(
            pledge=pledge_of(program_a), unit_ids=[h.pk for h in households[:6]], by=officer_a
        )


def test_approval_takes_the_units_and_cancellation_gives_them_back(
    program_a, households, officer_a, planner
):
    pledge = pledge_of(program_a)
    claims.claims_set(pledge=pledge, unit_ids=[h.pk for h in households[:3]], by=officer_a)
    workflow.program_submit(program=program_a, by=officer_a)
    workflow.program_approve(program=program_a, by=planner)
    assert set(UnitClaim.objects.values_list("committed", flat=True)) == {True}
    workflow.program_cancel(program=program_a, by=planner, comment="Dana dialihkan.")
    assert set(UnitClaim.objects.values_list("committed", flat=True)) == {False}


def test_the_database_keeps_one_committed_pledge_per_unit(program_a, program_b, households):
    unit = households[0]
    UnitClaim.objects.create(pledge=pledge_of(program_a), unit=unit, committed=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitClaim.objects.create(pledge=pledge_of(program_b), unit=unit, committed=True)


def test_a_second_approval_of_a_taken_unit_is_refused(program_a, program_b, households, planner):
    unit = households[0]
    for program in (program_a, program_b):
        UnitClaim.objects.create(pledge=pledge_of(program), unit=unit)
        Program.objects.filter(pk=program.pk).update(status=Program.Status.SUBMITTED)
    workflow.program_approve(program=program_a, by=planner)
    with pytest.raises(ValidationError, match="Taken by another approved pledge"):
        workflow.program_approve(program=program_b, by=planner)
    assert Program.objects.get(pk=program_b.pk).status == Program.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_racing_approvals_take_a_unit_once(program_a, program_b, households, planner):
    unit = households[0]
    for program in (program_a, program_b):
        UnitClaim.objects.create(pledge=pledge_of(program), unit=unit)
        Program.objects.filter(pk=program.pk).update(status=Program.Status.SUBMITTED)
    barrier, outcomes = threading.Barrier(2), []

    def approve(program):
        try:
            barrier.wait()
            workflow.program_approve(program=program, by=planner)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(p,)) for p in (program_a, program_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    assert UnitClaim.objects.filter(unit=unit, committed=True).count() == 1


def _running_with_units(company_a, plan, tegal_ratu_need, village, households, count=10):
    program = Program.objects.create(
        company=company_a,
        plan=plan,
        title="Bedah rumah",
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    program.villages.set([village])
    pledge = PledgeFactory(program=program, need=tegal_ratu_need, quantity=count)
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=count)
    UnitClaim.objects.bulk_create(
        UnitClaim(pledge=pledge, unit=h, committed=True) for h in households[:count]
    )
    return program, pledge


def photo_of(report, claim):
    """A photo of the claimed unit in the report's evidence (stored as upload would)."""
    report.evidence.create(
        unit=claim.unit,
        file="evidence/x.jpg",
        original_name="x.jpg",
        size=1,
        content_type="image/jpeg",
    )


def test_verified_units_are_what_is_delivered(
    company_a, plan, tegal_ratu_need, village, households, officer_a, planner
):
    """The officer reports 4 houses done; the planner verifies 3 and returns 1: 3 delivered,
    and the returned house can be reported again."""
    program, pledge = _running_with_units(company_a, plan, tegal_ratu_need, village, households)
    report = delivery.report_create(
        program=program,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
        by=officer_a,
    )
    done = list(pledge.claims.order_by("unit")[:4])
    delivery.units_tick(report=report, claim_ids=[c.pk for c in done], by=officer_a)
    assert report.lines.get().quantity == 4
    report.narrative = "Empat rumah selesai."
    report.save()
    with pytest.raises(ValidationError, match="photo of each unit"):
        delivery.report_submit(report=report, by=officer_a)
    for claim in done:
        photo_of(report, claim)
    delivery.report_submit(report=report, by=officer_a)
    with pytest.raises(ValidationError, match="why units are returned"):
        delivery.report_verify(report=report, by=planner, returned_units=[done[3].pk])
    delivery.report_verify(
        report=report, by=planner, comment="Satu rumah belum selesai.", returned_units=[done[3].pk]
    )
    assert Need.objects.get(pk=tegal_ratu_need.pk).delivered_quantity == 3
    assert pledge.claims.filter(delivered=True).count() == 3
    assert done[3].pk in delivery.reportable_claims(program).values_list("pk", flat=True)


def test_the_households_personal_data_is_for_planners_and_holders_only(
    client_for,
    program_a,
    households,
    officer_a,
    officer_b,
    planner,
    province_planner,
    tegal_ratu_need,
):
    url = reverse("programs:need_units", args=[tegal_ratu_need.pk])
    name = households[0].name
    assert name in client_for(planner).get(url).content.decode()
    seen = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, additional_data__about=f"planning.need:{tegal_ratu_need.pk}"
    )
    assert seen.actor == planner and seen.additional_data["units"] == sorted(
        h.pk for h in households
    )
    for outsider in (officer_a, officer_b, province_planner):
        assert name not in client_for(outsider).get(url).content.decode()
    # A draft's reservation shows nothing; a submitted pledge shows its own households.
    claims.claims_set(pledge=pledge_of(program_a), unit_ids=[households[0].pk], by=officer_a)
    assert name not in client_for(officer_a).get(url).content.decode()
    workflow.program_submit(program=program_a, by=officer_a)
    page = client_for(officer_a).get(url).content.decode()
    assert name in page and households[1].name not in page
    assert name not in client_for(officer_b).get(url).content.decode()
    unit_page = client_for(officer_b).get(reverse("programs:unit", args=[households[0].pk]))
    assert unit_page.status_code == 200 and name not in unit_page.content.decode()


def test_public_pages_never_show_a_household(client, households, tegal_ratu_need, village):
    page = client.get(reverse("insight:village", args=[village.code]), follow=True)
    text = page.content.decode()
    assert "Warga Fiktif" not in text and "3672••" not in text


def test_a_program_sent_back_for_revision_sees_no_household(
    client_for, program_a, households, officer_a, planner, tegal_ratu_need
):
    """Its officers may pick and unpick: they would read the need's households one by one."""
    claims.claims_set(pledge=pledge_of(program_a), unit_ids=[households[0].pk], by=officer_a)
    workflow.program_submit(program=program_a, by=officer_a)
    workflow.program_request_revision(program=program_a, by=planner, comment="Lengkapi.")
    page = client_for(officer_a).get(reverse("programs:need_units", args=[tegal_ratu_need.pk]))
    assert households[0].name not in page.content.decode()


def test_units_follow_their_pledge_when_its_need_or_quantity_changes(
    program_a, households, officer_a, rutilahu, village
):
    pledge = pledge_of(program_a)
    claims.claims_set(pledge=pledge, unit_ids=[h.pk for h in households[:5]], by=officer_a)
    pledge.quantity = 3
    pledge.save()
    assert claims.fit(program_a) == 2
    assert pledge.claims.count() == 3
    other = Need.objects.create(
        priority=rutilahu, village=village, title="Lain", quantity=5, estimated_unit_cost=1
    )
    pledge.need = other
    pledge.save()
    assert claims.fit(program_a) == 3 and not pledge.claims.exists()


def test_a_pledge_covering_units_reports_what_is_ticked_not_what_is_typed(
    company_a, plan, tegal_ratu_need, village, households, officer_a, planner
):
    program, pledge = _running_with_units(company_a, plan, tegal_ratu_need, village, households)
    report = delivery.report_create(
        program=program,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
        by=officer_a,
    )
    report.lines.update(quantity=9)  # typed by hand before the units were ticked
    claim = pledge.claims.order_by("unit").first()
    delivery.units_tick(report=report, claim_ids=[claim.pk], by=officer_a)
    report.narrative = "Satu rumah."
    report.save()
    photo_of(report, claim)
    delivery.report_submit(report=report, by=officer_a)
    assert report.lines.get().quantity == 1
    delivery.report_verify(report=report, by=planner)
    assert Need.objects.get(pk=tegal_ratu_need.pk).delivered_quantity == 1
    # A unit delivered is never ticked again.
    later = delivery.report_create(
        program=program,
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2025, 6, 30),
        by=officer_a,
    )
    with pytest.raises(ValidationError, match="not this program's units"):
        delivery.units_tick(report=later, claim_ids=[claim.pk], by=officer_a)


def test_the_unit_pages_keep_their_query_count(
    client_for, program_a, households, officer_a, planner, tegal_ratu_need
):
    """Ten households or forty, half of them picked: the same queries on each page."""
    from tests.utils import queries_for

    pledge = pledge_of(program_a)
    urls = {
        "units": reverse("programs:need_units", args=[tegal_ratu_need.pk]),
        "pick": reverse("programs:pledge_units", args=[program_a.pk, pledge.pk]),
        "program": program_a.get_absolute_url(),
    }

    def counts():
        return {
            "units": queries_for(client_for(planner), urls["units"]),
            "pick": queries_for(client_for(officer_a), urls["pick"]),
            "program": queries_for(client_for(officer_a), urls["program"]),
        }

    claims.claims_set(pledge=pledge, unit_ids=[h.pk for h in households[:5]], by=officer_a)
    few = counts()
    TargetUnit.objects.bulk_create(
        TargetUnit(need=tegal_ratu_need, kind="household", name=f"W {n}", nik_hash=f"x{n:063d}")
        for n in range(30)
    )
    assert counts() == few


def test_the_personal_data_export_is_for_planners_says_so_and_is_recorded(
    client_for, households, officer_a, planner, tegal_ratu_need
):
    import io

    from openpyxl import load_workbook

    url = reverse("programs:need_units_export", args=[tegal_ratu_need.pk])
    assert client_for(officer_a).get(url).status_code == 403
    response = client_for(planner).get(url)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    notice, units = book.worksheets
    assert "UU 27/2022" in notice["A1"].value
    names = [row[2] for row in units.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(h.name for h in households)
    entry = LogEntry.objects.get(
        action=LogEntry.Action.ACCESS, additional_data__personal_data="export"
    )
    assert entry.actor == planner and len(entry.additional_data["units"]) == 10


def test_the_matching_puts_needs_with_the_poorest_households_first(
    program_a, households, rutilahu, village, officer_a, planner
):
    """Two needs alike but for their households: the one holding untaken deciles 1-2 first;
    once an approved pledge takes them, the bonus goes."""
    from programs import matching

    plain = Need.objects.create(
        priority=rutilahu, village=village, title="Tanpa data", quantity=10, estimated_unit_cost=1
    )
    other = Need.objects.create(
        priority=rutilahu, village=village, title="Dengan desil", quantity=10, estimated_unit_cost=1
    )
    poorest = households[9]  # decile 1
    TargetUnit.objects.filter(pk=poorest.pk).update(need=other)
    ranked = {need.pk: need for need in matching.needs_for_program(program_a)}
    assert ranked[other.pk].poorest and not ranked[plain.pk].poorest
    assert list(ranked).index(other.pk) < list(ranked).index(plain.pk)
    taker = PledgeFactory(need=other, quantity=1)
    UnitClaim.objects.create(pledge=taker, unit=poorest, committed=True)
    assert not matching.poorest_households(other.pk).exists()


def test_two_pledges_of_one_program_never_hold_one_unit(program_a, households, officer_a):
    first = pledge_of(program_a)
    second = PledgeFactory(program=program_a, need=first.need, quantity=2)
    claims.claims_set(pledge=first, unit_ids=[households[0].pk], by=officer_a)
    UnitClaim.objects.update(reserved_until=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    free = claims.free_units(first.need, pledge=second).values_list("pk", flat=True)
    assert households[0].pk not in free and households[1].pk in free
    UnitClaim.objects.create(pledge=second, unit=households[0])  # as an old version allowed
    with pytest.raises(ValidationError, match="picked by two pledges"):
        workflow.program_submit(program=program_a, by=officer_a)


def test_a_pick_from_a_page_loaded_before_another_officers_change_is_refused(
    client_for, program_a, households, officer_a
):
    pledge = pledge_of(program_a)
    url = reverse("programs:pledge_units", args=[program_a.pk, pledge.pk])
    page = client_for(officer_a).get(url)
    loaded = page.context["form"]["loaded_units"].value()
    claims.claims_set(pledge=pledge, unit_ids=[households[0].pk], by=officer_a)  # meanwhile
    stale = client_for(officer_a).post(url, {"loaded_units": loaded, "units": [households[1].pk]})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    assert list(pledge.claims.values_list("unit", flat=True)) == [households[0].pk]
    again = stale.context["form"]["loaded_units"].value()
    saved = client_for(officer_a).post(url, {"loaded_units": again, "units": [households[1].pk]})
    assert saved.status_code == 302
    assert list(pledge.claims.values_list("unit", flat=True)) == [households[1].pk]
