"""The admin in the portal's language, and its audit trail's filters."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("action", ["0", "1", "2", "3"])
def test_the_audit_trail_filters_by_action(staff_client, action):
    response = staff_client.get(reverse("admin:auditlog_logentry_changelist") + f"?action={action}")
    assert response.status_code == 200


def test_the_admin_speaks_indonesian_to_its_operator(staff_client, program_a, officer_a, planner):
    from programs import workflow
    from programs.models import Program

    Program.objects.filter(pk=program_a.pk).update(budget=1_500_000_000)
    program_a.refresh_from_db()
    workflow.program_submit(program=program_a, by=officer_a)
    user_page = staff_client.get(
        reverse("admin:accounts_user_change", args=[planner.pk])
    ).content.decode()
    assert "Ubah pengguna" in user_page
    assert "Dapat menambah program CSR" in user_page and "Can add" not in user_page
    assert "Perencana: melihat dan memutuskan" in user_page  # the region roles inline
    programs = staff_client.get(reverse("admin:programs_program_changelist")).content.decode()
    assert "Rp\xa01.500.000.000" in programs and ">1500000000<" not in programs
    program_page = staff_client.get(
        reverse("admin:programs_program_change", args=[program_a.pk])
    ).content.decode()
    assert "Draf → Diajukan" in program_page and "draft → submitted" not in program_page


def test_the_admins_index_names_every_app_in_indonesian(staff_client):
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert "Jejak audit" in index and "Perlindungan masuk" in index
    assert "Audit log" not in index and ">Axes<" not in index
