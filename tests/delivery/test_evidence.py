"""Evidence: photos and PDFs, checked by their content, kept private, photos shown only as
their re-encoded copies, to those who may read the report."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from delivery import services
from delivery.forms import EvidenceForm
from delivery.models import Evidence

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, report, name, content, caption=""):
    return client.post(
        reverse("delivery:evidence_upload", args=[report.pk]),
        {"file": SimpleUploadedFile(name, content), "caption": caption},
        follow=True,
    )


def test_a_photo_and_a_pdf_are_kept_and_the_photo_shown_re_encoded(officer_client, report_of):
    report = report_of()
    upload(officer_client, report, "foto.png", png() + b"<script>alert(1)</script>", "Atap")
    upload(officer_client, report, "berita-acara.pdf", PDF)
    photo, pdf = Evidence.objects.order_by("pk")
    assert photo.is_image and not pdf.is_image
    url = reverse("delivery:evidence", args=[report.pk, photo.pk])
    shown = officer_client.get(url)
    body = b"".join(shown.streaming_content)
    assert shown["Content-Type"] == "image/jpeg" and body.startswith(b"\xff\xd8")
    assert b"<script>" not in body
    document = officer_client.get(reverse("delivery:evidence", args=[report.pk, pdf.pk]))
    assert document["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("foto.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
        ("laporan.pdf", b"<html><body>not a pdf</body></html>"),
        ("data.xlsx", b"PK\x03\x04 an office file is no evidence"),
        ("foto.png", b"\x89PNG\r\n\x1a\n broken"),
    ],
)
def test_bad_evidence_files_are_refused_with_a_message(officer_client, report_of, name, content):
    response = upload(officer_client, report_of(), name, content)
    assert list(response.context["messages"])
    assert not Evidence.objects.exists()


def test_evidence_over_the_limit_is_refused(officer_client, report_of, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    response = upload(officer_client, report_of(), "berita-acara.pdf", PDF * 10)
    assert "batasnya" in str(next(iter(response.context["messages"])))


def test_evidence_is_served_only_to_those_who_may_read_the_report(
    client_for, officer_a, officer_b, planner, report_of
):
    report = report_of()
    upload(client_for(officer_a), report, "berita-acara.pdf", PDF)
    url = reverse("delivery:evidence", args=[report.pk, Evidence.objects.get().pk])
    assert client_for(officer_b).get(url).status_code == 404
    assert client_for(planner).get(url).status_code == 404  # the report is still a draft
    services.report_submit(report=report, by=officer_a)
    assert client_for(planner).get(url).status_code == 200
    assert client_for(officer_b).get(url).status_code == 404


def test_evidence_of_a_submitted_report_cannot_be_added_or_removed(
    officer_client, officer_a, report_of
):
    report = report_of()
    upload(officer_client, report, "berita-acara.pdf", PDF)
    services.report_submit(report=report, by=officer_a)
    assert upload(officer_client, report, "lagi.pdf", PDF).status_code == 403
    delete = reverse("delivery:evidence_delete", args=[report.pk, Evidence.objects.get().pk])
    assert officer_client.post(delete).status_code == 403
    assert Evidence.objects.count() == 1


def test_evidence_added_to_a_report_submitted_meanwhile_is_refused(officer_a, report_of):
    """The view read the report while it was a draft; the submission committed before the
    upload: the service re-reads the report under lock and refuses."""
    report = report_of()
    form = EvidenceForm({}, {"file": SimpleUploadedFile("berita-acara.pdf", PDF)})
    assert form.is_valid(), form.errors
    services.report_submit(report=report, by=officer_a)
    with pytest.raises(ValidationError):
        services.evidence_add(report=report, form=form, by=officer_a)
    assert not Evidence.objects.exists()
