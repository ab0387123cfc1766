"""An edit from a stale form is refused, never silently applied (no lost update).

An edit form carries, in a hidden field, the version of what it showed: a fingerprint of the
values of the object's fields it edits, and of the rows of its formsets (a program's pledges,
a company's ring villages), as they were when the page was loaded, and that moment. The service
that saves the edit locks the object's row, reads those values again and compares: when someone
changed any of them meanwhile, the save is refused (`Stale`) with the changes made since (from
the audit trail) and the person's input is kept, now carrying the current version, so that
saving again is a choice made knowing what it replaces.

Only what the form would write counts: a need's pledged quantity moved by an approval, or a
program's status, does not make its edit form stale (the services check those under the same
lock). The same check serves the admin's change forms (core.admin).
"""

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit

FIELD = "loaded_version"


@dataclass(frozen=True)
class Rows:
    """The rows of `model` that belong to the object through the foreign key `fk`."""

    model: type[Model]
    fk: str
    fields: tuple[str, ...]

    @classmethod
    def of(cls, formset) -> "Rows":
        """The rows an inline formset (or its class) edits."""
        fk = formset.fk.name
        return cls(
            formset.model, fk, _model_fields(formset.model, formset.form.base_fields, skip=fk)
        )

    def state(self, objects) -> list:
        meta = self.model._meta
        return [
            [obj.pk, *(meta.get_field(name).value_from_object(obj) for name in self.fields)]
            for obj in sorted(objects, key=lambda obj: obj.pk)
        ]

    def stored(self, pk) -> list:
        return self.state(self.model._default_manager.filter(**{self.fk: pk}))


@dataclass(frozen=True)
class Shown:
    """What an edit form shows of an object: its `fields` (columns and many-to-many) and the
    `rows` of its formsets. Its version is a fingerprint of those values: as the form showed
    them (`shown_version`), or as they are stored now (`stored_version`)."""

    model: type[Model]
    fields: tuple[str, ...]
    rows: tuple[Rows, ...] = ()

    @classmethod
    def of(cls, form, formsets=()) -> "Shown":
        """What `form` and its inline `formsets` (instances or classes) edit: the form's declared
        fields (not those it happens to show: a round offered or not), and the formsets that
        edit a field (a read-only list in the admin cannot be overwritten)."""
        meta = form._meta
        declared = [name for name in meta.fields or form.fields if name not in (meta.exclude or ())]
        rows = tuple(rows for rows in map(Rows.of, formsets) if rows.fields)
        return cls(meta.model, _model_fields(meta.model, declared), rows)

    def _own(self, instance, many: dict) -> list:
        meta = self.model._meta
        return [
            sorted(_pk(value) for value in many[name])
            if meta.get_field(name).many_to_many
            else meta.get_field(name).value_from_object(instance)
            for name in self.fields
        ]

    def shown_version(self, form, row_sets) -> str:
        """The version of the values `form` was built with (its instance as loaded, its
        many-to-many initial values) and of `row_sets`, the rows its formsets show."""
        many = {name: form.initial.get(name) or [] for name in self.fields}
        rows = [found.state(objects) for found, objects in zip(self.rows, row_sets, strict=True)]
        return _digest([self._own(form.instance, many), *rows])

    def stored_version(self, pk) -> str:
        """The version of the values stored now (read under the row's lock to compare)."""
        instance = self.model._default_manager.get(pk=pk)
        meta = self.model._meta
        many = {
            name: meta.get_field(name).value_from_object(instance)
            for name in self.fields
            if meta.get_field(name).many_to_many
        }
        return _digest([self._own(instance, many), *(rows.stored(pk) for rows in self.rows)])


def _pk(value):
    return value.pk if isinstance(value, Model) else value


def _digest(state: list) -> str:
    encoded = json.dumps(state, default=str, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:24]


def _model_fields(model, names, *, skip: str = "") -> tuple[str, ...]:
    """The names among `names` that are stored fields of `model` (columns or many-to-many)."""
    found = []
    for name in names:
        if name in (FIELD, skip, "DELETE"):
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete or field.many_to_many:
            found.append(name)
    return tuple(found)


