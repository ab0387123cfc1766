"""What the program's page tells the company's officer at each stage."""

import pytest
from django.urls import reverse

from programs.models import Program

S = Program.Status


@pytest.mark.parametrize("status", [S.APPROVED, S.IN_PROGRESS])
def test_an_approved_or_running_program_tells_its_officer_to_report(
    officer_client, program_a, status
):
    Program.objects.filter(pk=program_a.pk).update(status=status)
    page = officer_client.get(reverse("programs:detail", args=[program_a.pk])).content.decode()
    assert "Laporkan realisasinya setiap triwulan" in page
    assert 'href="#reports-heading"' in page and 'id="reports"' in page
    assert "selama perencana menelaahnya" not in page and "di tangan perencana" not in page


def test_a_submitted_program_is_read_only_while_the_planners_review_it(officer_client, program_a):
    Program.objects.filter(pk=program_a.pk).update(status=S.SUBMITTED)
    page = officer_client.get(reverse("programs:detail", args=[program_a.pk])).content.decode()
    assert "selama perencana menelaahnya" in page


def test_the_officers_own_note_is_not_labelled_a_comment_for_the_company(
    officer_client, planner_client, program_a
):
    Program.objects.filter(pk=program_a.pk).update(status=S.IN_PROGRESS)
    url = reverse("programs:detail", args=[program_a.pk])
    officer_page = officer_client.get(url).content.decode()
    assert "Catatan Anda: alasannya" in officer_page
    assert "Catatan untuk perusahaan" not in officer_page
    assert "Catatan untuk perusahaan" in planner_client.get(url).content.decode()
