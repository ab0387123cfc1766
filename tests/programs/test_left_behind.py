"""Leave no village behind: kelurahan with open needs and little or no CSR are put forward in
the matching, on a company's page and in an officer's own drafts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies.models import Ring
from programs import matching
from programs.models import Program
from regions.models import Region
from tests.factories import CompanyVillageFactory, NeedFactory, PledgeFactory, ProgramFactory
from tests.utils import queries_for

MASIGIT, CIWADUK, KUBANGSARI = "36.72.05.1003", "36.72.02.1005", "36.72.04.1003"


def region(code):
    return Region.objects.get(code=code)


def committed_program(company, plan, village, **pledge):
    program = ProgramFactory(company=company, plan=plan, status=Program.Status.APPROVED)
    program.villages.set([village])
    if pledge:
        PledgeFactory(program=program, **pledge)
    return program


def three_kelurahan(plan, rutilahu, company_b):
    """Masigit: a need, no CSR. Ciwaduk: company B works there but pledges nothing to its
    houses (little CSR for Rutilahu). Kubangsari: half its need pledged by company B (not left
    behind)."""
    masigit = NeedFactory(priority=rutilahu, village=region(MASIGIT), quantity=80, title="Masigit")
    ciwaduk = NeedFactory(priority=rutilahu, village=region(CIWADUK), quantity=78, title="Ciwaduk")
    committed_program(company_b, plan, region(CIWADUK))
    half = NeedFactory(
        priority=rutilahu, village=region(KUBANGSARI), quantity=10, pledged_quantity=5, title="Half"
    )
    committed_program(company_b, plan, region(KUBANGSARI), need=half, quantity=5)
    return masigit, ciwaduk, half


def test_left_behind_kelurahan_are_those_with_no_or_little_csr(plan, rutilahu, company_b):
    masigit_need = three_kelurahan(plan, rutilahu, company_b)[0]
    left = matching.left_behind(plan)
    reasons = {
        (Region.objects.get(pk=village).code, priority): row["reason"]
        for (village, priority), row in left.items()
    }
    assert reasons == {
        (MASIGIT, rutilahu.pk): matching.NO_CSR,
        (CIWADUK, rutilahu.pk): matching.LITTLE_CSR,
    }
    masigit = left[region(MASIGIT).pk, rutilahu.pk]
    assert (masigit["needs"], masigit["priority_code"]) == (1, "RUTILAHU")
    assert masigit["unfunded_rupiah"] == 80 * masigit_need.estimated_unit_cost


def test_little_csr_is_judged_per_priority(plan, rutilahu, classrooms, company_b):
    # Ciwaduk's classrooms are fully pledged (far more Rupiah than its houses), its houses not.
    school = NeedFactory(
        priority=classrooms,
        village=region(CIWADUK),
        quantity=3,
        pledged_quantity=3,
        estimated_unit_cost=900_000_000,
    )
    committed_program(company_b, plan, region(CIWADUK), need=school, quantity=3)
    NeedFactory(priority=rutilahu, village=region(CIWADUK), quantity=78, estimated_unit_cost=1)
    left = matching.left_behind(plan)
    assert set(left) == {(region(CIWADUK).pk, rutilahu.pk)}


def test_a_fully_funded_kelurahan_is_not_left_behind(plan, rutilahu):
    NeedFactory(priority=rutilahu, village=region(MASIGIT), quantity=5, pledged_quantity=5)
    assert matching.left_behind(plan) == {}


def test_the_matching_puts_left_behind_kelurahan_before_farther_rings(
    program_a, plan, rutilahu, company_a, company_b
):
    # Company A rings Kubangsari (2); Masigit and Ciwaduk are nobody's ring.
    CompanyVillageFactory(company=company_a, village=region(KUBANGSARI), ring=Ring.RING_2)
    masigit, ciwaduk, half = three_kelurahan(plan, rutilahu, company_b)
    ranked = {need.pk: need for need in matching.needs_for_program(program_a)}
    order = list(ranked)
    assert order.index(masigit.pk) < order.index(ciwaduk.pk) < order.index(half.pk)
    assert (ranked[masigit.pk].left_behind, ranked[masigit.pk].score) == ("none", 2 + 3)
    assert (ranked[ciwaduk.pk].left_behind, ranked[ciwaduk.pk].score) == ("little", 2 + 2)
    assert (ranked[half.pk].left_behind, ranked[half.pk].score) == ("", 2 + 2)


def test_the_program_page_shows_why_a_need_is_suggested(
    planner_client, officer_client, program_a, plan, rutilahu, company_b
):
    three_kelurahan(plan, rutilahu, company_b)
    page = officer_client.get(program_a.get_absolute_url()).content.decode()  # its own draft
    assert "Masigit" in page and "belum ada CSR di kelurahan ini" in page
    Program.objects.filter(pk=program_a.pk).update(status=Program.Status.SUBMITTED)
    page = planner_client.get(program_a.get_absolute_url()).content.decode()
    assert "Masigit" in page and "belum ada CSR di kelurahan ini" in page
    assert "kurang dari seperempat prioritas ini terdanai" in page  # Ciwaduk


def test_a_company_page_lists_the_kelurahan_that_need_it_its_rings_first(
    planner_client, company_a, company_b, plan, rutilahu
):
    three_kelurahan(plan, rutilahu, company_b)
    CompanyVillageFactory(company=company_a, village=region(CIWADUK), ring=Ring.RING_3)
    response = planner_client.get(reverse("companies:detail", args=[company_a.slug]))
    page = response.content.decode()
    section = page[page.index("Kelurahan yang membutuhkan Anda") :]
    assert section.index("Ciwaduk") < section.index("Masigit")  # its ring 3 first
    section = section.split("</section>")[0]
    assert "Kubangsari" not in section
    assert "terdanai kurang dari seperempat: RUTILAHU" in section
    assert f"?village={MASIGIT}&amp;gap=true" in section


def test_the_company_page_keeps_its_query_count_with_more_left_behind_kelurahan(
    planner_client, company_a, company_b, plan, rutilahu, classrooms
):
    url = reverse("companies:detail", args=[company_a.slug])
    three_kelurahan(plan, rutilahu, company_b)
    few = queries_for(planner_client, url)
    ringed = company_a.operating_villages.values("village")
    for village in Region.objects.villages().exclude(pk__in=ringed)[:12]:
        NeedFactory(priority=classrooms, village=village, quantity=3)
        CompanyVillageFactory(company=company_a, village=village, ring=Ring.RING_2)
    assert queries_for(planner_client, url) == few


def suggested_titles(client, program) -> list[str]:
    return [
        need.title for need in client.get(program.get_absolute_url()).context["suggested_needs"]
    ]


def test_suggestions_are_kept_between_views_and_follow_every_change_of_the_needs(
    planner_client, program_a, plan, rutilahu, company_b, planner
):
    """The ranking reads every open need: it is kept per program and needs version, and any
    need saved, any pledge counted by a decision, any ring changed shows at the next view."""
    from programs import workflow

    masigit, ciwaduk, _half = three_kelurahan(plan, rutilahu, company_b)
    Program.objects.filter(pk=program_a.pk).update(status=Program.Status.SUBMITTED)
    url = program_a.get_absolute_url()
    cold = queries_for(planner_client, url)
    with CaptureQueriesContext(connection) as warm:
        planner_client.get(url)
    assert len(warm.captured_queries) <= cold - 5  # the ranking and its inputs are not read
    assert "Masigit" in suggested_titles(planner_client, program_a)

    masigit.title = "Masigit (dinilai ulang)"
    masigit.save()  # a need saved (form, admin): a new version
    assert "Masigit (dinilai ulang)" in suggested_titles(planner_client, program_a)

    taker = ProgramFactory(company=company_b, plan=plan, status=Program.Status.SUBMITTED)
    PledgeFactory(program=taker, priority=rutilahu, need=ciwaduk, quantity=ciwaduk.quantity)
    assert "Ciwaduk" in suggested_titles(planner_client, program_a)
    workflow.program_approve(program=taker, by=planner)  # counted with F(): no signal
    assert "Ciwaduk" not in suggested_titles(planner_client, program_a)  # no gap left

    CompanyVillageFactory(company=program_a.company, village=region(KUBANGSARI), ring=Ring.RING_1)
    ranked = planner_client.get(url).context["suggested_needs"]
    assert ranked[0].title == "Half" and ranked[0].ring == Ring.RING_1
