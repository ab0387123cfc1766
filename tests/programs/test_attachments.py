import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from programs.models import Attachment, Pledge
from tests.factories import NeedFactory
from tests.utils import postgres_only

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_bytes(size=(8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


PNG = png_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def xlsx_bytes():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(client, program, name, content, kind="proposal"):
    return client.post(
        reverse("programs:attachment_upload", args=[program.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("proposal.pdf", PDF, "application/pdf"),
        ("foto.png", PNG, "image/png"),
        (
            "anggaran.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_pdf_images_and_office_documents_are_accepted(
    officer_client, program_a, name, content, mime
):
    upload(officer_client, program_a, name, content)
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == (name, mime)
    assert name not in attachment.file.name  # stored under a random name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("proposal.pdf", b"<html><script>alert(1)</script></html>"),
        ("foto.jpg", b"MZ\x90\x00 an executable"),
        ("gambar.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
    ],
)
def test_files_are_judged_by_content_not_name(officer_client, program_a, name, content):
    response = upload(officer_client, program_a, name, content)
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and "PDF" in errors[0]
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(officer_client, program_a, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = upload(officer_client, program_a, "proposal.pdf", PDF)
    assert "batasnya" in str(next(iter(response.context["messages"])))
    assert not Attachment.objects.exists()


def test_files_are_served_only_to_those_who_see_the_program(
    officer_client, client_for, officer_b, planner, program_a
):
    upload(officer_client, program_a, "proposal.pdf", PDF)
    upload(officer_client, program_a, "foto.png", PNG, kind="photo")
    pdf, png = Attachment.objects.order_by("pk")
    pdf_response = officer_client.get(pdf.get_absolute_url())
    assert pdf_response["Content-Disposition"].startswith("attachment")
    assert b"".join(pdf_response.streaming_content) == PDF
    assert officer_client.get(png.get_absolute_url())["Content-Disposition"].startswith("inline")
    assert client_for(officer_b).get(pdf.get_absolute_url()).status_code == 404
    assert client_for(planner).get(pdf.get_absolute_url()).status_code == 404  # still a draft


def test_removing_an_attachment_removes_its_file(
    officer_client, program_a, django_capture_on_commit_callbacks
):
    upload(officer_client, program_a, "proposal.pdf", PDF)
    attachment = Attachment.objects.get()
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("programs:attachment_delete", args=[program_a.pk, attachment.pk])
        )
    assert not Attachment.objects.exists()
    assert not storage.exists(name)


@postgres_only
def test_the_database_refuses_a_pledge_whose_need_is_of_another_priority(program_a, classrooms):
    need = program_a.pledges.get().need
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.create(
            program=program_a, priority=classrooms, need=need, quantity=1, amount=1
        )


def test_a_pledge_without_a_need_is_fine_in_the_database(program_a, classrooms):
    NeedFactory(priority=classrooms)
    assert Pledge.objects.create(program=program_a, priority=classrooms, quantity=1, amount=1).pk


def test_a_photo_is_shown_only_as_its_re_encoded_copy(officer_client, program_a):
    polyglot = PNG + b"<html><script>alert(1)</script></html>%PDF-1.4"
    upload(officer_client, program_a, "foto.png", polyglot, kind="photo")
    photo = Attachment.objects.get()
    shown = officer_client.get(photo.get_absolute_url())
    body = b"".join(shown.streaming_content)
    assert shown["Content-Type"] == "image/jpeg" and shown["Content-Disposition"].startswith(
        "inline"
    )
    assert body.startswith(b"\xff\xd8") and b"<script>" not in body
    thumbnail = officer_client.get(photo.get_absolute_url() + "?size=thumbnail")
    assert b"".join(thumbnail.streaming_content).startswith(b"\xff\xd8")
    original = officer_client.get(photo.get_absolute_url() + "?size=original")
    assert original["Content-Disposition"].startswith("attachment")  # as uploaded: a download


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10,  # a header and nothing behind it
        png_bytes()[:40],  # cut short
    ],
)
def test_a_photo_that_cannot_be_decoded_is_refused(officer_client, program_a, content):
    response = upload(officer_client, program_a, "foto.png", content, kind="photo")
    assert "tidak dapat dibaca" in str(next(iter(response.context["messages"])))
    assert not Attachment.objects.exists()


def test_a_photo_claiming_more_pixels_than_a_camera_makes_is_refused(officer_client, program_a):
    # A valid PNG header announcing 30,000 x 30,000 pixels: a decompression bomb.
    small = png_bytes((1, 1))
    header = b"IHDR" + (30_000).to_bytes(4, "big") * 2 + small[24:29]
    bomb = small[:12] + header + zlib.crc32(header).to_bytes(4, "big") + small[33:]
    response = upload(officer_client, program_a, "foto.png", bomb, kind="photo")
    assert "piksel" in str(next(iter(response.context["messages"])))
    assert not Attachment.objects.exists()


def png_header(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    """A valid PNG whose header announces width x height pixels (nothing decodes them)."""
    small = png_bytes((1, 1))
    header = b"IHDR" + width.to_bytes(4, "big") + height.to_bytes(4, "big")
    header += bytes([depth, colour, 0, 0, 0])
    return small[:12] + header + zlib.crc32(header).to_bytes(4, "big") + small[33:]


@pytest.mark.parametrize(
    ("width", "height", "depth", "colour", "said"),
    [
        (8000, 5200, 8, 2, "42 megapiksel"),  # past the limit: said in megapixels
        (20000, 20000, 8, 6, "terlalu besar"),  # 400 MP: Pillow itself refuses to open it
    ],
)
def test_a_photo_too_large_to_decode_is_refused_before_decoding(
    officer_client, program_a, width, height, depth, colour, said
):
    content = png_header(width, height, depth, colour)
    response = upload(officer_client, program_a, "foto.png", content, kind="photo")
    message = str(next(iter(response.context["messages"])))
    assert said in message and "40" in message
    assert not Attachment.objects.exists()


def test_a_photo_is_turned_as_its_camera_says_and_shrunk(officer_client, program_a):

    image = Image.new("RGB", (3200, 1600), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # the camera was held upright: turn 90 degrees
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    upload(officer_client, program_a, "foto.jpg", buffer.getvalue(), kind="photo")
    photo = Attachment.objects.get()
    shown = officer_client.get(photo.get_absolute_url())
    displayed = Image.open(io.BytesIO(b"".join(shown.streaming_content)))
    assert displayed.size == (800, 1600)
    assert not displayed.getexif().get(0x0112)


def test_a_file_attached_to_a_program_submitted_meanwhile_is_refused(officer_a, program_a):
    """The page read the program while it was a draft; the submission committed before the
    upload: the service re-reads the program under lock and refuses (as for evidence)."""
    from django.core.exceptions import ValidationError

    from programs import services, workflow
    from programs.forms import AttachmentForm

    form = AttachmentForm(
        {"kind": "proposal"}, {"file": SimpleUploadedFile("proposal.pdf", b"%PDF-1.4 isi")}
    )
    assert form.is_valid(), form.errors
    workflow.program_submit(program=program_a, by=officer_a)
    with pytest.raises(ValidationError):
        services.attachment_add(program=program_a, form=form, by=officer_a)
    assert not Attachment.objects.exists()
