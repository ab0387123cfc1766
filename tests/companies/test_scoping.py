import pytest
from django.urls import reverse

from accounts.models import User
from companies.models import Company


def test_the_directory_is_readable_by_every_signed_in_user(officer_a, company_b, outsider):
    assert company_b in Company.objects.visible_to(officer_a)
    assert company_b in Company.objects.visible_to(outsider)


@pytest.mark.django_db
def test_anonymous_sees_no_company(company_a):
    from django.contrib.auth.models import AnonymousUser

    assert not Company.objects.visible_to(AnonymousUser()).exists()


def test_an_officer_may_edit_only_their_own_company(officer_a, company_a, company_b):
    assert list(Company.objects.editable_by(officer_a)) == [company_a]


def test_a_planner_edits_no_company_but_staff_edits_all(planner, staff, company_a, company_b):
    assert not Company.objects.editable_by(planner).exists()
    assert set(Company.objects.editable_by(staff)) == {company_a, company_b}


def test_an_inactive_officer_loses_their_company(officer_a):
    officer_a.is_active = False
    officer_a.save()
    assert not Company.objects.editable_by(User.objects.get(pk=officer_a.pk)).exists()


def test_officers_of_a_company_are_hidden_from_other_companies(client_for, officer_a, officer_b):
    url = reverse("companies:detail", args=[officer_a.company_memberships.get().company.slug])
    own = client_for(officer_a).get(url)
    other = client_for(officer_b).get(url)
    assert "officer_a" in own.content.decode()
    assert "officer_a" not in other.content.decode()
    assert other.context["officers"] is None


def test_a_planner_sees_a_company_s_officers(planner_client, officer_a, company_a):
    response = planner_client.get(reverse("companies:detail", args=[company_a.slug]))
    assert [m.user for m in response.context["officers"]] == [officer_a]
