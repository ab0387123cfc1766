"""The admin is an entry point like any page: status changes only through the workflow's
services (as actions, with their locks, checks, timeline and emails), pledges of a program
that is no longer editable are read-only, and a committed program cannot be deleted."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import ShowFacets, helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import PortalAdminMixin, TabularInline, rupiah_column
from core.db import model_columns

from . import claims, services, workflow
from .models import (
    Amendment,
    Attachment,
    OutputIndicator,
    Pledge,
    Program,
    ProgramOutput,
    ProgramPartner,
    ProgramTransition,
    Sdg,
)

S = Program.Status


class WhileEditable:
    """An inline of rows that change with the program's form while it is a draft or sent back
    for revision; afterwards through an amendment (programs.amendments), never here."""

    def _editable(self, obj) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class PledgeInline(WhileEditable, TabularInline):
    model = Pledge
    raw_id_fields = ["need"]
    extra = 0


class OutputInline(WhileEditable, PortalAdminMixin, TabularInline):
    model = ProgramOutput
    autocomplete_fields = ["village"]
    extra = 0


class PartnerInline(WhileEditable, PortalAdminMixin, TabularInline):
    model = ProgramPartner
    autocomplete_fields = ["company"]
    extra = 0


class ShownInline(TabularInline):
    """Rows shown with the program, changed only on the portal's pages through their services:
    `fields` read-only, none added or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class AmendmentInline(ShownInline):
    """Changes are proposed and decided on the program's pages (programs.amendments)."""

    model = Amendment
    fields = ["proposed_at", "proposed_by", "reason", "status", "decided_at", "decided_by"]


class AttachmentInline(ShownInline):
    """Files are added and removed on the program's page (services.attachment_*), which
    deletes the stored file too and only while the program is editable."""

    model = Attachment
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


class TransitionInline(ShownInline):
    model = ProgramTransition
    fields = ["at", "by", "from_status", "to_status", "comment"]


def _transition_action(target: str, label):
    """An admin action that makes the transition of each selected program through the
    workflow's service."""

    def action(modeladmin, request, queryset):
        comment = request.POST.get("comment", "").strip()
        if target in workflow.TRANSITIONS.comment_required and not (
            request.POST.get("apply") and comment
        ):
            return TemplateResponse(
                request,
                "admin/programs/program/transition.html",
                {
                    **modeladmin.admin_site.each_context(request),
                    "title": label,
                    "programs": queryset.select_related("company"),
                    "action": f"move_to_{target}",
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "opts": modeladmin.model._meta,
                    "missing_comment": bool(request.POST.get("apply")),
                },
            )
        moved = 0
        for program in queryset.order_by("pk"):
            try:
                workflow.SERVICES[target](program=program, by=request.user, comment=comment)
                moved += 1
            except PermissionDenied:
                modeladmin.message_user(
                    request,
                    _("%(program)s: your role may not make this change.") % {"program": program},
                    messages.ERROR,
                )
            except (workflow.TransitionError, ValidationError) as e:
                problems = e.messages if isinstance(e, ValidationError) else [str(e)]
                modeladmin.message_user(request, f"{program}: {' '.join(problems)}", messages.ERROR)
        if moved:
            modeladmin.message_user(
                request,
                _("%(count)s programs changed: %(label)s.") % {"count": moved, "label": label},
                messages.SUCCESS,
            )
        return None

    action.__name__ = f"move_to_{target}"
    return admin.action(description=label)(action)


class ProgramAdminForm(forms.ModelForm):
    sdgs = forms.TypedMultipleChoiceField(
        label=gettext_lazy("SDG goals"), choices=Sdg.choices, coerce=int, required=False
    )

    class Meta:
        model = Program
        fields = [
            "company",
            "plan",
            "title",
            "summary",
            "description",
            "pillar",
            "sdgs",
            "villages",
            "start_date",
            "end_date",
            "budget",
            "beneficiaries",
        ]


@admin.register(Program)
class ProgramAdmin(PortalAdminMixin, admin.ModelAdmin):
    form = ProgramAdminForm
    list_display = [
        "title",
        "company",
        "status",
        "pillar",
        rupiah_column("budget", gettext_lazy("budget")),
        "start_date",
        "submitted_at",
    ]
    list_filter = ["status", "pillar", "plan"]
    search_fields = ["title", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company", "villages"]
    readonly_fields = [
        "status",
        "submitted_at",
        "created_by",
        "updated_by",
        "created_at",
        "updated_at",
    ]
    inlines = [
        PledgeInline,
        OutputInline,
        PartnerInline,
        AttachmentInline,
        TransitionInline,
        AmendmentInline,
    ]
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    actions = [
        _transition_action(S.APPROVED, gettext_lazy("Approve (checks every need's gap)")),
        _transition_action(S.REVISION, gettext_lazy("Request a revision")),
        _transition_action(S.REJECTED, gettext_lazy("Reject")),
        _transition_action(S.IN_PROGRESS, gettext_lazy("Mark as started")),
        _transition_action(S.COMPLETED, gettext_lazy("Mark as completed")),
        _transition_action(S.CANCELLED, gettext_lazy("Cancel (releases the pledges)")),
    ]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["company", "plan"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting in bulk would skip the per-program check below.
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        """An approved, running or completed program counts toward the needs: cancel it."""
        if obj is not None and obj.status in Program.COMMITTED:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = obj.updated_by = request.user
            obj.status = S.DRAFT
            obj.save()
            return
        columns = model_columns(Program, form.changed_data)
        services.program_update(program=obj, fields=columns, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Pledge and formset.has_changed():
            # The program may have been submitted since the page was opened.
            locked = Program.objects.select_for_update().get(pk=form.instance.pk)
            if not locked.is_editable:
                self.message_user(
                    request,
                    _("The pledges were not changed: the program is %(status)s now.")
                    % {"status": locked.get_status_display().lower()},
                    messages.ERROR,
                )
                formset.new_objects = formset.changed_objects = formset.deleted_objects = []
                return
        super().save_formset(request, form, formset, change)
        if formset.model is Pledge:
            claims.fit(form.instance)  # a pledge's need or quantity may have changed

    @transaction.atomic
    def delete_model(self, request, obj):
        locked = Program.objects.select_for_update().get(pk=obj.pk)
        if locked.status in Program.COMMITTED:
            raise PermissionDenied
        super().delete_model(request, locked)


@admin.register(OutputIndicator)
class OutputIndicatorAdmin(PortalAdminMixin, admin.ModelAdmin):
    """The list of output indicators; approving an officer's proposal offers it to all."""

    list_display = ["name", "unit", "approved", "proposed_by"]
    list_filter = ["approved"]
    search_fields = ["name"]
    list_select_related = ["proposed_by"]
    actions = ["approve"]

    @admin.action(description=gettext_lazy("Approve the proposed indicators"))
    def approve(self, request, queryset):
        for indicator in queryset.filter(approved=False):
            indicator.approved = True
            indicator.save(update_fields=["approved"])
