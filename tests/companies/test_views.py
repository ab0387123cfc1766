from django.urls import reverse

from companies.models import Ring
from regions.models import Region
from tests.factories import CompanyFactory, CompanyVillageFactory
from tests.utils import queries_for


def make_companies(n, village):
    group = CompanyFactory()
    for _ in range(n):
        company = CompanyFactory(parent=group)
        CompanyVillageFactory(company=company, village=village, ring=Ring.RING_1)


def test_the_company_list_runs_a_constant_number_of_queries(planner_client, village):
    url = reverse("companies:list")
    make_companies(1, village)
    few = queries_for(planner_client, url)
    make_companies(30, village)
    assert queries_for(planner_client, url) == few


def test_the_company_detail_runs_a_constant_number_of_queries(planner_client, company_a, cilegon):
    url = reverse("companies:detail", args=[company_a.slug])
    few = queries_for(planner_client, url)
    for village in Region.objects.villages()[:10]:
        CompanyVillageFactory(company=company_a, village=village, ring=Ring.RING_2)
    CompanyFactory(parent=company_a)
    assert queries_for(planner_client, url) == few


def test_companies_filter_by_sector_name_and_kecamatan(planner_client, company_a, company_b):
    company_b.sector_id = "ports"
    company_b.save()
    url = reverse("companies:list")

    by_sector = planner_client.get(url, {"sector": "ports"}).context["companies"]
    by_name = planner_client.get(url, {"q": "posco"}).context["companies"]
    by_district = planner_client.get(url, {"district": "36.72.04"}).context["companies"]

    assert list(by_sector) == [company_b]
    assert list(by_name) == [company_a]
    assert list(by_district) == [company_a]


def test_an_unknown_filter_value_is_a_form_error_not_a_500(planner_client, company_a):
    response = planner_client.get(reverse("companies:list"), {"sector": "nope", "district": "x"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_the_list_is_paginated_and_pages_keep_the_filters(planner_client, village):
    make_companies(30, village)
    response = planner_client.get(reverse("companies:list"), {"sector": "petrochemicals"})
    assert len(response.context["companies"]) == 25
    assert "sector=petrochemicals&amp;page=2" in response.content.decode()


def test_the_company_page_shows_its_ring_villages(planner_client, company_a):
    response = planner_client.get(reverse("companies:detail", args=[company_a.slug]))
    assert "Tegal Ratu" in response.content.decode()
