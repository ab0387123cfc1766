from crispy_forms.helper import FormHelper


class TableFormSetHelper(FormHelper):
    """Renders an inline formset as a table inside a page's own <form>."""

    template = "bootstrap5/table_inline_formset.html"
    form_tag = False
