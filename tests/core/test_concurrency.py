"""No lost update (core.concurrency): two people, two sessions, one object. A opens the edit
page, B opens it too; A saves one change, B saves another from the page loaded before: B is
refused with what A changed, B's input is kept, A's change stands. B can then save knowingly."""

import datetime

import pytest
from django.urls import reverse

from companies.models import Company, Membership
from delivery import services as delivery_services
from planning.models import Need
from programs.models import Program, Round
from tests.factories import PlannerFactory, RoundFactory, UserFactory
from tests.utils import admin_form_data, at_once, page_form_data, postgres_only


@pytest.fixture
def second_officer(company_a):
    user = UserFactory(username="officer_a2", first_name="Sari")
    Membership.objects.create(user=user, company=company_a)
    return user


@pytest.fixture
def second_planner(db):
    return PlannerFactory(username="planner2", first_name="Budi")


@pytest.fixture
def a_report(program_a, officer_a):
    Program.objects.filter(pk=program_a.pk).update(
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    program_a.refresh_from_db()
    return delivery_services.report_create(
        program=program_a,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
        by=officer_a,
    )


# name: (first user, second user, URL, context names, A's change, B's change, read back)
CASES = {
    "program": (
        "officer_a",
        "second_officer",
        lambda f: reverse("programs:update", args=[f["program_a"].pk]),
        ("form", "formset", "outputs", "partners"),
        {"title": "Judul dari A"},
        {"summary": "Ringkasan dari B"},
        lambda f: Program.objects.values("title", "summary").get(pk=f["program_a"].pk),
    ),
    "program pledges": (
        "officer_a",
        "second_officer",
        lambda f: reverse("programs:update", args=[f["program_a"].pk]),
        ("form", "formset", "outputs", "partners"),
        {"pledges-0-quantity": "6"},
        {"pledges-0-quantity": "9"},
        lambda f: {"quantity": f["program_a"].pledges.get().quantity},
    ),
    "need": (
        "planner",
        "second_planner",
        lambda f: reverse("planning:need_update", args=[f["tegal_ratu_need"].pk]),
        ("form",),
        {"title": "Rutilahu Tegal Ratu (diperbarui A)"},
        {"quantity": "45"},
        lambda f: Need.objects.values("title", "quantity").get(pk=f["tegal_ratu_need"].pk),
    ),
    "report": (
        "officer_a",
        "second_officer",
        lambda f: reverse("delivery:update", args=[f["a_report"].pk]),
        ("form", "lines", "outputs"),
        {"narrative": "Empat rumah selesai (A)."},
        {"beneficiaries": "12"},
        lambda f: (
            type(f["a_report"])
            .objects.values("narrative", "beneficiaries")
            .get(pk=f["a_report"].pk)
        ),
    ),
    "company": (
        "officer_a",
        "second_officer",
        lambda f: reverse("companies:edit", args=[f["company_a"].slug]),
        ("form", "formset"),
        {"phone": "0254-111111"},
        {"contact_person": "Rizky dari B"},
        lambda f: Company.objects.values("phone", "contact_person").get(pk=f["company_a"].pk),
    ),
    "company ring villages": (
        "officer_a",
        "second_officer",
        lambda f: reverse("companies:edit", args=[f["company_a"].slug]),
        ("form", "formset"),
        {"operating_villages-0-ring": "2"},
        {"operating_villages-0-ring": "3"},
        lambda f: {"ring": f["company_a"].operating_villages.get().ring},
    ),
    "round": (
        "planner",
        "second_planner",
        lambda f: reverse("programs:round_update", args=[f["a_round"].pk]),
        ("form",),
        {"title": "Sinkronisasi CSR 2027 (A)"},
        {"deadline": "2026-12-20"},
        lambda f: Round.objects.values("title", "deadline").get(pk=f["a_round"].pk),
    ),
}


@pytest.fixture
def a_round(plan):
    return RoundFactory(plan=plan)


@pytest.mark.parametrize("case", CASES)
def test_a_save_from_a_page_loaded_before_another_persons_save_is_refused(
    case, request, client_for, program_a, tegal_ratu_need, company_a
):
    first, second, url_of, names, change_a, change_b, read = CASES[case]
    fixtures = {
        name: request.getfixturevalue(name)
        for name in ("program_a", "tegal_ratu_need", "company_a", "a_round")
    }
    if case == "report":
        fixtures["a_report"] = request.getfixturevalue("a_report")
    client_a = client_for(request.getfixturevalue(first))
    client_b = client_for(request.getfixturevalue(second))
    url = url_of(fixtures)
    page_a, page_b = client_a.get(url), client_b.get(url)  # both open the page
    before = read(fixtures)

    saved_a = client_a.post(url, page_form_data(page_a, *names, **change_a))
    assert saved_a.status_code == 302, saved_a.context and saved_a.context["form"].errors
    after_a = read(fixtures)
    assert after_a != before

    refused = client_b.post(url, page_form_data(page_b, *names, **change_b))
    assert refused.status_code == 200
    assert read(fixtures) == after_a, "B's stale save was applied"
    errors = " ".join(refused.context["form"].non_field_errors())
    assert "Orang lain telah mengubah data ini sejak Anda membuka halaman" in errors
    content = refused.content.decode()
    for value in change_b.values():  # B's input is kept on the page
        assert value in content
    # A's change is listed, with who made it.
    first_user = request.getfixturevalue(first)
    assert (first_user.get_full_name() or first_user.username) in errors

    # Saving again from the refusal page is a choice made knowing A's change: it is applied.
    again = client_b.post(url, page_form_data(refused, *names))
    assert again.status_code == 302
    final = read(fixtures)
    for value in change_b.values():
        assert value in {str(v) for v in final.values()}


def test_a_save_from_a_page_loaded_after_the_last_change_is_accepted(
    planner_client, tegal_ratu_need
):
    url = reverse("planning:need_update", args=[tegal_ratu_need.pk])
    for quantity in ("41", "42", "43"):  # one person saving again and again
        page = planner_client.get(url)
        assert planner_client.post(url, page_form_data(page, quantity=quantity)).status_code == 302
    assert Need.objects.get(pk=tegal_ratu_need.pk).quantity == 43


def test_an_approval_moving_a_needs_pledged_quantity_does_not_make_its_form_stale(
    planner_client, tegal_ratu_need
):
    url = reverse("planning:need_update", args=[tegal_ratu_need.pk])
    page = planner_client.get(url)
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=5)  # not on the form
    assert planner_client.post(url, page_form_data(page, quantity="44")).status_code == 302


