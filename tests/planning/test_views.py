import pytest
from django.urls import reverse

from planning.models import Need
from regions.models import Region
from tests.factories import NeedFactory
from tests.utils import queries_for

ROLES = ["anonymous", "outsider", "officer_a", "planner", "staff"]


@pytest.fixture
def need(rutilahu):
    return NeedFactory(priority=rutilahu, quantity=40, external_ref="R-1")


@pytest.fixture
def users(outsider, officer_a, planner, staff):
    return {
        "anonymous": None,
        "outsider": outsider,
        "officer_a": officer_a,
        "planner": planner,
        "staff": staff,
    }


READ_PAGES = [
    ("planning:priority_list", lambda n: []),
    ("planning:priority_detail", lambda n: [n.priority.pk]),
    ("planning:need_list", lambda n: []),
    ("planning:need_detail", lambda n: [n.pk]),
]
PLANNER_PAGES = [
    ("planning:need_create", lambda n: []),
    ("planning:need_update", lambda n: [n.pk]),
    ("planning:import", lambda n: []),
    ("planning:import_template", lambda n: []),
]


@pytest.mark.parametrize(("name", "args"), READ_PAGES, ids=[p[0] for p in READ_PAGES])
def test_every_signed_in_user_reads_the_plan_and_open_needs(users, client_for, need, name, args):
    url = reverse(name, args=args(need))
    for role, expected in zip(ROLES, [302, 200, 200, 200, 200], strict=True):
        assert client_for(users[role]).get(url).status_code == expected, role


@pytest.mark.parametrize(("name", "args"), PLANNER_PAGES, ids=[p[0] for p in PLANNER_PAGES])
def test_only_planners_change_needs_or_import(users, client_for, need, name, args):
    url = reverse(name, args=args(need))
    for role, expected in zip(ROLES, [302, 403, 403, 200, 403], strict=True):
        assert client_for(users[role]).get(url).status_code == expected, role


def test_an_officer_cannot_post_a_need_change(officer_client, need):
    title = need.title
    response = officer_client.post(reverse("planning:need_update", args=[need.pk]), {"title": "x"})
    assert response.status_code == 403
    assert (
        officer_client.post(
            reverse("planning:need_status", args=[need.pk]), {"status": "closed"}
        ).status_code
        == 403
    )
    need.refresh_from_db()
    assert (need.title, need.status) == (title, Need.Status.OPEN)


def test_a_closed_need_is_hidden_from_officers_but_not_planners(
    officer_client, planner_client, need
):
    planner_client.post(reverse("planning:need_status", args=[need.pk]), {"status": "closed"})
    need.refresh_from_db()
    assert need.status == Need.Status.CLOSED
    assert officer_client.get(reverse("planning:need_detail", args=[need.pk])).status_code == 404
    assert need not in officer_client.get(reverse("planning:need_list")).context["needs"]
    assert planner_client.get(reverse("planning:need_detail", args=[need.pk])).status_code == 200


def test_a_planner_creates_a_need_and_bad_input_is_answered_not_crashed(planner_client, rutilahu):
    url = reverse("planning:need_create")
    village = Region.objects.get(code="36.72.04.1003")
    bad = planner_client.post(
        url,
        {
            "priority": rutilahu.pk,
            "village": village.pk,
            "title": "",
            "quantity": "-2",
            "estimated_unit_cost": "abc",
            "source": "agency",
        },
    )
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"title", "quantity", "estimated_unit_cost"}
    assert not Need.objects.exists()

    good = planner_client.post(
        url,
        {
            "priority": rutilahu.pk,
            "village": village.pk,
            "title": "Rutilahu Kubangsari",
            "quantity": "12",
            "estimated_unit_cost": "20000000",
            "source": "agency",
        },
    )
    need = Need.objects.get()
    assert good.url == need.get_absolute_url()
    assert need.created_by.username == "planner"


