"""The admin's shared pieces: the audit trail (read-only, in the portal's languages), the
sign-in records (kept), and saving only the fields an administrator changed."""

from auditlog.models import LogEntry
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from . import audit, concurrency, tenancy
from .db import model_columns, stamp_columns
from .forms import (
    BoundedInlineFormSet,
    SafeModelMultipleChoiceField,
    posted_id,
    unstorable_keys,
)
from .money import rupiah


class _SafeOptgroups:
    """Django's autocomplete widgets look a posted value up to show it again, and crash
    when it is not an id at all; those values are shown as not selected."""

    def optgroups(self, name, value, attr=None):
        relation = self.field.remote_field
        wanted = [v for v in value if v not in ("", None)]
        bad = unstorable_keys(relation.model, wanted, getattr(relation, "field_name", None))
        return super().optgroups(name, [v for v in value if v not in bad], attr)


class SafeAutocompleteSelect(_SafeOptgroups, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SafeOptgroups, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For ModelAdmins and inlines with autocomplete fields: a tampered value is a form
    error on the page, never a server error."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# Lookups the admin's own list filters use; any other from the URL (?title__regex=() is refused.
SAFE_LOOKUPS = {"exact", "iexact", "in", "isnull", "gt", "gte", "lt", "lte", "id"}


class PortalAdminMixin(SafeAutocompleteMixin):
    """What every ModelAdmin of the portal needs besides Django's: no server error from a
    tampered URL, action or inline, and no crash from autocompletes (above)."""

    def view_on_site(self, obj):
        """The object's page in its own region (its `region_code`), from the admin."""
        if not hasattr(obj, "get_absolute_url"):
            return None
        with tenancy.serving(getattr(obj, "region_code", None)):
            return obj.get_absolute_url()

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__")[-1] not in SAFE_LOOKUPS and "__" in lookup:
            return False
        return super().lookup_allowed(lookup, value, request)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(posted_id(str(pk)) is None for pk in selected):
            self.message_user(request, _("The selection is not valid."), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:  # the whole change was rolled back
            self.message_user(
                request,
                _(
                    "Nothing was saved: the change conflicts with another row (two lines for "
                    "one thing, or a row changed meanwhile). Check the lines and save again."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def _versioned(self, request, obj) -> bool:
        """An existing object's change form (not an inline's, not a read-only view)."""
        return (
            obj is not None
            and isinstance(self, admin.ModelAdmin)
            and self.has_change_permission(request, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A change form carries the version of what it showed (core.concurrency): saved
        from a page loaded before another person's change, it is refused."""
        if self._versioned(request, obj):
            inlines = [
                formset
                for formset, inline in self.get_formsets_with_inlines(request, obj)
                if inline.has_change_permission(request, obj)
                or inline.has_add_permission(request, obj)
            ]
            kwargs["form"] = concurrency.admin_form(kwargs.get("form", self.form), inlines)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._versioned(request, obj) or concurrency.FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], concurrency.FIELD]}), *rest]


class TabularInline(admin.TabularInline):
    """Every inline of the portal's admin: rows capped and counted as core.forms'
    BoundedInlineFormSet does (a posted TOTAL_FORMS of a thousand builds no line)."""

    formset = BoundedInlineFormSet
    max_rows = 100

    def get_formset(self, request, obj=None, **kwargs):
        limit = self.get_max_num(request, obj) or self.max_rows
        kwargs.setdefault("max_num", limit)
        kwargs.setdefault("absolute_max", limit)
        kwargs.setdefault("validate_max", True)
        return type("Labelled", (_LabelledLines, super().get_formset(request, obj, **kwargs)), {})


class _LabelledLines:
    """A tabular inline names each field by its column and line ("Jumlah, baris 2"): Django
    shows the names only as column headers, which a screen reader does not read per field."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        line = _("line %(number)s") % {"number": index + 1} if index is not None else _("new line")
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            if not widget.is_hidden:
                label = field.label or (_("Delete") if name == "DELETE" else name)
                widget.attrs.setdefault("aria-label", f"{label}, {line}")


class SaveChangedFieldsMixin(PortalAdminMixin):
    """An edit writes only the columns the administrator changed: a value another person
    saved meanwhile (an officer's phone number, a planner's figure) is never put back."""

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        columns = model_columns(type(obj), form.changed_data)
        if columns:
            obj.save(update_fields=[*columns, *stamp_columns(type(obj))])
        return None


class TermAdmin(SaveChangedFieldsMixin, admin.ModelAdmin):
    """A list kept as data (core.vocabulary): its code is set once, its names corrected at
    will; a term in use cannot be deleted."""

    list_display = ["name", "name_en", "code"]
    search_fields = ["name", "name_en", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []


def rupiah_column(name: str, label):
    """A list column showing the money field `name` as "Rp 1.500.000.000", sortable by it."""

    @admin.display(description=label, ordering=name)
    def column(obj):
        return rupiah(getattr(obj, name))

    column.__name__ = f"{name}_rupiah"
    return column


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(str(key), label) for key, label in audit.ACTION_LABELS.items()]

    def queryset(self, request, queryset):
        if self.value() in {str(key) for key in audit.ACTION_LABELS}:
            return queryset.filter(action=int(self.value()))
        return queryset


class WhoFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("who")


class WhenFilter(admin.DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("when")


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditEntryAdmin(PortalAdminMixin, admin.ModelAdmin):
    """The audit trail: who changed what, when, from where, with old and new values.

    Nobody adds, changes or deletes an entry here; filters by person, kind of object and
    date (indexed columns only: the trail grows large)."""

    list_display = ["when", "who", "content_type", "object", "what", "address"]
    list_filter = [
        ActionFilter,
        ("actor", WhoFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("timestamp", WhenFilter),
    ]
    list_select_related = ["actor", "content_type"]
    search_fields = ["object_repr", "=object_pk", "actor__username"]
    fields = ["when", "who", "address", "content_type", "object", "what", "changes"]
    readonly_fields = fields
    show_full_result_count = False
    ordering = ["-timestamp"]

    def lookup_allowed(self, lookup, value, request=None):
        # Only the list filters' own fields: anything else (?remote_addr__exact=x, an inet
        # column on PostgreSQL) is refused with a 400 instead of reaching the database.
        if lookup == ActionFilter.parameter_name:
            return True  # ActionFilter reads it as one of its own choices
        if lookup.split("__")[0] not in {"actor", "content_type", "timestamp"}:
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("when"), ordering="timestamp")
    def when(self, entry):
        return entry.timestamp

    @admin.display(description=_("object"))
    def object(self, entry):
        return entry.object_repr

    @admin.display(description=_("client address"))
    def address(self, entry):
        return entry.remote_addr or "–"

    @admin.display(description=_("who"), ordering="actor")
    def who(self, entry):
        if entry.actor:
            return entry.actor.get_full_name() or entry.actor.username
        return entry.actor_email or _("the system")

    @admin.display(description=_("what"))
    def what(self, entry):
        return audit.ACTION_LABELS.get(entry.action, entry.action)

    @admin.display(description=_("changes"))
    def changes(self, entry):
        rows = ((change.label, change.old, change.new) for change in audit.describe(entry))
        return format_html_join("\n", "<div><strong>{}</strong>: {} → {}</div>", rows)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """Deleting a lockout lifts it: allowed, and recorded in the audit trail."""

    def delete_model(self, request, obj):
        self._record(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._record(request, list(queryset))
        super().delete_queryset(request, queryset)

    @staticmethod
    def _record(request, attempts):
        for attempt in attempts:
            audit.record(
                attempt,
                by=request.user,
                action=audit.Action.DELETE,
                changes={
                    "username": (attempt.username, None),
                    "ip_address": (attempt.ip_address, None),
                },
                data={"event": "lockout lifted"},
            )


@admin.register(AccessLog)
class SignInLogAdmin(AccessLogAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessFailureLog)
class FailedSignInLogAdmin(AccessFailureLogAdmin):
    def has_delete_permission(self, request, obj=None):
        return False