def test_a_form_without_its_version_is_refused(planner_client, tegal_ratu_need):
    url = reverse("planning:need_update", args=[tegal_ratu_need.pk])
    data = page_form_data(planner_client.get(url), quantity="44")
    del data["loaded_version"]
    assert planner_client.post(url, data).status_code == 200
    assert Need.objects.get(pk=tegal_ratu_need.pk).quantity == 40


@pytest.mark.parametrize(
    ("admin_url", "fixture", "change_a", "change_b"),
    [
        ("admin:planning_need_change", "tegal_ratu_need", {"title": "A"}, {"quantity": "45"}),
        ("admin:programs_program_change", "program_a", {"title": "A"}, {"summary": "B"}),
        ("admin:companies_company_change", "company_a", {"phone": "1"}, {"email": "b@x.id"}),
    ],
)
def test_the_admins_change_forms_refuse_a_stale_save(
    request, client_for, admin_url, fixture, change_a, change_b
):
    obj = request.getfixturevalue(fixture)
    staff = [UserFactory(username=f"admin{i}", is_staff=True, is_superuser=True) for i in (1, 2)]
    client_a, client_b = (client_for(user) for user in staff)
    url = reverse(admin_url, args=[obj.pk])
    page_a, page_b = client_a.get(url), client_b.get(url)
    assert client_a.post(url, admin_form_data(page_a, **change_a)).status_code == 302
    refused = client_b.post(url, admin_form_data(page_b, **change_b))
    assert refused.status_code == 200
    assert "Orang lain telah mengubah data ini" in refused.content.decode()
    obj.refresh_from_db()
    for name, value in change_b.items():
        assert str(getattr(obj, name)) != value
    for name, value in change_a.items():
        assert str(getattr(obj, name)) == value


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_saves_from_one_version_at_the_same_moment_keep_one(client_for, tegal_ratu_need):
    """Two real connections save at once from pages loaded together: the row's lock lets one
    through and refuses the other (never both)."""
    planners = [PlannerFactory(username=f"planner{i}") for i in range(2)]
    clients = [client_for(planner) for planner in planners]
    url = reverse("planning:need_update", args=[tegal_ratu_need.pk])
    pages = [client.get(url) for client in clients]
    outcomes = at_once(
        *(
            lambda client=client, page=page, quantity=quantity: (
                client.post(url, page_form_data(page, quantity=quantity)).status_code
            )
            for client, page, quantity in zip(clients, pages, ("41", "42"), strict=True)
        )
    )
    assert sorted(outcomes) == [200, 302]
    assert Need.objects.get(pk=tegal_ratu_need.pk).quantity == (41 if outcomes[0] == 302 else 42)


def test_the_version_is_of_the_values_the_page_shows_not_of_those_stored_when_drawn(company_a):
    """A save landing between reading the company and drawing its form must not lend the form
    the newer version (its page shows the older values)."""
    from companies.forms import CompanyProfileForm, VillageRingFormSet
    from core import concurrency
    from regions.models import current_city

    form = CompanyProfileForm(instance=company_a)
    formset = VillageRingFormSet(instance=company_a, regions=[current_city()])
    form.watch(formset)
    Company.objects.filter(pk=company_a.pk).update(phone="0254-999")  # someone else, meanwhile
    drawn = form["loaded_version"].value()
    with pytest.raises(concurrency.Stale):
        concurrency.check(form.shown, company_a, drawn)


def test_a_round_opened_meanwhile_does_not_make_a_drafts_form_stale(
    officer_client, program_a, plan, company_a
):
    from tests.factories import InvitationFactory

    url = reverse("programs:update", args=[program_a.pk])
    names = ("form", "formset", "outputs", "partners")
    page = officer_client.get(url)
    assert "round" not in page.context["form"].fields  # no round invites the company yet
    InvitationFactory(round=RoundFactory(plan=plan), company=company_a)
    saved = officer_client.post(url, page_form_data(page, *names, title="Judul baru"))
    assert saved.status_code == 302


@pytest.mark.parametrize(
    "version", ["deadbeef.999999999999999", "x.-1", "", ".", "a" * 200, "abc.１２３"]
)
def test_a_tampered_version_is_a_refusal_not_an_error(planner_client, tegal_ratu_need, version):
    url = reverse("planning:need_update", args=[tegal_ratu_need.pk])
    data = page_form_data(planner_client.get(url), quantity="44", loaded_version=version)
    response = planner_client.post(url, data)
    assert response.status_code == 200
    assert Need.objects.get(pk=tegal_ratu_need.pk).quantity == 40
