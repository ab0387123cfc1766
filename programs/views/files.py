"""A program's attachments: added, removed and served to whoever may read the program."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe

from core import files

from .. import services
from ..forms import (
    AttachmentForm,
)
from ..models import (
    Attachment,
)
from .program import get_editable_program, get_program_for_user


class AttachmentUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        program = get_editable_program(request, pk)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.attachment_add(program=program, form=form, by=request.user)
            except ValidationError as e:  # submitted meanwhile
                messages.error(request, " ".join(e.messages))
            else:
                messages.success(request, _("The file is attached."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(program)


class AttachmentDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk, attachment_pk):
        program = get_editable_program(request, pk)
        attachment = get_object_or_404(program.attachments, pk=attachment_pk)
        try:
            services.attachment_delete(attachment=attachment)
        except ValidationError as e:  # submitted meanwhile
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("The file is removed."))
        return redirect(program)


@login_required
@require_safe
def attachment_download(request, pk, attachment_pk):
    """Serve a file only to users who may see its program; never from a static root.

    A photo shows as its re-encoded copy (?size=thumbnail for the small one); the file as
    uploaded (?size=original, and every other kind of file) is always a download."""
    program = get_program_for_user(request, pk)
    attachment: Attachment = get_object_or_404(program.attachments, pk=attachment_pk)
    return files.serve(attachment, request.GET.get("size"))
