import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.models import Attachment, Program

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def attachment_b(program_b):
    return Attachment.objects.create(
        program=program_b,
        file=SimpleUploadedFile("proposal.pdf", PDF),
        original_name="p.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )


def urls_of(program, attachment):
    return {
        "detail": ("get", reverse("programs:detail", args=[program.pk])),
        "edit": ("get", reverse("programs:update", args=[program.pk])),
        "edit_post": ("post", reverse("programs:update", args=[program.pk])),
        "submit": ("post", reverse("programs:submit", args=[program.pk])),
        "upload": ("post", reverse("programs:attachment_upload", args=[program.pk])),
        "attachment": ("get", reverse("programs:attachment", args=[program.pk, attachment.pk])),
        "delete": ("post", reverse("programs:attachment_delete", args=[program.pk, attachment.pk])),
    }


@pytest.mark.parametrize(
    "view", ["detail", "edit", "edit_post", "submit", "upload", "attachment", "delete"]
)
def test_another_company_s_program_answers_404_on_every_view(officer_client, attachment_b, view):
    method, url = urls_of(attachment_b.program, attachment_b)[view]
    assert getattr(officer_client, method)(url).status_code == 404
    assert Program.objects.get(pk=attachment_b.program.pk).status == Program.Status.DRAFT
    assert Attachment.objects.filter(pk=attachment_b.pk).exists()


@pytest.mark.parametrize("view", ["detail", "edit", "submit", "attachment"])
def test_anonymous_users_are_sent_to_login(client, attachment_b, view):
    method, url = urls_of(attachment_b.program, attachment_b)[view]
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_planners_do_not_see_drafts_but_see_submitted_programs(planner_client, program_a):
    url = reverse("programs:detail", args=[program_a.pk])
    assert planner_client.get(url).status_code == 404
    assert program_a not in planner_client.get(reverse("programs:list")).context["programs"]
    Program.objects.filter(pk=program_a.pk).update(status=Program.Status.SUBMITTED)
    assert planner_client.get(url).status_code == 200


def test_a_planner_cannot_edit_or_submit_a_company_s_program(planner_client, program_a):
    Program.objects.filter(pk=program_a.pk).update(status=Program.Status.SUBMITTED)
    assert planner_client.get(reverse("programs:update", args=[program_a.pk])).status_code == 403
    assert planner_client.post(reverse("programs:submit", args=[program_a.pk])).status_code == 403


def test_an_officer_lists_only_their_company_s_programs(officer_client, program_a, program_b):
    assert list(officer_client.get(reverse("programs:list")).context["programs"]) == [program_a]


def test_a_submitted_program_is_read_only_for_its_officer(officer_client, program_a):
    Program.objects.filter(pk=program_a.pk).update(status=Program.Status.SUBMITTED)
    assert officer_client.get(reverse("programs:detail", args=[program_a.pk])).status_code == 200
    assert officer_client.get(reverse("programs:update", args=[program_a.pk])).status_code == 403
    assert (
        officer_client.post(reverse("programs:attachment_upload", args=[program_a.pk])).status_code
        == 403
    )
    officer_client.post(reverse("programs:submit", args=[program_a.pk]))
    assert Program.objects.get(pk=program_a.pk).status == Program.Status.SUBMITTED
    assert not program_a.transitions.exists()


def test_a_program_sent_back_for_revision_is_editable_again(officer_client, program_a):
    Program.objects.filter(pk=program_a.pk).update(status=Program.Status.REVISION)
    assert officer_client.get(reverse("programs:update", args=[program_a.pk])).status_code == 200


def test_users_without_a_company_cannot_create_programs(planner_client, outsider, client_for, plan):
    assert planner_client.get(reverse("programs:create")).status_code == 403
    assert client_for(outsider).get(reverse("programs:create")).status_code == 403


def test_company_profile_is_edited_only_by_its_officers_and_admins(
    client_for, officer_a, officer_b, planner, staff, company_a
):
    url = reverse("companies:edit", args=[company_a.slug])
    statuses = [client_for(u).get(url).status_code for u in (officer_a, officer_b, planner, staff)]
    assert statuses == [200, 403, 403, 200]
    assert client_for(None).get(url).status_code == 302