class VersionField(forms.CharField):
    """The hidden field that carries the version; never a change of the object itself."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data) -> bool:
        return False


def token(version: str) -> str:
    """What the form carries: the version and the moment it was read (milliseconds)."""
    return f"{version}.{int(time.time() * 1000)}"


STALE = gettext_lazy(
    "Someone else changed this since you opened the page: your changes were not saved. They "
    "are kept below; check them against the changes listed here and save again to replace them."
)


class Stale(ValidationError):
    """The object changed since the form was loaded: `changes` lists what, who and when."""

    def __init__(self, *, changes: list[str], current: str):
        self.changes, self.current = changes, current
        super().__init__([str(STALE), *changes], code="stale")


def check(shown: Shown, instance: Model, loaded: str) -> None:
    """Refuse (Stale) an edit whose form showed another version of `instance` than the one
    stored now. Call it inside the saving transaction, with the row locked."""
    current = shown.stored_version(instance.pk)
    version, _dot, moment = (loaded or "").partition(".")
    if version == current:
        return
    raise Stale(changes=changes_since(instance, shown, _moment(moment)), current=token(current))


def _moment(text: str) -> datetime | None:
    """When the form was loaded (milliseconds since 1970), if the text is one."""
    if not (text.isascii() and text.isdecimal() and len(text) <= 13):
        return None
    try:
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def changes_since(instance: Model, shown: Shown, since: datetime | None) -> list[str]:
    """One line per change of the object and of its rows made since `since`, from the audit
    trail: "10.32, Budi: Title: 'old' → 'new'"."""
    entries = audit.history(
        instance, parts=[rows.model for rows in shown.rows], since=since, limit=20
    )
    lines = []
    for entry in reversed(entries):
        if entry.actor is None:
            who = _("the system")
        else:
            who = entry.actor.get_full_name() or entry.actor.username
        when = date_format(localtime(entry.timestamp), "j F Y H.i")
        described = "; ".join(
            f"{change.label}: {change.old} → {change.new}" for change in audit.describe(entry)
        )
        lines.append(
            _("%(when)s, %(who)s: %(object)s %(action)s. %(changes)s")
            % {
                "when": when,
                "who": who,
                "object": entry.object_repr,
                "action": audit.ACTION_LABELS.get(entry.action, ""),
                "changes": described,
            }
        )
    return lines


class VersionedFormMixin:
    """For a ModelForm that edits an object: carries the version of what it showed (see the
    module). Name the formsets shown with it through `watch()`; services call
    `check_version()` with the row locked; views show a refusal with `refuse_stale()`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.formsets = ()
        self.fields[FIELD] = VersionField()
        # Taken when the page is drawn, after watch() has named the formsets, from the values
        # the form and its formsets show (never read again: what is drawn is what is versioned).
        self.fields[FIELD].initial = self._version_token

    def watch(self, *formsets) -> None:
        self.formsets = formsets

    @property
    def shown(self) -> Shown:
        return Shown.of(self, self.formsets)

    def _row_sets(self) -> list:
        """The rows each watched formset shows (the ones that edit a field, as in `shown`)."""
        return [formset.get_queryset() for formset in self.formsets if Rows.of(formset).fields]

    def version_of(self, row_sets) -> str:
        """The version of the instance and of `row_sets` (each watched formset's rows) as a
        client without a page was shown them: the API gives it with the object, from the
        rows it serialized, and takes it back with a change."""
        return token(self.shown.shown_version(self, row_sets))

    def _version_token(self) -> str:
        return "" if self.instance.pk is None else self.version_of(self._row_sets())

    def check_version(self) -> None:
        """Stale when the object changed since the form was loaded (a new object never is)."""
        if self.instance.pk is not None:
            check(self.shown, self.instance, self.cleaned_data.get(FIELD, ""))

    def refuse_stale(self, stale: Stale) -> None:
        """Show the refusal on the form; the input stays, with the current version."""
        self.data = self.data.copy()
        self.data[self.add_prefix(FIELD)] = stale.current
        self.add_error(None, stale)


class AdminVersionedFormMixin(VersionedFormMixin):
    """The admin's change forms (core.admin): the change view runs in one transaction, so the
    check locks the row in `clean()` and the lock holds until the save. `watched_formsets`
    are the inlines' formset classes."""

    watched_formsets: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.watch(*self.watched_formsets)
        if self.instance.pk is not None and not self.is_bound:
            # The inlines are read after this form: their rows as stored now (a row changed
            # in between makes the save refused, never lost).
            self.fields[FIELD].initial = self._version_token()

    def _row_sets(self) -> list:
        return [
            rows.model._default_manager.filter(**{rows.fk: self.instance.pk})
            for rows in self.shown.rows
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            manager = self._meta.model._default_manager
            manager.select_for_update().only("pk").get(pk=self.instance.pk)
            try:
                self.check_version()
            except Stale as stale:
                self.refuse_stale(stale)
        return cleaned


def admin_form(form_class, formsets=()) -> type:
    """`form_class` (an admin's ModelForm) checking the version of what it showed."""
    return type(
        form_class.__name__,
        (AdminVersionedFormMixin, form_class),
        {FIELD: VersionField(), "watched_formsets": tuple(formsets)},
    )
