import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Program
from regions.models import Region
from tests.factories import CompanyFactory, NeedFactory, PledgeFactory, ProgramFactory
from tests.utils import postgres_only

S = Program.Status
URL = reverse("programs:list")


def listed(client, **params):
    return list(client.get(URL, params).context["programs"])


@pytest.fixture
def programs(plan, rutilahu, classrooms, company_a, company_b):
    """Three submitted programs that differ in every filtered attribute."""
    company_b.sector_id = "ports"
    company_b.save()
    housing = ProgramFactory(
        company=company_a,
        plan=plan,
        status=S.SUBMITTED,
        title="Bedah rumah Kelurahan Tegal Ratu",
        budget=900_000_000,
        submitted_at=timezone.now() - datetime.timedelta(days=3),
    )
    housing.villages.set([Region.objects.get(code="36.72.04.1002")])
    PledgeFactory(program=housing, need=NeedFactory(priority=rutilahu))
    school = ProgramFactory(
        company=company_b,
        plan=plan,
        status=S.APPROVED,
        pillar="education",
        title="Ruang kelas SDN Suralaya",
        budget=300_000_000,
        description="Pembangunan dua lokal",
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2027, 12, 31),
        submitted_at=timezone.now() - datetime.timedelta(days=1),
    )
    school.villages.set([Region.objects.get(code="36.72.03.1004")])
    PledgeFactory(program=school, need=NeedFactory(priority=classrooms))
    draft = ProgramFactory(company=company_a, plan=plan, status=S.DRAFT, title="Draf rahasia")
    return housing, school, draft


def test_the_inbox_shows_every_submitted_program_newest_first_but_no_draft(
    planner_client, programs
):
    housing, school, _draft = programs
    assert listed(planner_client) == [school, housing]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "submitted"}, ["housing"]),
        ({"company": "posco"}, ["housing"]),
        ({"sector": "ports"}, ["school"]),
        ({"pillar": "education"}, ["school"]),
        ({"district": "36.72.04"}, ["housing"]),
        ({"village": "36.72.03.1004"}, ["school"]),
        ({"year": "2027"}, ["school"]),
        ({"budget_min": "500000000"}, ["housing"]),
        ({"budget_max": "500000000"}, ["school"]),
        ({"q": "suralaya"}, ["school"]),
        ({"order": "-budget"}, ["housing", "school"]),
        ({"order": "budget"}, ["school", "housing"]),
    ],
)
def test_each_inbox_filter(planner_client, programs, params, expected):
    by_name = {"housing": programs[0], "school": programs[1]}
    assert listed(planner_client, **params) == [by_name[name] for name in expected]


def test_filter_by_priority_and_submission_date(planner_client, programs, rutilahu):
    housing, school, _ = programs
    assert listed(planner_client, priority=rutilahu.pk) == [housing]
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    assert listed(planner_client, submitted_after=day) == [school]