def test_a_duplicate_reference_is_a_form_error(planner_client, need):
    response = planner_client.post(
        reverse("planning:need_create"),
        {
            "priority": need.priority.pk,
            "village": need.village.pk,
            "title": "Lagi",
            "quantity": "1",
            "estimated_unit_cost": "1",
            "source": "agency",
            "external_ref": "R-1",
        },
    )
    assert response.status_code == 200
    assert "referensi" in str(response.context["form"].errors)


def test_from_the_priority_to_the_kelurahan_with_the_largest_gap_in_two_clicks(
    planner_client, rutilahu
):
    NeedFactory(priority=rutilahu, quantity=10)
    big = NeedFactory(
        priority=rutilahu, quantity=80, village=Region.objects.get(code="36.72.03.1004")
    )

    priorities = planner_client.get(reverse("planning:priority_list")).content.decode()
    assert rutilahu.get_absolute_url() in priorities  # click 1
    page = planner_client.get(rutilahu.get_absolute_url())
    top = page.context["by_village"][0]
    assert top["village__name"] == "Suralaya" and top["gap"] == 80
    link = f"?priority={rutilahu.pk}&amp;village=36.72.03.1004"
    assert link in page.content.decode()  # click 2
    needs = planner_client.get(
        reverse("planning:need_list"), {"priority": rutilahu.pk, "village": "36.72.03.1004"}
    )
    assert list(needs.context["needs"]) == [big]


def test_needs_filter_by_kecamatan_pillar_gap_and_text(planner_client, rutilahu, classrooms):
    ciwandan = NeedFactory(priority=rutilahu, title="Rutilahu Tegal Ratu")
    pulomerak = NeedFactory(
        priority=classrooms,
        title="Ruang kelas SDN Suralaya 2",
        village=Region.objects.get(code="36.72.03.1004"),
    )
    funded = NeedFactory(priority=rutilahu, quantity=5, pledged_quantity=5)
    url = reverse("planning:need_list")

    def listed(**params):
        return set(planner_client.get(url, params).context["needs"])

    assert listed(district="36.72.04") == {ciwandan, funded}
    assert listed(pillar="education") == {pulomerak}
    assert listed(gap="true") == {ciwandan, pulomerak}
    assert listed(q="suralaya") == {pulomerak}


@pytest.mark.parametrize("url_name", ["planning:need_list", "planning:priority_list"])
def test_list_pages_run_a_constant_number_of_queries(
    planner_client, rutilahu, classrooms, url_name
):
    villages = list(Region.objects.villages())
    NeedFactory(priority=rutilahu)
    few = queries_for(planner_client, reverse(url_name))
    for village in villages[:30]:
        NeedFactory(priority=classrooms, village=village)
    assert queries_for(planner_client, reverse(url_name)) == few


def test_the_priority_and_village_pages_run_a_constant_number_of_queries(planner_client, rutilahu):
    village = Region.objects.get(code="36.72.04.1002")
    urls = [rutilahu.get_absolute_url(), village.get_absolute_url()]
    NeedFactory(priority=rutilahu, village=village)
    few = [queries_for(planner_client, url) for url in urls]
    for other in Region.objects.villages()[:20]:
        NeedFactory(priority=rutilahu, village=other)
        NeedFactory(priority=rutilahu, village=village)
    assert [queries_for(planner_client, url) for url in urls] == few


def test_a_village_page_shows_that_village_s_needs(officer_client, need):
    response = officer_client.get(need.village.get_absolute_url())
    assert need.title in response.content.decode()


def test_without_a_plan_the_plan_pages_say_so(planner_client, cilegon):
    assert planner_client.get(reverse("planning:priority_list")).status_code == 404


def test_a_new_priority_is_offered_by_the_filters_at_once(planner_client, plan, rutilahu):
    """The filter form is drawn once for five minutes; a choice added is offered at once."""
    from tests.factories import PriorityFactory

    url = reverse("planning:need_list")
    assert "Air bersih" not in planner_client.get(url).content.decode()  # drawn and kept
    PriorityFactory(plan=plan, code="AIRBERSIH", title="Air bersih")
    assert "Air bersih" in planner_client.get(url).content.decode()
