"""One audit trail: every change by a person, through the portal or the admin, with who,
when, from which client address, what object, and the fields' old and new values."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from companies.models import Company
from planning.models import Need
from programs import workflow
from programs.models import Pledge, Program
from tests.utils import NO_OUTPUTS_NOR_PARTNERS, admin_form_data, loaded_version, queries_for

PROXY = {"REMOTE_ADDR": "172.18.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("pk")


def test_an_admin_edit_of_a_company_is_recorded_with_old_and_new_values_and_the_client_address(
    staff_client, staff, company_a, settings
):
    settings.PROXY_COUNT = 1
    url = reverse("admin:companies_company_change", args=[company_a.pk])
    page = staff_client.get(url)
    response = staff_client.post(url, admin_form_data(page, phone="(0254) 311 222"), **PROXY)
    assert response.status_code == 302
    entry = entries_for(company_a).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == staff
    assert entry.changes_dict["phone"] == ["", "(0254) 311 222"]
    # The client's address, taken through the one trusted proxy; the forged 6.6.6.6 is ignored.
    assert entry.remote_addr == "203.0.113.9"


def test_a_need_edited_by_a_planner_is_recorded(planner_client, planner, tegal_ratu_need):
    data = {
        "priority": tegal_ratu_need.priority_id,
        "village": tegal_ratu_need.village_id,
        "title": tegal_ratu_need.title,
        "quantity": 45,
        "estimated_unit_cost": 20_000_000,
        "source": "agency",
    }
    url = reverse("planning:need_update", args=[tegal_ratu_need.pk])
    planner_client.post(url, {**data, **loaded_version(planner_client, url)})
    entry = entries_for(tegal_ratu_need).last()
    assert (entry.actor, entry.changes_dict["quantity"]) == (planner, ["40", "45"])
    assert entry.remote_addr == "127.0.0.1"


def test_an_approval_traces_the_need_s_pledged_quantity_to_the_program(
    program_a, planner, tegal_ratu_need
):
    Program.objects.filter(pk=program_a.pk).update(status="submitted")
    workflow.program_approve(program=program_a, by=planner)
    entry = entries_for(tegal_ratu_need).last()
    assert entry.changes_dict["pledged_quantity"] == ["0", "5"]
    assert entry.actor == planner
    assert entry.additional_data == {"program": program_a.pk, "transition": "approved"}


def test_pledges_villages_and_files_of_a_program_are_recorded(
    officer_client, officer_a, program_a, tegal_ratu_need
):
    url = reverse("programs:update", args=[program_a.pk])
    pledge = program_a.pledges.get()
    data = {
        "title": program_a.title,
        "villages": [tegal_ratu_need.village_id],
        **NO_OUTPUTS_NOR_PARTNERS,
        "pledges-TOTAL_FORMS": "1",
        "pledges-INITIAL_FORMS": "1",
        "pledges-0-id": pledge.pk,
        "pledges-0-priority": pledge.priority_id,
        "pledges-0-need": tegal_ratu_need.pk,
        "pledges-0-quantity": "7",
        "pledges-0-amount": "140000000",
        **loaded_version(officer_client, url),
    }
    assert officer_client.post(url, data).status_code == 302
    entry = entries_for(pledge).last()
    assert entry.changes_dict["quantity"] == ["5", "7"]
    assert entry.additional_data == {"program": program_a.pk}
    assert entry.actor == officer_a


def test_a_deleted_pledge_stays_in_its_program_s_history(officer_client, program_a):
    pledge = program_a.pledges.get()
    pledge.delete()
    page = officer_client.get(reverse("programs:history", args=[program_a.pk]))
    assert page.status_code == 200
    deleted = [e for e in page.context["entries"] if e.action == LogEntry.Action.DELETE]
    assert [e.object_repr for e in deleted] == [str(pledge)]


def test_history_pages_are_scoped_like_their_objects(
    client_for, officer_a, officer_b, planner, program_a, tegal_ratu_need
):
    program_url = reverse("programs:history", args=[program_a.pk])
    need_url = reverse("planning:need_history", args=[tegal_ratu_need.pk])
    assert client_for(officer_a).get(program_url).status_code == 200
    assert client_for(officer_b).get(program_url).status_code == 404
    assert client_for(planner).get(program_url).status_code == 404  # a draft is private
    assert client_for(planner).get(need_url).status_code == 200
    assert client_for(officer_a).get(need_url).status_code == 403


def test_the_program_and_need_pages_link_to_their_history(
    officer_client, planner_client, program_a, tegal_ratu_need
):
    page = officer_client.get(program_a.get_absolute_url()).content.decode()
    assert reverse("programs:history", args=[program_a.pk]) in page
    page = planner_client.get(tegal_ratu_need.get_absolute_url()).content.decode()
    assert reverse("planning:need_history", args=[tegal_ratu_need.pk]) in page


def test_the_history_page_shows_labels_and_values_never_none(
    planner_client, planner, tegal_ratu_need
):
    from planning import services

    tegal_ratu_need.description = "Data Disperkim 2026"
    services.need_save(need=tegal_ratu_need, by=planner, fields=["description"])
    page = planner_client.get(reverse("planning:need_history", args=[tegal_ratu_need.pk]))
    html = page.content.decode()
    assert "Keterangan" in html and "Data Disperkim 2026" in html
    assert "None" not in html


@pytest.mark.parametrize("count", [1, 30])
def test_the_history_page_keeps_its_query_count(planner_client, planner, tegal_ratu_need, count):
    from planning import services

    for index in range(count):
        tegal_ratu_need.title = f"Rutilahu Tegal Ratu {index}"
        services.need_save(need=tegal_ratu_need, by=planner, fields=["title"])
    url = reverse("planning:need_history", args=[tegal_ratu_need.pk])
    # Cold: the served regions (2), the region's plans (in_region), both roles read.
    assert queries_for(planner_client, url) == 9


def test_sign_ins_are_recorded_with_the_client_address(client, planner, settings):
    settings.PROXY_COUNT = 1
    response = client.post(
        reverse("login"),
        {"username": "planner", "password": "correct-horse-battery"},
        **PROXY,
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.remote_addr) == (planner, "203.0.113.9")
    assert entry.additional_data == {"event": "login"}


def test_nobody_can_change_or_delete_an_audit_entry_in_the_admin(staff_client, company_a):
    company_a.phone = "0254 1"
    company_a.save()
    entry = entries_for(company_a).last()
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])
    delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert staff_client.get(change).status_code == 200  # read-only view
    assert staff_client.post(change, {"action": 0}).status_code == 403
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_filters_the_trail_by_user_object_type_and_date(staff_client, staff, company_a):
    company_a.phone = "0254 2"
    company_a.save()
    company_type = ContentType.objects.get_for_model(Company)
    url = reverse("admin:auditlog_logentry_changelist")
    query = f"?actor__id__exact={staff.pk}&content_type={company_type.pk}"
    assert staff_client.get(url + query).status_code == 200
    filters = {str(spec.title) for spec in staff_client.get(url).context["cl"].filter_specs}
    assert {"siapa", "kapan", "aksi"} <= filters


def test_models_changed_by_people_are_all_in_the_audit_registry():
    from auditlog.registry import auditlog

    from companies.models import CompanyVillage, Membership
    from planning.models import DevelopmentPlan, NeedImport, Priority

    for model in (
        Program,
        Pledge,
        Need,
        Priority,
        DevelopmentPlan,
        NeedImport,
        Company,
        CompanyVillage,
        Membership,
    ):
        assert auditlog.contains(model), model
    from programs.models import Attachment

    assert auditlog.contains(Attachment)
