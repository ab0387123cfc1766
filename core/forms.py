from django import forms
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils.translation import gettext as _


class BoundedInlineFormSet(forms.BaseInlineFormSet):
    """An inline formset that trusts nothing the browser says about it.

    Make it with `bounded_inline_formset(...)`. The number of rows is capped: a posted
    TOTAL_FORMS beyond `absolute_max` is a form error, and no line beyond the stored ones is
    even built (a thousand lines of choices would cost seconds to draw again). The stored rows
    are counted in the database, never taken from the posted INITIAL_FORMS (0 would turn them
    into new rows); a posted count that differs, or a row whose hidden id no longer matches a
    saved row (deleted meanwhile, or tampered), is said in words instead of saved.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rows stored beyond the cap (entered in the admin, kept from before) are shown and
        # saved; the cap stops new lines only.
        stored = len(self.get_queryset()) if self.instance.pk is not None else 0
        self.max_num = max(self.max_num, stored)
        self.absolute_max = max(self.absolute_max, stored)

    def initial_form_count(self):
        if self.is_bound:
            return len(self.get_queryset())
        return super().initial_form_count()

    def total_form_count(self):
        if self.is_bound and self._posted(TOTAL_FORM_COUNT) > self.absolute_max:
            return self.initial_form_count()
        return super().total_form_count()

    def _posted(self, name: str) -> int:
        form = self.management_form
        return form.cleaned_data.get(name, 0) if form.is_valid() else 0

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def clean(self):
        super().clean()
        if not self.form.base_fields:
            return  # a read-only list (the admin's timeline): rows added meanwhile change nothing
        if self._posted(INITIAL_FORM_COUNT) != self.initial_form_count() or any(
            form.errors.get("id") for form in self.forms
        ):
            raise forms.ValidationError(
                _(
                    "Lines of this list were added, changed or removed elsewhere since you "
                    "opened the page. Reload the page and enter your change again."
                )
            )


def bounded_inline_formset(parent, model, *, max_rows: int, **kwargs):
    """inlineformset_factory with a cap on the rows that is validated, not only displayed."""
    kwargs.setdefault("formset", BoundedInlineFormSet)
    return forms.inlineformset_factory(
        parent,
        model,
        max_num=max_rows,
        absolute_max=max_rows,
        validate_max=True,
        **kwargs,
    )


def unstorable_keys(model, values, to_field_name=None) -> list:
    """The values that cannot even be looked up as `model`'s integer keys: not whole numbers,
    or beyond what the column holds (SQLite raises OverflowError on those, PostgreSQL an
    error that breaks the transaction: either way a server error, not "no such row")."""
    meta = model._meta
    field = meta.get_field(to_field_name) if to_field_name else meta.pk
    if field.get_internal_type() not in ("AutoField", "BigAutoField", "IntegerField"):
        return []
    bad = []
    for value in values:
        try:
            if not 0 <= int(str(value)) < 2**63:
                bad.append(value)
        except ValueError:
            bad.append(value)
    return bad


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Ids that no integer column can hold are invalid choices, refused before the query."""

    def _check_values(self, value):
        bad = unstorable_keys(self.queryset.model, value, self.to_field_name)
        if bad:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": bad[0]},
            )
        return super()._check_values(value)


def posted_id(value: str) -> int | None:
    """A primary key posted as text (a button's hidden field), or None when it is no whole
    number a key column can hold (superscripts and Arabic-Indic digits are digits to Python,
    not keys)."""
    if not (value.isascii() and value.isdecimal()) or int(value) >= 2**63:
        return None
    return int(value)
