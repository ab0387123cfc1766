"""One URL x role x method matrix for every named URL of the portal (pretix's way).

MATRIX is the contract: each named URL of the URL configuration has a row with the status
every role gets for a GET and for an empty POST. A URL added without a row fails
`test_every_named_url_has_a_row`; a status that changes fails the matrix test.
302 for anonymous means: to the login page (checked).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core import tenancy

ROLES = [
    "anonymous",
    "outsider",
    "officer_a",
    "officer_b",
    "planner",
    "staff",
    "planner_other",  # a planner of Kota Balikpapan, served by the same deployment
    "province_planner",  # a planner of Banten province: reads Cilegon, decides nothing
]


# name: (args from the world, GET statuses per role, POST statuses per role)
MATRIX = {
    # role order: anonymous, outsider, officer_a, officer_b, planner, staff, planner_other,
    # province_planner
    "home": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "healthz": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "login": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    "logout": (
        [],
        [405, 405, 405, 405, 405, 405, 405, 405],
        [302, 302, 302, 302, 302, 302, 302, 302],
    ),
    "password_change": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 200, 200, 200, 200, 200, 200, 200],
    ),
    "password_change_done": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "password_reset": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    "password_reset_done": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "password_reset_confirm": (
        ["MQ", "set-password"],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    "password_reset_complete": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "set_language": (
        [],
        [302, 302, 302, 302, 302, 302, 302, 302],
        [302, 302, 302, 302, 302, 302, 302, 302],
    ),
    "admin:index": (
        [],
        [302, 302, 302, 302, 302, 200, 302, 302],
        [302, 302, 302, 302, 302, 200, 302, 302],
    ),
    "companies:list": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "companies:detail": (
        ["company"],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "companies:edit": (
        ["company"],
        [302, 403, 200, 403, 403, 200, 403, 403],
        [302, 403, 200, 403, 403, 200, 403, 403],
    ),
    "regions:index": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "regions:detail": (
        ["36.72.04"],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "planning:priority_list": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "planning:priority_detail": (
        ["priority"],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "planning:need_list": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "planning:need_create": (
        [],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 403, 403, 403, 200, 403, 403, 403],
    ),
    "planning:need_detail": (
        ["need"],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "planning:need_update": (
        ["need"],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 403, 403, 403, 200, 403, 403, 403],
    ),
    "planning:need_history": (
        ["need"],
        [302, 403, 403, 403, 200, 200, 403, 200],
        [302, 403, 403, 403, 405, 405, 403, 405],
    ),
    "planning:need_status": (
        ["need"],
        [302, 403, 403, 403, 405, 403, 403, 403],
        [302, 403, 403, 403, 302, 403, 403, 403],
    ),
    "planning:import": (
        [],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 403, 403, 403, 200, 403, 403, 403],
    ),
    "planning:import_template": (
        [],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 403, 403, 403, 405, 403, 403, 403],
    ),
    "planning:unit_import": (
        [],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 403, 403, 403, 200, 403, 403, 403],
    ),
    "planning:import_detail": (
        ["import"],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 403, 403, 403, 302, 403, 403, 403],
    ),
    "programs:list": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:create": (
        [],
        [302, 403, 200, 200, 403, 403, 403, 403],
        [302, 403, 200, 200, 403, 403, 403, 403],
    ),
    "programs:detail": (
        ["submitted"],
        [302, 404, 200, 404, 200, 200, 404, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:update": (
        ["draft"],
        [302, 404, 200, 404, 404, 404, 404, 404],
        [302, 404, 200, 404, 404, 404, 404, 404],
    ),
    "programs:history": (
        ["submitted"],
        [302, 404, 200, 404, 200, 200, 404, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:submit": (
        ["draft"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 404, 302, 404, 404, 404, 404, 404],
    ),
    "programs:transition": (
        ["submitted", "approved"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 404, 403, 404, 302, 403, 404, 403],
    ),
    "programs:amend": (
        ["running"],
        [302, 404, 302, 404, 403, 403, 404, 403],
        [302, 404, 200, 404, 403, 403, 404, 403],
    ),
    "programs:steer": (
        ["submitted", "submitted_pledge"],
        [302, 404, 403, 404, 200, 403, 404, 403],
        [302, 404, 403, 404, 200, 403, 404, 403],
    ),
    "programs:pledge_units": (
        ["draft", "draft_pledge"],
        [302, 404, 200, 404, 404, 404, 404, 404],
        [302, 404, 302, 404, 404, 404, 404, 404],
    ),
    "programs:need_units": (
        ["need"],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:need_units_export": (
        ["need"],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:unit": (
        ["unit"],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:unit_erase": (
        ["unit"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 403, 403, 403, 302, 403, 403, 403],
    ),
    "programs:amendment": (
        ["running", "amendment"],
        [302, 404, 200, 404, 200, 200, 404, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:amendment_decide": (
        ["running", "amendment", "approve"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 404, 403, 404, 302, 403, 404, 403],
    ),
    "programs:attachment_upload": (
        ["draft"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 404, 302, 404, 404, 404, 404, 404],
    ),
    "programs:attachment": (
        ["draft", "attachment"],
        [302, 404, 200, 404, 404, 404, 404, 404],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:attachment_delete": (
        ["draft", "attachment"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 404, 302, 404, 404, 404, 404, 404],
    ),
    "programs:strategy": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:strategic_plan_create": (
        [],
        [302, 403, 200, 200, 403, 403, 403, 403],
        [302, 403, 200, 200, 403, 403, 403, 403],
    ),
    "programs:strategic_plan": (
        ["strategic_plan"],
        [302, 404, 200, 404, 200, 200, 404, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:strategic_plan_update": (
        ["strategic_plan"],
        [302, 404, 200, 404, 403, 403, 404, 403],
        [302, 404, 200, 404, 403, 403, 404, 403],
    ),
    "programs:consultation_create": (
        [],
        [302, 403, 200, 200, 403, 403, 403, 403],
        [302, 403, 200, 200, 403, 403, 403, 403],
    ),
    "programs:consultation": (
        ["consultation"],
        [302, 404, 200, 404, 200, 200, 404, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:consultation_update": (
        ["consultation"],
        [302, 404, 200, 404, 403, 403, 404, 403],
        [302, 404, 200, 404, 403, 403, 404, 403],
    ),
    "programs:strategy_file": (
        ["strategy_file"],
        [302, 404, 200, 404, 200, 404, 404, 404],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "programs:round_list": (
        [],
        [302, 403, 403, 403, 200, 200, 403, 200],
        [302, 403, 403, 403, 405, 405, 403, 405],
    ),
    "programs:round_create": (
        [],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 403, 403, 403, 200, 403, 403, 403],
    ),
    "programs:round_detail": (
        ["round"],
        [302, 403, 403, 403, 200, 200, 403, 200],
        [302, 403, 403, 403, 405, 405, 403, 405],
    ),
    "programs:round_update": (
        ["round"],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 403, 403, 403, 200, 403, 403, 403],
    ),
    "programs:round_close": (
        ["round"],
        [302, 403, 403, 403, 405, 403, 403, 403],
        [302, 403, 403, 403, 302, 403, 403, 403],
    ),
    "programs:round_remind": (
        ["round"],
        [302, 403, 403, 403, 405, 403, 403, 403],
        [302, 403, 403, 403, 302, 403, 403, 403],
    ),
    "insight:round_workbook": (
        ["round"],
        [302, 403, 403, 403, 405, 403, 403, 403],
        [302, 403, 403, 403, 302, 403, 403, 403],
    ),
    "insight:round_workbook_file": (
        ["round", "workbook"],
        [302, 403, 403, 403, 200, 403, 403, 403],
        [302, 403, 403, 403, 405, 403, 403, 403],
    ),
    "insight:dashboard": (
        [],
        [302, 403, 403, 403, 200, 200, 403, 200],
        [302, 403, 403, 403, 405, 405, 403, 405],
    ),
    "insight:public": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "insight:map": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "insight:district": (
        ["district"],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "insight:village": (
        ["village"],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "insight:village_outline": (
        ["village_id"],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "insight:overview": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "insight:overview_province": (
        ["36"],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:root": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:regions": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:priorities": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:needs": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:programs": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:program": (
        ["running"],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:villages": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:schema": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:docs": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "api:own_programs": (
        [],
        [401, 401, 401, 401, 401, 401, 401, 401],
        [401, 401, 401, 401, 401, 401, 401, 401],
    ),
    "api:own_compliance": (
        [],
        [401, 401, 401, 401, 401, 401, 401, 401],
        [401, 401, 401, 401, 401, 401, 401, 401],
    ),
    "api:own_reports": (
        [],
        [401, 401, 401, 401, 401, 401, 401, 401],
        [401, 401, 401, 401, 401, 401, 401, 401],
    ),
    "api:own_report": (
        ["report"],
        [401, 401, 401, 401, 401, 401, 401, 401],
        [401, 401, 401, 401, 401, 401, 401, 401],
    ),
    "api:own_program_reports": (
        ["running"],
        [401, 401, 401, 401, 401, 401, 401, 401],
        [401, 401, 401, 401, 401, 401, 401, 401],
    ),
    "tokens:list": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 200, 200, 200, 200, 200, 200, 200],
    ),
    "tokens:revoke": (
        ["api_token"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 404, 302, 404, 404, 404, 404, 404],
    ),
    "opendata:data": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "opendata:iati_xml": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "opendata:iati_json": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "opendata:iati_all_xml": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "opendata:iati_all_json": (
        [],
        [200, 200, 200, 200, 200, 200, 200, 200],
        [405, 405, 405, 405, 405, 405, 405, 405],
    ),
    "delivery:list": (
        [],
        [302, 200, 200, 200, 200, 200, 200, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "delivery:compliance": (
        [],
        [302, 403, 200, 200, 200, 200, 403, 200],
        [302, 403, 405, 405, 405, 405, 403, 405],
    ),
    "delivery:compliance_remind": (
        [],
        [302, 403, 403, 403, 405, 403, 403, 403],
        [302, 403, 403, 403, 302, 403, 403, 403],
    ),
    "delivery:create": (
        ["running"],
        [302, 404, 200, 404, 403, 403, 404, 403],
        [302, 404, 200, 404, 403, 403, 404, 403],
    ),
    "delivery:detail": (
        ["report"],
        [302, 404, 200, 404, 200, 200, 404, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "delivery:update": (
        ["draft_report"],
        [302, 404, 200, 404, 404, 404, 404, 404],
        [302, 404, 200, 404, 404, 404, 404, 404],
    ),
    "delivery:transition": (
        ["report", "verified"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 404, 403, 404, 302, 403, 404, 403],
    ),
    "delivery:evidence_upload": (
        ["draft_report"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 404, 302, 404, 404, 404, 404, 404],
    ),
    "delivery:evidence": (
        ["report", "report_evidence"],
        [302, 404, 200, 404, 200, 200, 404, 200],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    "delivery:evidence_delete": (
        ["draft_report", "draft_evidence"],
        [302, 405, 405, 405, 405, 405, 405, 405],
        [302, 404, 302, 404, 404, 404, 404, 404],
    ),
}


def named_urls(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            if pattern.namespace == "admin":
                yield "admin:index"  # the admin's own pages: tests/core/test_admin.py
                continue
            yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_named_url_has_a_row():
    assert set(named_urls()) == set(MATRIX)


CASES = [(name, method, role) for name in MATRIX for method in ("GET", "POST") for role in ROLES]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_each_url_answers_each_role(world, client_for, name, method, role):
    """Under Kota Cilegon's code (/36.72/...), where the world lives."""
    args, get_statuses, post_statuses = MATRIX[name]
    with tenancy.serving("36.72"):
        url = reverse(name, args=[world.get(a, a) for a in args])
        login = reverse("login")
    client = client_for(world["users"][role])
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = (get_statuses if method == "GET" else post_statuses)[ROLES.index(role)]
    assert response.status_code == expected, (role, method, url, response.status_code)
    if expected == 302 and role == "anonymous" and name not in PUBLIC_REDIRECTS:
        assert response.url.startswith(login)