def test_bad_filter_values_answer_an_empty_list_not_a_500(planner_client, programs):
    response = planner_client.get(URL, {"budget_min": "banyak", "year": "x", "status": "nope"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_an_officer_sees_no_company_or_sector_filter(officer_client, programs):
    form = officer_client.get(URL).context["filter"].form
    assert "company" not in form.fields and "sector" not in form.fields


def test_htmx_requests_get_only_the_results_and_keep_the_url(planner_client, programs):
    response = planner_client.get(URL, {"status": "submitted"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Bedah rumah" in html
    assert "HX-Request" in response["Vary"]
    # The back button restores the whole page from the server.
    restore = planner_client.get(
        URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()


@pytest.fixture
def small_cap(monkeypatch):
    from core.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 30)
    monkeypatch.setattr(CappedPaginator, "reach", 75)


def test_the_count_is_capped_and_the_list_goes_on_past_it(
    planner_client, plan, company_a, small_cap
):
    Program.objects.bulk_create(
        Program(company=company_a, plan=plan, title=f"P{i}", status=S.SUBMITTED) for i in range(60)
    )
    response = planner_client.get(URL)
    assert response.context["paginator"].capped
    page = planner_client.get(URL, {"page": "2"})  # rows 26-50: past the 30 counted
    assert page.status_code == 200 and len(page.context["programs"]) == 25
    assert page.context["page_obj"].has_next()
    last = planner_client.get(URL, {"page": "3"})
    assert len(last.context["programs"]) == 10 and not last.context["page_obj"].has_next()
    beyond = planner_client.get(URL, {"page": "4"})
    assert beyond.status_code == 200 and "Kembali ke halaman pertama" in beyond.content.decode()


def test_pages_past_the_reach_ask_to_narrow_the_filters(planner_client, plan, company_a, small_cap):
    Program.objects.bulk_create(
        Program(company=company_a, plan=plan, title=f"P{i}", status=S.SUBMITTED) for i in range(100)
    )
    response = planner_client.get(URL, {"page": "4"})  # rows 76-100: past the reach of 75
    assert response.status_code == 200
    assert "persempit" in response.content.decode().lower()


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "1e30", ""])
def test_any_page_number_answers_without_an_error(planner_client, programs, page):
    assert planner_client.get(URL, {"page": page}).status_code == 200


def test_page_and_sort_links_keep_every_filter(planner_client, plan, company_a, rutilahu):
    Program.objects.bulk_create(
        Program(
            company=company_a,
            plan=plan,
            title=f"Bedah rumah {i}",
            status=S.SUBMITTED,
            pillar="infrastructure",
            budget=1_000_000 + i,
        )
        for i in range(30)
    )
    filters = {"status": "submitted", "pillar": "infrastructure", "q": "Bedah"}
    html = planner_client.get(URL, filters).content.decode()
    links = re.findall(r'href="(\?[^"]*)"', html)
    paging = [link for link in links if "page=2" in link]
    sorting = [
        link for link in links if "order=" in link or ("page" not in link and "status" in link)
    ]
    assert paging and sorting
    for link in paging + sorting:
        query = parse_qs(urlsplit(unescape(link)).query)
        assert {k: v[0] for k, v in query.items() if k in filters} == filters, link
    page_two = planner_client.get(URL + unescape(paging[0]))
    assert page_two.context["filter"].form.cleaned_data["pillar"] == "infrastructure"


@pytest.mark.parametrize("count", [1, 500])
def test_the_inbox_and_program_page_keep_their_query_count_with_1_or_500_programs(
    planner_client, plan, company_a, rutilahu, count, django_assert_num_queries
):
    need = NeedFactory(priority=rutilahu, quantity=10_000)
    companies = [company_a] + [CompanyFactory() for _ in range(4)]
    programs = Program.objects.bulk_create(
        Program(
            company=companies[i % 5],
            plan=plan,
            title=f"Program {i}",
            status=S.SUBMITTED,
            budget=1_000_000,
            submitted_at=timezone.now(),
        )
        for i in range(count)
    )
    for program in programs[:50]:
        PledgeFactory(program=program, need=need, quantity=1, amount=1)
    # The inbox: the round filter's choices count once (the filter form is then cached); the
    # session comes from the cache. The page: the user's roles are kept from the inbox's
    # request (-2); 2 of its queries rank left-behind kelurahan; none sums delivered outputs
    # while no report is verified; 1 lists its changes (amendments).
    expected = {"inbox": 10, "page": 18}
    with django_assert_num_queries(expected["inbox"]):
        planner_client.get(URL)
    with django_assert_num_queries(expected["page"]):
        planner_client.get(programs[0].get_absolute_url())


@postgres_only
def test_full_text_search_uses_indonesian_stemming_and_web_syntax(planner_client, programs):
    housing, school, _ = programs
    assert listed(planner_client, q="lurah") == [housing]  # "Kelurahan" stems to "lurah"
    assert listed(planner_client, q="pembangunan -rumah") == [school]
    assert listed(planner_client, q='"ruang kelas"') == [school]


def test_the_cached_filter_form_shows_each_query_s_own_choices(planner_client, programs):
    planner_client.get(URL, {"status": "submitted"})
    html = planner_client.get(URL, {"status": "approved"}).content.decode()
    assert '<option value="approved" selected>' in html
    assert '<option value="submitted" selected>' not in html
