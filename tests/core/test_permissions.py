"""One URL x role matrix for the pages of the foundation: status codes per role."""

import pytest
from django.urls import reverse

ROLES = ["anonymous", "outsider", "officer_a", "planner", "staff"]

# url name, args factory, expected status per role (302 for anonymous means: to the login).
MATRIX = [
    ("home", None, [302, 200, 200, 200, 200]),
    ("companies:list", None, [302, 200, 200, 200, 200]),
    ("companies:detail", lambda f: [f["company_b"].slug], [302, 200, 200, 200, 200]),
    ("regions:index", None, [302, 200, 200, 200, 200]),
    ("regions:detail", lambda f: ["36.72.04"], [302, 200, 200, 200, 200]),
    ("password_change", None, [302, 200, 200, 200, 200]),
    ("admin:index", None, [302, 302, 302, 302, 200]),
    ("healthz", None, [200, 200, 200, 200, 200]),
    ("login", None, [200, 200, 200, 200, 200]),
]


@pytest.fixture
def users(outsider, officer_a, planner, staff, company_b):
    return {
        "anonymous": None,
        "outsider": outsider,
        "officer_a": officer_a,
        "planner": planner,
        "staff": staff,
        "company_b": company_b,
    }


@pytest.mark.parametrize(("name", "args", "statuses"), MATRIX, ids=[m[0] for m in MATRIX])
def test_each_page_answers_each_role(users, client_for, name, args, statuses):
    url = reverse(name, args=args(users) if args else None)
    for role, expected in zip(ROLES, statuses, strict=True):
        response = client_for(users[role]).get(url)
        assert response.status_code == expected, (role, url, response.status_code)
        if expected == 302 and role == "anonymous" and not name.startswith("admin"):
            assert response.url.startswith(reverse("login"))


def test_an_unknown_region_or_company_is_404(planner_client, cilegon):
    assert planner_client.get(reverse("regions:detail", args=["99.99"])).status_code == 404
    assert planner_client.get(reverse("companies:detail", args=["pt-nope"])).status_code == 404