def test_a_planner_of_another_region_is_here_any_signed_in_user():
    """The rule of the matrix's two region columns: a planner of another region gets what a
    signed-in user without a role gets; a province's planner never decides (no 302 for a POST
    where the region's planner's POST decides)."""
    other, province, outsider, planner = (
        ROLES.index(r) for r in ("planner_other", "province_planner", "outsider", "planner")
    )
    for _args, get_statuses, post_statuses in MATRIX.values():
        for statuses in (get_statuses, post_statuses):
            assert statuses[other] == statuses[outsider]
        if post_statuses[planner] == 302 != post_statuses[outsider]:  # a decision
            assert post_statuses[province] in (403, 404)


# URLs that redirect anonymous users elsewhere than the portal's login page, on purpose.
PUBLIC_REDIRECTS = {"logout", "set_language", "admin:index"}


# "Is this user an officer of this company": spelled in core/permissions.py only (and the
# roles it reads, in accounts/models.py).
OFFICER_RULE = re.compile(r"\.company_ids\b")
RULE_HOMES = {"core/permissions.py", "accounts/models.py"}


def test_only_the_permissions_module_spells_the_officer_rule():
    root = Path(settings.BASE_DIR)
    sources = [
        path
        for pattern in ("*/**/*.py", "templates/**/*.html")
        for path in root.glob(pattern)
        if path.relative_to(root).parts[0] not in {"tests", "bench", ".venv", "node_modules"}
        and "migrations" not in path.parts
    ]
    assert len(sources) > 100
    spelled = [
        f"{path.relative_to(root)}:{number}"
        for path in sources
        if str(path.relative_to(root)) not in RULE_HOMES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if OFFICER_RULE.search(line)
    ]
    assert spelled == [], "ask core.permissions instead"


# World objects that belong to Kota Cilegon (its plan, programs, reports, needs, round...).
REGION_OWNED = {
    "draft",
    "submitted",
    "submitted_pledge",
    "strategic_plan",
    "consultation",
    "strategy_file",
    "attachment",
    "need",
    "priority",
    "import",
    "running",
    "amendment",
    "report",
    "report_evidence",
    "draft_report",
    "draft_evidence",
    "round",
    "workbook",
    "village",
    "district",
}
OWNED_CASES = [
    (name, method)
    for name, (args, _get, _post) in MATRIX.items()
    if REGION_OWNED & set(args)
    for method in ("GET", "POST")
]


@pytest.mark.parametrize(("name", "method"), OWNED_CASES)
def test_another_regions_planner_reaches_no_object_of_this_region_under_its_own_code(
    world, client_for, name, method
):
    """Balikpapan's planner asks for Cilegon's objects under /64.71/, where a planner it is:
    each one is unknown there (404), whatever the page, or the method is refused first."""
    args = MATRIX[name][0]
    with tenancy.serving("64.71"):
        url = reverse(name, args=[world.get(a, a) for a in args])
    client = client_for(world["users"]["planner_other"])
    response = client.get(url) if method == "GET" else client.post(url, {})
    # The API's token addresses count no session: 401 before anything is looked up.
    assert response.status_code in (401, 404, 405), (method, url, response.status_code)
